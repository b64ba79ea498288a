// Scale trees for the benchmarks.
#include "tests/bench/scale_tree.hpp"

#include <hwloc.h>

#include <stdexcept>

#include <fmt/format.h>

namespace irqd::bench {

namespace {
void write_topology_xml(const ScaleSpec& s, const std::filesystem::path& file) {
  const int cores = s.ncpus / s.packages / 2;
  std::string desc = fmt::format("pack:{} numa:1 l3:1 core:{} pu:2", s.packages, cores);
  hwloc_topology_t topo;
  if (hwloc_topology_init(&topo) != 0) throw std::runtime_error("hwloc_topology_init failed");
  bool ok = hwloc_topology_set_synthetic(topo, desc.c_str()) == 0 && hwloc_topology_load(topo) == 0 &&
            hwloc_topology_export_xml(topo, file.c_str(), 0) == 0;
  hwloc_topology_destroy(topo);
  if (!ok) throw std::runtime_error("cannot export synthetic topology " + desc);
}
}  // namespace

ScaleTree::ScaleTree(const ScaleSpec& spec) : spec_(spec), tree_(spec.ncpus) {
  const int per_node = spec.ncpus / spec.packages;
  const int queues = (spec.nirqs - spec.other_irqs) / spec.nics;
  int irq = 100;
  for (int o = 0; o < spec.other_irqs; ++o)
    tree_.add_irq(testing::SynthIrq{irq++, fmt::format("nvme0q{}", o), fmt::format("0-{}", spec.ncpus - 1), 0,
                                    "PCI-MSI"});
  for (int n = 0; n < spec.nics; ++n) {
    const int node = n % spec.packages;
    const std::string pci = fmt::format("0000:{:02x}:00.0", 0x10 + n);
    const std::string name = fmt::format("eth{}", n);
    std::vector<int> msi;
    for (int q = 0; q < queues; ++q) msi.push_back(irq + q);
    testing::SynthNic nic;
    nic.name = name;
    nic.pci = pci;
    nic.driver = "ice";
    nic.numa_node = node;
    nic.local_cpulist = fmt::format("{}-{}", node * per_node, (node + 1) * per_node - 1);
    nic.rx = nic.tx = queues;
    nic.msi_irqs = msi;
    tree_.add_nic(nic);
    for (int q = 0; q < queues; ++q)
      tree_.add_irq(testing::SynthIrq{irq++, fmt::format("{}-TxRx-{}", name, q),
                                      fmt::format("0-{}", spec.ncpus - 1), node, "IR-PCI-MSIX-" + pci});
  }
  tree_.finish();
  tree_.add_sampling_files();
  write_topology_xml(spec, topology_xml());
}

std::uintmax_t ScaleTree::interrupts_bytes() const {
  return std::filesystem::file_size(root() / "proc/interrupts");
}

}  // namespace irqd::bench
