#!/bin/bash
# End-to-end: CPU cost per balancing pass of Debian 12's irqbalance (1.9.2) on two fake machines,
# run only inside private mount namespaces over fake /proc + /sys trees on tmpfs.
#   ./run.sh [PASSES] [REPEATS]        (default 30 passes x 3 runs per machine)
# Output: out/ (JSON per run, debug logs, strace logs and audits, summary.md)
set -euo pipefail
REPO=$(cd "$(dirname "$0")/../../.." && pwd)
cd "$(dirname "$0")"
PASSES=${1:-30}; REPEATS=${2:-3}
TREES=/dev/shm/irqb          # tmpfs
OUT=out
[ "$(id -u)" = 0 ] || { echo "needs root (mount namespaces)"; exit 1; }

# --- irqbalance from Debian, never started as a service
if ! [ -x /usr/sbin/irqbalance ]; then
  apt-get update -qq
  made_policy=0
  if ! [ -e /usr/sbin/policy-rc.d ]; then printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d; chmod +x /usr/sbin/policy-rc.d; made_policy=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq irqbalance strace
  [ $made_policy = 1 ] && rm -f /usr/sbin/policy-rc.d
fi
# never as a service: no boot-time start by sysv-rc, systemd or runit
update-rc.d irqbalance disable >/dev/null 2>&1 || true
rm -f /etc/systemd/system/multi-user.target.wants/irqbalance.service /etc/runit/runsvdir/default/irqbalance
if pgrep -x irqbalance >/dev/null; then echo "an irqbalance is already running on this machine: stop it first"; exit 1; fi
VERSION=$(/usr/sbin/irqbalance --version 2>&1 | head -1 || true)
DEBVER=$(dpkg-query -W -f='${Version}' irqbalance)
echo "irqbalance: $VERSION (Debian package $DEBVER)"

rm -rf "$TREES" "$OUT"; mkdir -p "$TREES" "$OUT"
snap() { for f in /proc/irq/*/smp_affinity_list; do echo "$f $(cat "$f")"; done; }
snap > $OUT/host_affinity_before.txt

declare -A SPEC LOAD
SPEC[t72]="--cpus 72 --packages 2 --nodes-per-package 1 --cores-per-l3 18 --nics 4 --queues 48"; LOAD[t72]=25.2
SPEC[t128]="--cpus 128 --packages 1 --nodes-per-package 4 --cores-per-l3 8 --nics 4 --queues 32"; LOAD[t128]=24.0

fresh() {  # fresh tree: every run starts from the boot state (all masks = all CPUs)
  rm -rf "$TREES/$1"; python3 make_tree.py "$TREES/$1" ${SPEC[$1]} >/dev/null
  python3 measure.py --tree "$TREES/$1" --init
}
inns() {   # run a command in a new private mount namespace over tree $1
  local t=$1; shift
  unshare -m --propagation private ./ns_run.sh "$TREES/$t" "$@"
}

for t in t72 t128; do
  echo "== $t"
  # 1. strace audit: every write must land in the fake tree
  fresh $t
  inns $t python3 measure.py --tree "$TREES/$t" --load ${LOAD[$t]} --passes 8 --out $OUT/$t.strace.json -- \
    strace -f -qq -y -tt -o $OUT/$t.strace.log -e trace=open,openat,openat2,creat,write,writev,pwrite64,pwritev,rename,renameat,renameat2,unlink,unlinkat,mkdir,mkdirat,bind,connect,truncate,ftruncate,symlink,symlinkat,link,linkat,chmod,fchmodat,mount \
    /usr/sbin/irqbalance --foreground --interval=1
  python3 check_strace.py $OUT/$t.strace.log > $OUT/$t.strace.audit.json || { echo "WRITE OUTSIDE THE FAKE TREE: see $OUT/$t.strace.audit.json"; exit 1; }
  # the writes really landed in the fake tree: files that no longer hold the boot mask (all CPUs)
  boot=$(cat "$TREES/$t/proc/irq/default_smp_affinity")
  moved=0; for f in "$TREES/$t"/proc/irq/[0-9]*/smp_affinity; do [ "$(cat "$f")" = "$boot" ] || moved=$((moved+1)); done
  echo "  strace audit ok: $(python3 -c "import json;a=json.load(open('$OUT/$t.strace.audit.json'));print(a['smp_affinity_writes'], 'smp_affinity writes, per pass', a['smp_affinity_writes_per_group'])"); fake-tree smp_affinity files changed: $moved" | tee $OUT/$t.strace.summary.txt
  # 2. debug run: passes, rescans, classes and where the NIC IRQs went
  fresh $t
  inns $t python3 measure.py --tree "$TREES/$t" --load ${LOAD[$t]} --passes 8 --out $OUT/$t.debug.json -- \
    /usr/sbin/irqbalance --foreground --debug --interval=1 > $OUT/$t.debug.log 2>&1
  python3 check_debug.py $OUT/$t.debug.log "$TREES/$t" > $OUT/$t.debug.check.json
  cat $OUT/$t.debug.check.json
  # 3. timed runs: plain daemon, no debug, no strace
  for r in $(seq 1 $REPEATS); do
    fresh $t
    inns $t python3 measure.py --tree "$TREES/$t" --load ${LOAD[$t]} --passes $PASSES --out $OUT/$t.run$r.json -- \
      /usr/sbin/irqbalance --foreground --interval=1
  done
  # 4. --oneshot: start-up + one pass + exit (what a cron-style or per-event run would cost)
  for r in 1 2 3; do
    fresh $t
    inns $t python3 measure.py --tree "$TREES/$t" --load ${LOAD[$t]} --passes 1 --out $OUT/$t.oneshot$r.json -- \
      /usr/sbin/irqbalance --foreground --oneshot --interval=1
  done
done

snap > $OUT/host_affinity_after.txt
if diff -q $OUT/host_affinity_before.txt $OUT/host_affinity_after.txt >/dev/null; then echo "host /proc/irq/*/smp_affinity_list unchanged"; else echo "HOST AFFINITY CHANGED"; diff $OUT/host_affinity_before.txt $OUT/host_affinity_after.txt; exit 1; fi
mount | grep -q "$TREES" && { echo "fake tree still mounted in the host namespace?!"; exit 1; } || true

# irqd's own number on this machine, right now, for a like-for-like comparison (optional)
BENCH=${IRQD_BENCH:-$REPO/build/tests/bench/bench_sim}
if [ -x "$BENCH" ]; then
  IRQD_FIXTURES=${IRQD_FIXTURES:-$REPO/tests/fixtures} "$BENCH" --benchmark_filter=DaemonCycle \
    --benchmark_repetitions=3 --benchmark_format=json > $OUT/irqd_bench_sim.json 2>/dev/null || true
fi
python3 summarize.py "$OUT" "$VERSION ($DEBVER)" | tee $OUT/summary.md
