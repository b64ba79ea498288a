#!/usr/bin/env python3
"""Checks of debian/ that need no package build (.ci/package builds and inspects the package):
debian/changelog is at meson.build's version, and the package leaves irqbalance installed (no
Conflicts/Breaks/Replaces on it; the unit's Conflicts=irqbalance.service stops it instead).
Usage: debian_test.py SOURCE_DIR PROJECT_VERSION."""
import os
import re
import sys

SOURCE, VERSION = sys.argv[1:3]
DEBIAN = os.path.join(SOURCE, "debian")
failures = []


def read(name):
    with open(os.path.join(DEBIAN, name)) as f:
        return f.read()


m = re.match(r"irqd \(([^)]+)\) ", read("changelog"))
if not m:
    failures.append("debian/changelog does not start with an irqd (VERSION) entry")
elif m.group(1).split("-")[0] != VERSION:
    failures.append(f"debian/changelog is at {m.group(1)}, meson.build at {VERSION}: add a changelog entry")

for field in re.findall(r"^(?:Conflicts|Breaks|Replaces|Pre-Depends):.*(?:\n[ \t].*)*", read("control"), re.M):
    if "irqbalance" in field:
        failures.append(f"debian/control would remove irqbalance: {field}")

with open(os.path.join(SOURCE, "contrib", "irqd.service.in")) as f:
    if not re.search(r"^Conflicts=irqbalance\.service$", f.read(), re.M):
        failures.append("contrib/irqd.service.in lacks Conflicts=irqbalance.service")

for f in failures:
    print(f"FAIL {f}")
print(f"{len(failures)} problem(s) in debian/" if failures else "debian/ matches meson.build and leaves irqbalance installed")
sys.exit(1 if failures else 0)
