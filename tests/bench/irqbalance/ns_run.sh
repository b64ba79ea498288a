#!/bin/bash
# Run "$@" with the fake tree TREE bind-mounted over everything irqbalance 1.9.2 reads or writes.
# Must be started as:  unshare -m --propagation private ./ns_run.sh TREE cmd...
# (a private mount namespace: none of these mounts is visible outside it, and they all vanish
# when its last process exits).
set -euo pipefail
TREE=$(realpath "$1"); shift
[ "$(readlink /proc/self/ns/mnt)" != "$(readlink /proc/1/ns/mnt)" ] || { echo "not in a private mount namespace" >&2; exit 1; }
for p in proc/interrupts proc/stat proc/irq sys/devices/system/cpu sys/devices/system/node \
         sys/bus/pci/devices sys/class/net; do
  mount --bind "$TREE/$p" "/$p"
done
mount -t tmpfs -o size=4m irqb-run /run       # irqbalance's UI socket /run/irqbalance/*.sock
mkdir -p /run/irqbalance
# sanity: the namespace now sees the fake machine
grep -q "^CPU0\|CPU0" /proc/interrupts
[ "$(cat /sys/devices/system/cpu/online)" = "$(cat "$TREE/sys/devices/system/cpu/online")" ]
exec "$@"
