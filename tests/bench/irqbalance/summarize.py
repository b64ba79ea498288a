#!/usr/bin/env python3
"""Tables for RESULTS.md from run.sh's out/ directory."""
import glob, json, os, statistics as st, sys

out, version = sys.argv[1], sys.argv[2]
ms = lambda ns: ns / 1e6
def pct(xs, q):
    xs = sorted(xs); return xs[min(len(xs) - 1, int(q * len(xs)))]

print("# irqbalance %s: CPU per pass on fake machines\n" % version)
print("| machine | runs x passes | start-up ms | pass 1 ms (places all) | steady pass ms: mean / median / p10 / p90 | "
      "rusage check ms/pass | masks changed per steady pass | oneshot total ms |")
print("|---|---|---|---|---|---|---|---|")
rows = {}
for t, label in (("t72", "72 CPUs, 2 nodes, 4 NICs x 48 queues"), ("t128", "128 CPUs, 4 nodes, 4 NICs x 32 queues")):
    runs = [json.load(open(f)) for f in sorted(glob.glob(os.path.join(out, t + ".run*.json")))]
    if not runs:
        continue
    startup = [ms(r["bursts"][0]["cpu_ns"]) for r in runs]
    first = [ms(r["bursts"][1]["cpu_ns"]) for r in runs]
    steady = [ms(b["cpu_ns"]) for r in runs for b in r["bursts"][3:]]
    changed = [b["changed"] for r in runs for b in r["bursts"][3:]]
    # cross-check with getrusage of the whole process: (total - start-up - pass 1 - pass 2) / steady passes
    ru = [((r["rusage_utime"] + r["rusage_stime"]) * 1e3 - sum(ms(b["cpu_ns"]) for b in r["bursts"][:3]))
          / (len(r["bursts"]) - 3) for r in runs]
    one = [(r["rusage_utime"] + r["rusage_stime"]) * 1e3 for r in
           (json.load(open(f)) for f in sorted(glob.glob(os.path.join(out, t + ".oneshot*.json"))))]
    rows[t] = dict(steady_mean=st.mean(steady), steady_median=st.median(steady))
    print("| %s | %d x %d | %.1f | %.2f | %.3f / %.3f / %.3f / %.3f | %.3f | %.2f | %s |" % (
        label, len(runs), runs[0]["passes"], st.median(startup), st.median(first), st.mean(steady),
        st.median(steady), pct(steady, 0.1), pct(steady, 0.9), st.mean(ru), st.mean(changed),
        "%.1f" % st.median(one) if one else "-"))

print("\n## Placement and write audit\n")
for t in ("t72", "t128"):
    try:
        d = json.load(open(os.path.join(out, t + ".debug.check.json")))
        a = json.load(open(os.path.join(out, t + ".strace.audit.json")))
    except FileNotFoundError:
        continue
    print("- %s: --debug run: %d passes, %d rescans; %d/%d NIC IRQs classified %s, all on one CPU each: %d, on "
          "the NIC's node: %d, over %d CPUs (max %d per CPU). strace: %d writes to smp_affinity (%d IRQs), per pass "
          "%s; write accesses outside the fake tree: %d; opens by area: %s" % (
              t, d["passes"], d["rescans"], d["nic_irqs_in_last_dump"], d["nic_irqs"], d["classes"],
              d["nic_irqs_on_a_single_cpu"], d["of_which_on_nic_local_node"], d["cpus_used"],
              d["max_nic_irqs_per_cpu"], a["smp_affinity_writes"], a["distinct_irqs_written"],
              a["smp_affinity_writes_per_group"][1:], len(a["bad_write_accesses"]), a["opens_by_area"]))

bench = os.path.join(out, "irqd_bench_sim.json")
if os.path.exists(bench) and os.path.getsize(bench):
    j = json.load(open(bench))
    print("\n## irqd on the same machine at the same time (bench_sim, manual time = Daemon::cycle CPU)\n")
    for b in j["benchmarks"]:
        if b.get("aggregate_name") in ("mean", "median"):
            print("- %s: %.3f ms" % (b["name"], b["real_time"]))
