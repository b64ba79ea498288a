#!/bin/bash
# Optional: how irqbalance's steady pass cost grows with the IRQ count (72 CPUs, 4 NICs x Q queues).
set -euo pipefail
cd "$(dirname "$0")"
TREES=/dev/shm/irqb-scale; OUT=out_scale; rm -rf "$TREES" "$OUT"; mkdir -p "$TREES" "$OUT"
for q in 16 48 96 192; do
  t=$TREES/q$q
  python3 make_tree.py $t --cpus 72 --packages 2 --nodes-per-package 1 --cores-per-l3 18 --nics 4 --queues $q >/dev/null
  python3 measure.py --tree $t --init
  unshare -m --propagation private ./ns_run.sh $t python3 measure.py --tree $t --load 25.2 --passes 15 \
    --out $OUT/q$q.json -- /usr/sbin/irqbalance --foreground --interval=1 2>&1 | sed "s/^/q=$q /"
done
python3 - "$OUT" <<'PY'
import json, sys, glob, statistics as st
print("| queues/NIC | IRQs | steady pass ms (median) | pass 1 ms | start-up ms |")
print("|---|---|---|---|---|")
for q in (16, 48, 96, 192):
    r = json.load(open("%s/q%d.json" % (sys.argv[1], q)))
    b = r["bursts"]
    print("| %d | %d | %.3f | %.2f | %.1f |" % (q, r["nirqs"], st.median(x["cpu_ns"] for x in b[3:]) / 1e6,
                                             b[1]["cpu_ns"] / 1e6, b[0]["cpu_ns"] / 1e6))
PY
rm -rf "$TREES"
