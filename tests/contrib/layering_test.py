#!/usr/bin/env python3
"""The rooms' include rules: every #include "..." of the project obeys the layering.

    sysfs, topology, netlink, config, policies   never include irqd/
    irqd/engine                                   never includes daemon/, dbus/ or irqctl/
    irqd/daemon                                   never includes dbus/ or irqctl/
    irqd/dbus                                     from daemon/ only the control API
    irqd/irqctl                                   only irqctl/ and dbus/names.hpp (a separate program)

and the argument validator is one: config/arguments.hpp, included by the daemon's control API
and by irqctl's argument checks, and no other validator of those arguments lives in irqd/; NAPI
settings are read by name with config/napi_settings.hpp alone.

Usage: layering_test.py SOURCE_ROOT. Prints every violation as file:line and exits 1 if any.
"""
import pathlib
import re
import sys

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')


def allowed(folder: str, target: str) -> bool:
    if folder in ("sysfs", "topology", "netlink", "config", "policies"):
        return not target.startswith("irqd/")
    if folder == "irqd/engine":
        return not target.startswith(("irqd/daemon/", "irqd/dbus/", "irqd/irqctl/"))
    if folder == "irqd/daemon":
        return not target.startswith(("irqd/dbus/", "irqd/irqctl/"))
    if folder == "irqd/dbus":
        if target.startswith("irqd/daemon/"):
            return target == "irqd/daemon/control.hpp"
        return not target.startswith("irqd/irqctl/")
    if folder == "irqd/irqctl":
        if target.startswith("irqd/"):
            return target.startswith("irqd/irqctl/") or target == "irqd/dbus/names.hpp"
        return True
    return True


def main() -> int:
    root = pathlib.Path(sys.argv[1])
    bad = []
    checked = 0
    for folder in ("sysfs", "topology", "netlink", "config", "policies", "irqd/engine",
                   "irqd/daemon", "irqd/dbus", "irqd/irqctl"):
        files = sorted((root / folder).glob("*.[ch]pp"))
        if not files:
            bad.append(f"{folder}/: no sources found (moved? update this test)")
        for f in files:
            for n, line in enumerate(f.read_text().splitlines(), 1):
                m = INCLUDE.match(line)
                if not m:
                    continue
                checked += 1
                if not allowed(folder, m.group(1)):
                    bad.append(f"{f.relative_to(root)}:{n}: {folder} must not include {m.group(1)}")
    # One validator of run-time request arguments (cpulists, queue, device and policy names), used
    # by the daemon and by irqctl alike, so both refuse the same values with the same message.
    for user in ("irqd/daemon/control.hpp", "irqd/irqctl/arguments.cpp"):
        path = root / user
        if not path.exists() or '#include "config/arguments.hpp"' not in path.read_text():
            bad.append(f"{user}: must validate arguments with config/arguments.hpp")
    # Likewise one reader of NAPI settings by name (config/napi_settings.hpp): the control API, the
    # overrides file and irqctl take the [[device]] parsers' and limits' word for every value.
    for user in ("irqd/daemon/control.cpp", "irqd/daemon/overrides.cpp", "irqd/irqctl/arguments.cpp"):
        path = root / user
        if not path.exists() or '#include "config/napi_settings.hpp"' not in path.read_text():
            bad.append(f"{user}: must read NAPI settings with config/napi_settings.hpp")
    for old in ("irqd/daemon/override_args.hpp", "irqd/daemon/override_args.cpp"):
        if (root / old).exists():
            bad.append(f"{old}: the argument validator lives in config/arguments.*")
    # Nothing of the daemon's or engine's is left at irqd/'s top level but the program's main.
    stray = [p.name for p in (root / "irqd").glob("*.[ch]pp") if p.name != "main.cpp"]
    if stray:
        bad.append(f"irqd/: {', '.join(sorted(stray))} belong in engine/, daemon/, dbus/ or irqctl/")
    for b in bad:
        print(b)
    print(f"{checked} includes checked, {len(bad)} violations")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
