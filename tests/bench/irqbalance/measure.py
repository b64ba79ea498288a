#!/usr/bin/env python3
"""Play the kernel for a fake tree and time irqbalance's passes. Run INSIDE the private mount
namespace set up by ns_run.sh (so /proc/interrupts, /proc/stat and /proc/irq are the fake ones).

    measure.py --tree DIR --init                      write the initial proc/interrupts, proc/stat
    measure.py --tree DIR --passes N --out R.json [--load L] -- irqbalance --foreground ...

The second form starts the command, finds the irqbalance process (also under strace), and polls the
CPU time of all its threads (/proc/PID/task/*/schedstat, ns resolution) every 10 ms. A burst of
CPU after >=0.3 s of quiet is one pass (burst 0 = start-up: sysfs parse + first counter read;
burst 1 = first balancing pass, which places every IRQ; later ones = steady state). 150 ms after
a burst ends the "kernel" here:
  * reads every /proc/irq/N/smp_affinity (what irqbalance wrote), counts the masks that changed
    in that pass, moves each IRQ's effective CPU into its mask (lowest-loaded CPU of the mask is not
    modelled: one CPU of the mask, chosen by IRQ number) and mirrors smp_affinity_list /
    effective_affinity(_list) like the kernel;
  * advances the counters for the elapsed wall time: NIC queue interrupt rates are Zipf (s=0.6)
    within each NIC, with 2% jitter and a 10% swing (period 1.1 s, phase per NIC), total NIC
    interrupt work --load CPU-seconds per second (like irqd's bench_sim), counted on the IRQ's
    effective CPU in /proc/interrupts and as irq (15%) + softirq (85%) time in /proc/stat;
    the other IRQs tick slowly.
Writing only between passes keeps irqbalance from ever reading a half-written file.
After N passes it sends SIGTERM, reaps the process and writes a JSON report (per-burst CPU ns,
changed masks per pass, and getrusage of the whole run).
"""
import argparse
import json
import math
import os
import random
import signal
import subprocess
import sys
import time

HZ = 100  # USER_HZ: /proc/stat units


def parse_mask(text):
    cpus, bit = [], 0
    for word in reversed(text.strip().split(",")):
        v = int(word, 16)
        for i in range(32):
            if v >> i & 1:
                cpus.append(bit + i)
        bit += 32
    return cpus


