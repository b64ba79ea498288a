#!/usr/bin/env python3
"""No test may skip on a path CI can take (CI runs as root, on whatever kernel it is given, and
fails on a skipped test). GTEST_SKIP is allowed only in IRQD_REQUIRE_NETNS's branch for a
developer who is not root (tests/integration/netns.hpp); a test that depends on what the kernel
offers branches on it and asserts the fallback instead of skipping.

Usage: no_skip_test.py SOURCE_ROOT. Prints every GTEST_SKIP outside that place as file:line and
exits 1 if any.
"""
import pathlib
import re
import sys

ALLOWED = {"tests/integration/netns.hpp"}
SKIP = re.compile(r"\bGTEST_SKIP\b|\bDISABLED_\w+")


def main() -> int:
    root = pathlib.Path(sys.argv[1])
    bad = []
    checked = 0
    for path in sorted((root / "tests").rglob("*.[ch]pp")):
        rel = path.relative_to(root).as_posix()
        checked += 1
        if rel in ALLOWED:
            continue
        for n, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
            if SKIP.search(line):
                bad.append(f"{rel}:{n}: skips a test (assert what happens on that path instead)")
    for b in bad:
        print(b)
    print(f"{checked} test sources checked, {len(bad)} skips")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
