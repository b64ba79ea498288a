#!/usr/bin/env python3
"""From an irqbalance --debug log: passes, rescans, and where the last pass put the NIC IRQs."""
import json, re, sys, collections
log, tree = sys.argv[1], sys.argv[2]
meta = json.load(open(tree + "/meta.json"))
text = open(log).read()
passes = text.count("-----------------------------------------------------------------------------")
rescans = text.count("Rescanning cpu topology")
last = text.rsplit("-----------------------------------------------------------------------------", 1)[-1]
node_of_cpu = {c: int(n) for n, l in meta["node_cpus"].items() for c in l}
nic_irq = {q: nic for nic in meta["nics"] for q in nic["irqs"] + [nic["misc"]]}
cpu, level, placed = None, None, {}
for line in last.splitlines():
    m = re.search(r"CPU number (\d+)", line)
    if m: cpu = int(m.group(1)); continue
    if re.search(r"Cache domain|Package", line): cpu = None
    m = re.search(r"Interrupt (\d+) node_num is (-?\d+) \((\w+)/", line)
    if m:
        placed[int(m.group(1))] = (cpu, m.group(3))
nic_placed = {i: v for i, v in placed.items() if i in nic_irq}
on_cpu = [i for i, (c, _) in nic_placed.items() if c is not None]
local = [i for i in on_cpu if node_of_cpu[nic_placed[i][0]] == nic_irq[i]["node"]]
per_cpu = collections.Counter(nic_placed[i][0] for i in on_cpu)
print(json.dumps(dict(passes=passes, rescans=rescans, nic_irqs=len(nic_irq), nic_irqs_in_last_dump=len(nic_placed),
    classes=dict(collections.Counter(c for _, c in nic_placed.values())),
    nic_irqs_on_a_single_cpu=len(on_cpu), of_which_on_nic_local_node=len(local),
    cpus_used=len(per_cpu), max_nic_irqs_per_cpu=max(per_cpu.values()) if per_cpu else 0,
    min_nic_irqs_per_cpu_used=min(per_cpu.values()) if per_cpu else 0)))