def hexmask(cpus, ncpus):
    words = [0] * ((ncpus + 31) // 32)
    for c in cpus:
        words[c // 32] |= 1 << (c % 32)
    return ",".join("%08x" % w for w in reversed(words))


def cpulist(cpus):
    cpus = sorted(cpus)
    out, i = [], 0
    while i < len(cpus):
        j = i
        while j + 1 < len(cpus) and cpus[j + 1] == cpus[j] + 1:
            j += 1
        out.append(str(cpus[i]) if i == j else "%d-%d" % (cpus[i], cpus[j]))
        i = j + 1
    return ",".join(out)


def put(path, text):
    """Rewrite in place (same inode: the file is a bind-mount source), one write() call."""
    fd = os.open(path, os.O_WRONLY | os.O_TRUNC | os.O_CREAT, 0o644)
    try:
        os.write(fd, text.encode())
    finally:
        os.close(fd)


class Kernel:
    def __init__(self, tree, load, seed=7):
        self.tree = tree
        self.meta = json.load(open(os.path.join(tree, "meta.json")))
        self.n = self.meta["ncpus"]
        self.irqs = self.meta["irqs"]
        self.load = load
        self.rng = random.Random(seed)
        self.t0 = time.monotonic()
        self.count = {x["irq"]: [0] * self.n for x in self.irqs}
        self.eff = {}
        self.mask = {}
        for x in self.irqs:
            p = os.path.join(tree, "proc/irq/%d" % x["irq"])
            self.mask[x["irq"]] = open(p + "/smp_affinity").read().strip()
            self.eff[x["irq"]] = int(open(p + "/effective_affinity_list").read())
        # per-NIC Zipf(0.6) weights over its queues; total NIC work = load CPU-s/s
        self.share = {}
        nics = self.meta["nics"]
        for k, nic in enumerate(nics):
            ws = [1.0 / (q + 1) ** 0.6 for q in range(len(nic["irqs"]))]
            tot = sum(ws)
            for irq, wq in zip(nic["irqs"], ws):
                self.share[irq] = (k, wq / tot / len(nics))
        # CPU time counters (ticks, float): user nice system idle iowait irq softirq steal
        self.stat = [[0.0] * 8 for _ in range(self.n)]
        for c in range(self.n):
            self.stat[c] = [5000.0 + c, 10.0, 2000.0 + c, 90000.0, 100.0, 50.0, 300.0, 0.0]
        self.other = 0  # ctxt etc.

    def read_affinity(self):
        """What irqbalance wrote since the last call: mirror it like the kernel, count changes."""
        changed = 0
        for x in self.irqs:
            irq = x["irq"]
            p = os.path.join(self.tree, "proc/irq/%d" % irq)
            m = open(p + "/smp_affinity").read().strip()
            if m == self.mask[irq]:
                continue
            changed += 1
            self.mask[irq] = m
            cpus = parse_mask(m)
            if not cpus:
                continue
            if self.eff[irq] not in cpus:
                self.eff[irq] = cpus[irq % len(cpus)]
            put(p + "/smp_affinity_list", cpulist(cpus) + "\n")
            put(p + "/effective_affinity", hexmask([self.eff[irq]], self.n) + "\n")
            put(p + "/effective_affinity_list", "%d\n" % self.eff[irq])
        return changed

    def advance(self, dt):
        t = time.monotonic() - self.t0
        work = [0.0] * self.n  # CPU-seconds of interrupt work per CPU in dt
        us_per_intr = 25e-6  # NAPI: one interrupt + its softirq poll ~25 us of CPU
        for x in self.irqs:
            irq = x["irq"]
            cpu = self.eff[irq]
            if irq in self.share:
                k, s = self.share[irq]
                f = (1 + self.rng.gauss(0, 0.02)) * (1 + 0.1 * math.sin(2 * math.pi * t / 1.1 + k))
                w = self.load * s * max(f, 0.0) * dt
                intr = w / us_per_intr
            else:
                w, intr = 20e-6 * dt, 5 * dt
            work[cpu] += w
            self.count[irq][cpu] += int(round(intr))
        for c in range(self.n):
            tick = HZ * dt
            s = self.stat[c]
            irqt = min(work[c] * HZ, 0.97 * tick)
            s[5] += 0.15 * irqt
            s[6] += 0.85 * irqt
            s[0] += 0.02 * tick
            s[2] += 0.01 * tick
            s[3] += max(tick - irqt - 0.03 * tick, 0.0)
        self.other += int(5000 * dt * self.n)

    def write(self):
        n = self.n
        lines = [" " * 4 + "".join("CPU%-8d" % c for c in range(n)).rstrip() + "\n"]
        for x in self.irqs:
            cnt = self.count[x["irq"]]
            lines.append("%4d: %s %s %s\n" % (x["irq"], "".join("%10d " % v for v in cnt).rstrip(), x["chip"],
                                              x["name"]))
        for tag, desc in (("NMI", "Non-maskable interrupts"), ("LOC", "Local timer interrupts"),
                          ("SPU", "Spurious interrupts"), ("PMI", "Performance monitoring interrupts"),
                          ("IWI", "IRQ work interrupts"), ("RTR", "APIC ICR read retries"),
                          ("RES", "Rescheduling interrupts"), ("CAL", "Function call interrupts"),
                          ("TLB", "TLB shootdowns"), ("TRM", "Thermal event interrupts"),
                          ("THR", "Threshold APIC interrupts"), ("DFR", "Deferred Error APIC interrupts"),
                          ("MCE", "Machine check exceptions"), ("MCP", "Machine check polls")):
            lines.append("%4s: %s  %s\n" % (tag, "".join("%10d " % (self.other // n) for _ in range(n)).rstrip(),
                                            desc))
        lines.append(" ERR:          0\n MIS:          0\n")
        put(os.path.join(self.tree, "proc/interrupts"), "".join(lines))

        tot = [sum(int(self.stat[c][i]) for c in range(n)) for i in range(8)]
        fmt = lambda name, v: name + " " + " ".join(str(int(x)) for x in v) + " 0 0\n"
        out = [fmt("cpu ", tot)]  # kernel prints "cpu  " (two spaces)
        out += [fmt("cpu%d" % c, self.stat[c]) for c in range(n)]
        intr_tot = [sum(self.count[x["irq"]]) for x in self.irqs]
        maxirq = max(x["irq"] for x in self.irqs)
        per = [0] * (maxirq + 1)
        for x, v in zip(self.irqs, intr_tot):
            per[x["irq"]] = v
        out.append("intr %d %s\n" % (sum(per), " ".join(map(str, per))))
        out.append("ctxt %d\nbtime 1700000000\nprocesses 12345\nprocs_running 3\nprocs_blocked 0\n" % self.other)
        out.append("softirq %d 0 0 0 0 0 0 0 0 0 0\n" % (self.other // 2))
        put(os.path.join(self.tree, "proc/stat"), "".join(out))


def task_cpu_ns(pid):
    tot = 0
    try:
        for t in os.listdir("/proc/%d/task" % pid):
            try:
                tot += int(open("/proc/%d/task/%s/schedstat" % (pid, t)).read().split()[0])
            except (FileNotFoundError, ProcessLookupError):
                pass
    except FileNotFoundError:
        return None
    return tot


def find_irqbalance(root_pid, timeout=10.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        todo = [root_pid]
        while todo:
            p = todo.pop()
            try:
                if open("/proc/%d/comm" % p).read().strip() == "irqbalance":
                    return p
                for t in os.listdir("/proc/%d/task" % p):
                    kids = open("/proc/%d/task/%s/children" % (p, t)).read().split()
                    todo += [int(k) for k in kids]
            except (FileNotFoundError, ProcessLookupError):
                pass
        time.sleep(0.005)
    raise SystemExit("irqbalance process not found")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tree", required=True)
    ap.add_argument("--init", action="store_true")
    ap.add_argument("--passes", type=int, default=30)
    ap.add_argument("--load", type=float, default=25.2)
    ap.add_argument("--out")
    ap.add_argument("cmd", nargs="*")
    a = ap.parse_args()

    k = Kernel(a.tree, a.load)
    if a.init:
        k.advance(1.0)
        k.write()
        return
    # state left by --init: re-read counters would need parsing; simply restart from the init values
    k.advance(1.0)
    k.write()
    last_update = time.monotonic()

    child = subprocess.Popen(a.cmd)
    pid = find_irqbalance(child.pid)
    bursts = []
    prev = task_cpu_ns(pid) or 0
    burst_start_cpu, burst_t0 = 0, time.monotonic()  # burst 0 starts at exec
    in_burst, last_change = True, time.monotonic()
    while True:
        time.sleep(0.01)
        now = time.monotonic()
        cur = task_cpu_ns(pid)
        if cur is None:
            break
        if cur != prev:
            if not in_burst and now - last_change > 0.3:
                in_burst, burst_start_cpu, burst_t0 = True, prev, now
            last_change = now
            prev = cur
        elif in_burst and now - last_change > 0.15:
            in_burst = False
            changed = k.read_affinity()
            k.advance(now - last_update)
            k.write()
            last_update = now
            bursts.append(dict(t=round(burst_t0 - k.t0, 3), cpu_ns=cur - burst_start_cpu, changed=changed))
            if len(bursts) >= a.passes + 1:
                break
    total_ns = task_cpu_ns(pid)
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        pass
    _, status, ru = os.wait4(child.pid, 0)
    rep = dict(cmd=a.cmd, passes=len(bursts) - 1, bursts=bursts, schedstat_total_ns=total_ns,
               rusage_utime=ru.ru_utime, rusage_stime=ru.ru_stime, exit_status=status,
               load=a.load, ncpus=k.n, nirqs=len(k.irqs))
    if a.out:
        json.dump(rep, open(a.out, "w"), indent=1)
    steady = [b["cpu_ns"] for b in bursts[3:]]
    print("bursts=%d startup=%.2fms first=%.2fms steady(n=%d) mean=%.3fms median=%.3fms" % (
        len(bursts), bursts[0]["cpu_ns"] / 1e6, bursts[1]["cpu_ns"] / 1e6 if len(bursts) > 1 else -1,
        len(steady), sum(steady) / max(len(steady), 1) / 1e6,
        sorted(steady)[len(steady) // 2] / 1e6 if steady else -1), file=sys.stderr)


if __name__ == "__main__":
    main()
