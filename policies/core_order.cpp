// Usable CPUs, NIC locality and core-first ordering.
#include "policies/core_order.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace irqd::policies {

CpuSet usable_cpus(const topology::Machine& m, const config::Config& c) {
  CpuSet out = m.online - c.banned_cpus;
  if (c.honour_isolcpus) out = out - m.isolated;
  if (c.honour_nohz_full) out = out - m.nohz_full;
  if (c.honour_default_smp_affinity) out = out - m.outside_default_affinity;
  return out;
}

CpuSet device_cpus(const CpuSet& usable, const config::Config& c, const std::string& nic) {
  const auto& allowed = c.device(nic).allowed_cpus;
  return allowed.empty() ? usable : usable & allowed;
}

std::vector<int> core_first_order(const topology::Machine& m, const CpuSet& allowed) {
  std::vector<int> out;
  std::size_t max_threads = 1;
  for (const auto& core : m.cores) max_threads = std::max(max_threads, core.cpus.size());
  for (std::size_t rank = 0; rank < max_threads; ++rank)
    for (const auto& core : m.cores)
      if (rank < core.cpus.size() && allowed.test(core.cpus[rank])) out.push_back(core.cpus[rank]);
  // PUs the model has no core for (should not happen with hwloc, but a synthetic model may).
  for (const auto& pu : m.pus)
    if (pu.core < 0 && allowed.test(pu.cpu)) out.push_back(pu.cpu);
  return out;
}

std::vector<int> node_interleaved_order(const topology::Machine& m, const CpuSet& allowed) {
  std::vector<std::vector<int>> per_node;
  for (const auto& node : m.nodes)
    if (node.cpus.intersects(allowed)) per_node.push_back(core_first_order(m, allowed & node.cpus));
  CpuSet covered;
  for (const auto& node : m.nodes) covered |= node.cpus;
  if (!(allowed - covered).empty()) per_node.push_back(core_first_order(m, allowed - covered));
  // Round-robin over nodes, keeping each node's core-first order.
  std::vector<int> out;
  for (std::size_t i = 0;; ++i) {
    bool any = false;
    for (const auto& order : per_node)
      if (i < order.size()) {
        out.push_back(order[i]);
        any = true;
      }
    if (!any) break;
  }
  return out;
}

LocalCpus nic_local_cpus(const topology::Machine& m, const sysfs::NicInfo& nic, const CpuSet& usable) {
  LocalCpus out;
  if (nic.numa_node >= 0) {
    const auto* node = m.node(nic.numa_node);
    CpuSet local = node ? node->cpus & usable : CpuSet{};
    if (!local.empty()) {
      out.cpus = local;
      out.numa_local = true;
      // A node from the IRQs wins over local_cpus too: a device without a node has local_cpus
      // covering every CPU (cpumask_of_node(-1)), which says nothing.
      out.why = nic.numa_source == sysfs::NumaSource::kIrq
                    ? fmt::format("node {} (the NIC's NUMA node, from its IRQs)", nic.numa_node)
                    : fmt::format("node {} (the NIC's NUMA node)", nic.numa_node);
      return out;
    }
    out.cpus = usable;
    out.why = !node ? fmt::format("all nodes (the NIC's node {} is unknown to the topology)", nic.numa_node)
              : node->cpus.empty() ? fmt::format("all nodes (the NIC's node {} has no CPUs)", nic.numa_node)
                                   : fmt::format("all nodes (no usable CPU on the NIC's node {})", nic.numa_node);
    return out;
  }
  if (nic.local_cpus) {
    CpuSet local = *nic.local_cpus & usable;
    if (!local.empty() && !(m.online - *nic.local_cpus).empty()) {
      out.cpus = local;
      out.numa_local = true;
      out.why = fmt::format("the NIC's local CPUs {}", nic.local_cpus->to_list());
      return out;
    }
  }
  out.cpus = usable;
  out.why = m.nodes.size() > 1 ? "all nodes (no NUMA information)" : "all CPUs (single NUMA node)";
  return out;
}

}  // namespace irqd::policies
