#!/usr/bin/env python3
"""Write a fake machine (the parts of /proc and /sys that irqbalance 1.9.2 reads) to a directory.

    make_tree.py OUT --cpus 72 --packages 2 --nodes-per-package 1 --cores-per-l3 18 \
                     --nics 4 --queues 48

Layout written under OUT (each top dir is bind-mounted over the real path by run.sh):
  proc/interrupts  proc/stat  proc/irq/N/{smp_affinity,smp_affinity_list,effective_affinity,
                                          effective_affinity_list,node,affinity_hint,spurious}
  sys/devices/system/cpu/{online,possible,present,isolated,nohz_full,cpuN/...}
  sys/devices/system/node/{online,possible,has_cpu,nodeN/{cpumap,cpulist}}
  sys/bus/pci/devices/<addr>/{vendor,device,subsystem_*,class,numa_node,local_cpus,
                               local_cpulist,irq,enable,msi_irqs/N,driver->,net/ethX}
  sys/class/net/ethX -> ../../bus/pci/devices/<addr>/net/ethX
  meta.json   (what the counter updater needs: IRQ list, NIC queues, CPU count)

CPU numbering follows Linux on x86: first thread of every core first (package by package,
node by node), then the SMT siblings in the same order. Cache index0/1/2 (L1d, L1i, L2) are
per core, index3 (L3) is shared by --cores-per-l3 cores. core_siblings = the package.
"""
import argparse
import json
import os


def hexmask(cpus, ncpus):
    """Kernel bitmap format: 32-bit hex groups, most significant first, comma separated."""
    ngroups = (ncpus + 31) // 32
    words = [0] * ngroups
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


