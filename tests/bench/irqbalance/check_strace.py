#!/usr/bin/env python3
"""Audit an `strace -f -y -tt` log of irqbalance run in the fake namespace.
Fails (exit 1) if any write-type access lands outside the bind-mounted fake tree (or the private
/run tmpfs). Prints what it read, by area, and the smp_affinity writes per pass."""
import collections, json, re, sys

FAKE = ("/proc/irq/", "/proc/interrupts", "/proc/stat", "/sys/devices/system/cpu", "/sys/devices/system/node",
        "/sys/bus/pci/devices", "/sys/class/net")
PRIVATE = ("/run/",)                     # tmpfs mounted inside the namespace
SELF = re.compile(r"^/proc/(self|\d+)/")  # its own process info (libnuma, glib)
LIBS = ("/etc/ld.so.cache", "/lib/", "/usr/lib/", "/usr/share/locale", "/etc/localtime")
WFLAGS = re.compile(r"O_WRONLY|O_RDWR|O_CREAT|O_TRUNC|O_APPEND")
line_re = re.compile(r"^(\d+)\s+(\d\d):(\d\d):(\d\d\.\d+)\s+(\w+)\((.*)$")

bad, reads, writes_aff, events = [], collections.Counter(), [], []
for line in open(sys.argv[1]):
    m = line_re.match(line)
    if not m:
        continue
    t = int(m.group(2)) * 3600 + int(m.group(3)) * 60 + float(m.group(4))
    call, rest = m.group(5), m.group(6)
    events.append(t)
    paths = re.findall(r'"(/[^"]*)"', rest)
    fdpath = re.match(r"(?:AT_FDCWD<[^>]*>, )?(\d+)<([^>]*)>", rest)
    if call in ("open", "openat", "openat2", "creat"):
        p = paths[0] if paths else "?"
        if call == "creat" or WFLAGS.search(rest):
            if not (p.startswith(FAKE) or p.startswith(PRIVATE)):
                bad.append(line.strip())
        area = next((a for a in FAKE + PRIVATE + LIBS if p.startswith(a)), None) or \
            ("own /proc/PID" if SELF.match(p) else p)
        reads[area] += 1
    elif call in ("write", "writev", "pwrite64", "pwritev"):
        p = fdpath.group(2) if fdpath else "?"
        if re.search(r"smp_affinity$", p):
            writes_aff.append((t, p))
        elif not (p.startswith(FAKE) or p.startswith(PRIVATE) or p.startswith(("pipe:", "socket:", "/dev/pts", "/dev/null", "anon_inode:"))):
            bad.append(line.strip())
    elif call in ("rename", "renameat", "renameat2", "unlink", "unlinkat", "mkdir", "mkdirat", "truncate",
                  "symlink", "symlinkat", "link", "linkat", "chmod", "fchmodat", "mount", "bind"):
        for p in paths:
            if not (p.startswith(FAKE) or p.startswith(PRIVATE)):
                bad.append(line.strip())
# passes: syscall groups separated by > 0.3 s of silence (group 0 = start-up)
groups, start = [], None
for t in events:
    if start is None or t - last > 0.3:
        groups.append([t, t]); start = t
    groups[-1][1] = t; last = t
per_group = [sum(1 for (tw, _) in writes_aff if g[0] <= tw <= g[1]) for g in groups]
rep = dict(bad_write_accesses=bad, opens_by_area=dict(reads.most_common()), smp_affinity_writes=len(writes_aff),
           distinct_irqs_written=len(set(p for _, p in writes_aff)), syscall_groups=len(groups),
           smp_affinity_writes_per_group=per_group)
print(json.dumps(rep, indent=1))
sys.exit(1 if bad else 0)
