#!/usr/bin/python3
"""Validates JSON documents against one definition of contrib/irqd.schema.json.

    validate_json.py SCHEMA DEFINITION FILE...

DEFINITION is a name under the schema's $defs ("report", "irqs", "error", ...). Each FILE holds
one document. Prints every violation with its path and exits 1 if any; exits 2 when the
validator itself is missing (python3-jsonschema, Debian's package), never silently passes.
/usr/bin/python3: the system interpreter that Debian's python3-jsonschema installs into.
"""
import json
import sys

try:
    import jsonschema
except ImportError:
    print("validate_json.py: python3-jsonschema is not installed (apt-get install python3-jsonschema)",
          file=sys.stderr)
    sys.exit(2)


def main() -> int:
    if len(sys.argv) < 4:
        print(__doc__, file=sys.stderr)
        return 2
    with open(sys.argv[1]) as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    name = sys.argv[2]
    if name not in schema.get("$defs", {}):
        print(f"validate_json.py: no definition {name!r} in {sys.argv[1]}", file=sys.stderr)
        return 2
    # The named definition, resolved inside the whole schema so its $refs work.
    one = dict(schema, **{"$ref": f"#/$defs/{name}"})
    one.pop("anyOf", None)
    bad = 0
    for path in sys.argv[3:]:
        with open(path) as f:
            doc = json.load(f)
        for err in sorted(jsonschema.Draft202012Validator(one).iter_errors(doc), key=lambda e: list(e.path)):
            where = "/".join(str(p) for p in err.absolute_path) or "(document)"
            print(f"{path}: {name}: {where}: {err.message}")
            bad += 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