def w(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--cpus", type=int, required=True)
    ap.add_argument("--packages", type=int, default=2)
    ap.add_argument("--nodes-per-package", type=int, default=1)
    ap.add_argument("--smt", type=int, default=2)
    ap.add_argument("--cores-per-l3", type=int, default=0, help="0 = whole node")
    ap.add_argument("--nics", type=int, default=4)
    ap.add_argument("--queues", type=int, default=48)
    ap.add_argument("--driver", default="ice")
    a = ap.parse_args()

    out = os.path.abspath(a.out)
    if os.path.exists(out) and os.listdir(out):
        raise SystemExit("%s exists and is not empty" % out)
    n = a.cpus
    ncores = n // a.smt
    nnodes = a.packages * a.nodes_per_package
    cores_per_pkg = ncores // a.packages
    cores_per_node = ncores // nnodes
    cores_per_l3 = a.cores_per_l3 or cores_per_node

    # core c -> its CPUs; core ids within package; package; node; l3 group
    core_cpus = {c: [c + t * ncores for t in range(a.smt)] for c in range(ncores)}
    cpu_core = {cpu: c for c, l in core_cpus.items() for cpu in l}
    pkg_of = lambda c: c // cores_per_pkg
    node_of = lambda c: c // cores_per_node
    l3_of = lambda c: c // cores_per_l3
    group = lambda key: {k: sorted(cpu for c in range(ncores) if key(c) == k for cpu in core_cpus[c])
                         for k in set(key(c) for c in range(ncores))}
    pkg_cpus, node_cpus, l3_cpus = group(pkg_of), group(node_of), group(l3_of)
    allcpus = list(range(n))

    # ---- /sys/devices/system/cpu
    sysc = os.path.join(out, "sys/devices/system/cpu")
    for f, v in (("online", cpulist(allcpus)), ("possible", cpulist(allcpus)),
                 ("present", cpulist(allcpus)), ("offline", ""), ("isolated", ""), ("nohz_full", " (null)"),
                 ("kernel_max", "8191")):
        w(os.path.join(sysc, f), v + "\n")
    for cpu in allcpus:
        c = cpu_core[cpu]
        d = os.path.join(sysc, "cpu%d" % cpu)
        if cpu:
            w(os.path.join(d, "online"), "1\n")
        t = os.path.join(d, "topology")
        sib = core_cpus[c]
        pk = pkg_cpus[pkg_of(c)]
        for f, v in (("core_id", str(c % cores_per_pkg)), ("physical_package_id", str(pkg_of(c))),
                     ("die_id", "0"), ("cluster_id", str(c % cores_per_pkg)),
                     ("thread_siblings", hexmask(sib, n)), ("thread_siblings_list", cpulist(sib)),
                     ("core_cpus", hexmask(sib, n)), ("core_cpus_list", cpulist(sib)),
                     ("cluster_cpus", hexmask(sib, n)), ("cluster_cpus_list", cpulist(sib)),
                     ("core_siblings", hexmask(pk, n)), ("core_siblings_list", cpulist(pk)),
                     ("package_cpus", hexmask(pk, n)), ("package_cpus_list", cpulist(pk)),
                     ("die_cpus", hexmask(pk, n)), ("die_cpus_list", cpulist(pk))):
            w(os.path.join(t, f), v + "\n")
        caches = [(1, "Data", "48K", sib), (1, "Instruction", "32K", sib), (2, "Unified", "1280K", sib),
                  (3, "Unified", "32768K", l3_cpus[l3_of(c)])]
        for i, (lvl, typ, size, shared) in enumerate(caches):
            cd = os.path.join(d, "cache/index%d" % i)
            for f, v in (("level", str(lvl)), ("type", typ), ("size", size),
                         ("shared_cpu_map", hexmask(shared, n)), ("shared_cpu_list", cpulist(shared)),
                         ("coherency_line_size", "64"), ("id", str(c if lvl < 3 else l3_of(c)))):
                w(os.path.join(cd, f), v + "\n")
        os.symlink("../../node/node%d" % node_of(c), os.path.join(d, "node%d" % node_of(c)))

    # ---- /sys/devices/system/node
    sysn = os.path.join(out, "sys/devices/system/node")
    nodes = list(range(nnodes))
    for f in ("online", "possible", "has_cpu", "has_memory", "has_normal_memory"):
        w(os.path.join(sysn, f), cpulist(nodes) + "\n")
    for nd in nodes:
        d = os.path.join(sysn, "node%d" % nd)
        w(os.path.join(d, "cpumap"), hexmask(node_cpus[nd], n) + "\n")
        w(os.path.join(d, "cpulist"), cpulist(node_cpus[nd]) + "\n")
        w(os.path.join(d, "distance"), " ".join("10" if x == nd else "21" for x in nodes) + "\n")
        for cpu in node_cpus[nd]:
            os.symlink("../../cpu/cpu%d" % cpu, os.path.join(d, "cpu%d" % cpu))

    # ---- IRQs
    irqs = []  # dict(irq, name, chip, node, pci or None, kind, nic, queue)
    for irq, chip, name in ((0, "IO-APIC    2-edge     ", "timer"), (1, "IO-APIC    1-edge     ", "i8042"),
                            (8, "IO-APIC    8-edge     ", "rtc0"), (9, "IO-APIC    9-fasteoi  ", "acpi"),
                            (12, "IO-APIC   12-edge     ", "i8042"), (16, "IO-APIC   16-fasteoi  ", "i801_smbus")):
        irqs.append(dict(irq=irq, name=name, chip=chip, node=-1, pci=None, kind="legacy"))
    pcidevs = []
    nxt = 120
    # a SATA controller (MSI, one vector) on node 0
    ahci = "0000:00:17.0"
    pcidevs.append(dict(addr=ahci, cls="0x010601", vendor="0x8086", device="0xa182", node=0, driver="ahci",
                        msi=[nxt], irq=nxt))
    irqs.append(dict(irq=nxt, name="ahci[0000:00:17.0]", chip="IR-PCI-MSI-%s    0-edge     " % ahci, node=0,
                     pci=ahci, kind="other"))
    nxt += 1
    nics = []
    for k in range(a.nics):
        nd = k % nnodes
        bus = 0x17 + 0x20 * nd + k // nnodes
        addr = "0000:%02x:00.0" % bus
        name = "eth%d" % k
        vecs = list(range(nxt, nxt + 1 + a.queues))
        nxt += 1 + a.queues
        pcidevs.append(dict(addr=addr, cls="0x020000", vendor="0x8086", device="0x159b", node=nd,
                            driver=a.driver, msi=vecs, irq=vecs[0], net=name))
        irqs.append(dict(irq=vecs[0], name="%s-%s:misc" % (a.driver, addr),
                         chip="IR-PCI-MSIX-%s    0-edge     " % addr, node=nd, pci=addr, kind="misc", nic=k))
        for q in range(a.queues):
            irqs.append(dict(irq=vecs[1 + q], name="%s-%s-TxRx-%d" % (a.driver, name, q),
                             chip="IR-PCI-MSIX-%s   %2d-edge     " % (addr, q + 1), node=nd, pci=addr,
                             kind="queue", nic=k, queue=q))
        nics.append(dict(name=name, pci=addr, node=nd, irqs=vecs[1:], misc=vecs[0]))
    irqs.sort(key=lambda x: x["irq"])

    full = hexmask(allcpus, n)
    for x in irqs:
        d = os.path.join(out, "proc/irq/%d" % x["irq"])
        # boot state: every IRQ may run anywhere; the "kernel" (updater.py) picks one effective CPU
        eff = x["irq"] % n
        for f, v in (("smp_affinity", full), ("smp_affinity_list", cpulist(allcpus)),
                     ("effective_affinity", hexmask([eff], n)), ("effective_affinity_list", str(eff)),
                     ("node", str(x["node"] if x["node"] >= 0 else 0)), ("affinity_hint", hexmask([], n)),
                     ("spurious", "count 0\nunhandled 0\nlast_unhandled 0 ms\n")):
            w(os.path.join(d, f), v + ("" if v.endswith("\n") else "\n"))
    w(os.path.join(out, "proc/irq/default_smp_affinity"), full + "\n")

    # ---- /sys/bus/pci/devices, /sys/class/net
    for dev in pcidevs:
        d = os.path.join(out, "sys/bus/pci/devices", dev["addr"])
        local = node_cpus[dev["node"]]
        for f, v in (("vendor", dev["vendor"]), ("device", dev["device"]), ("subsystem_vendor", dev["vendor"]),
                     ("subsystem_device", "0x0001"), ("class", dev["cls"]), ("numa_node", str(dev["node"])),
                     ("local_cpus", hexmask(local, n)), ("local_cpulist", cpulist(local)),
                     ("irq", str(dev["irq"])), ("enable", "1"), ("msi_bus", "1")):
            w(os.path.join(d, f), v + "\n")
        for v in dev["msi"]:
            w(os.path.join(d, "msi_irqs", str(v)), "msix\n" if dev["cls"] == "0x020000" else "msi\n")
        os.symlink("../../../../bus/pci/drivers/" + dev["driver"], os.path.join(d, "driver"))
        if dev.get("net"):
            nd = os.path.join(d, "net", dev["net"])
            w(os.path.join(nd, "ifindex"), "%d\n" % (2 + pcidevs.index(dev)))
            w(os.path.join(nd, "operstate"), "up\n")
            os.symlink("../../../%s" % dev["addr"], os.path.join(nd, "device"))
            os.makedirs(os.path.join(out, "sys/class/net"), exist_ok=True)
            os.symlink("../../bus/pci/devices/%s/net/%s" % (dev["addr"], dev["net"]),
                       os.path.join(out, "sys/class/net", dev["net"]))
    os.makedirs(os.path.join(out, "sys/bus/pci/drivers"), exist_ok=True)

    meta = dict(ncpus=n, nodes=nnodes, node_cpus={str(k): v for k, v in node_cpus.items()},
                irqs=irqs, nics=nics, pci=[d["addr"] for d in pcidevs])
    w(os.path.join(out, "meta.json"), json.dumps(meta, indent=1))
    # proc/interrupts and proc/stat are written by updater.py (initial counters)
    print(out)


if __name__ == "__main__":
    main()
