// CPU selection shared by policies: which CPUs may be used at all, which are local to a NIC, and
// the order that fills physical cores before SMT siblings.
#pragma once

#include <string>
#include <vector>

#include "config/config.hpp"
#include "sysfs/inventory.hpp"
#include "topology/machine.hpp"

namespace irqd::policies {

using sysfs::CpuSet;

// Online CPUs minus banned ones, minus isolated, nohz_full and outside-default_smp_affinity ones
// unless the config says not to honour them.
CpuSet usable_cpus(const topology::Machine& m, const config::Config& c);
// The usable CPUs one NIC may use: `usable` within the device's allowed_cpus, when it has any.
CpuSet device_cpus(const CpuSet& usable, const config::Config& c, const std::string& nic);

// `allowed` ordered one-per-physical-core first: the first thread of every core in topology order,
// then every core's second thread, and so on. CPUs the machine does not know are left out.
std::vector<int> core_first_order(const topology::Machine& m, const CpuSet& allowed);

// The same order, but taking CPUs from each NUMA node in turn, so a handful of queues lands on
// every node instead of filling the first one.
std::vector<int> node_interleaved_order(const topology::Machine& m, const CpuSet& allowed);

struct LocalCpus {
  CpuSet cpus;        // usable CPUs the NIC's queues should go to (empty: nowhere)
  bool numa_local = false;  // false: spread over all nodes
  std::string why;    // "node 1 (the NIC's NUMA node)", "all nodes (no NUMA information)", ...
};

// The NIC's NUMA node's usable CPUs (the node from its device or, failing that, from its IRQs:
// NicInfo::numa_source); its local_cpus when it has no node but they are a proper subset of the
// machine; all usable CPUs when there is no NUMA information or the node has no usable CPU
// (CPU-less memory node, everything banned).
LocalCpus nic_local_cpus(const topology::Machine& m, const sysfs::NicInfo& nic, const CpuSet& usable);

}  // namespace irqd::policies
