// The machine model every policy plans against: packages, NUMA nodes (including CPU-less ones),
// L3 and L2 domains, physical cores with their SMT siblings, and which CPUs are online, isolated
// or nohz_full. A plain value: built once from hwloc (topology/hwloc_loader) and read by policies.
#pragma once

#include <string>
#include <vector>

#include "sysfs/cpuset.hpp"

namespace irqd::topology {

using sysfs::CpuSet;

struct Pu {
  int cpu = -1;       // OS CPU number (hwloc os_index)
  int core = -1;      // index into Machine::cores
  int node = -1;      // OS index of the NUMA node (-1 when unknown)
  int package = -1;   // index into Machine::packages
  int l3 = -1;        // index into Machine::l3s (-1 when there is no L3)
  int l2 = -1;        // index into Machine::l2s (-1 when there is no L2)
  int smt_rank = 0;   // 0 for the first hardware thread of its core, 1 for the next, ...
};

struct Core {
  int package = -1;
  int node = -1;
  int l3 = -1;
  std::vector<int> cpus;  // its PUs' OS numbers, ascending
};

struct NumaNode {
  int os_index = -1;
  CpuSet cpus;           // the Linux view: each CPU has one home node, so HBM/MCDRAM and GPU-memory
                         // nodes are empty even where hwloc gives them their neighbour's CPUs
};

struct CacheDomain {
  int depth = 0;         // 2 or 3
  CpuSet cpus;
};

struct Package {
  int os_index = -1;     // firmware id: may be large and sparse (Kunpeng reports 8442)
  CpuSet cpus;
};

struct Machine {
  std::string source;          // "live", "fsroot:/path", "xml:/path", "synthetic:..."
  std::vector<Package> packages;
  std::vector<NumaNode> nodes;  // sorted by os_index, CPU-less ones included
  std::vector<CacheDomain> l3s;
  std::vector<CacheDomain> l2s;
  std::vector<Core> cores;      // in topology order (package, node, cache, core)
  std::vector<Pu> pus;          // sorted by cpu
  CpuSet online;                // the PUs above
  CpuSet isolated;              // isolcpus= / cpu/isolated (never used for placement)
  CpuSet nohz_full;             // nohz_full= (also avoided)
  CpuSet outside_default_affinity;  // online CPUs /proc/irq/default_smp_affinity leaves out (also
                                    // avoided; topology/default_affinity.hpp)

  const Pu* pu(int cpu) const;            // nullptr for an unknown / offline CPU
  const NumaNode* node(int os_index) const;
  int node_of(int cpu) const;             // -1 when unknown
  CpuSet l3_cpus(int cpu) const;          // the CPUs sharing cpu's L3 (empty when none)
  CpuSet node_cpus(int os_index) const;   // empty for an unknown / CPU-less node
  CpuSet smt_siblings(int cpu) const;     // cpu's core's PUs, cpu included
  int max_cpu() const;                    // highest online CPU number, -1 when none
  std::string summary() const;            // "2 packages, 2 NUMA nodes (0 CPU-less), 36 cores, 72 CPUs"
};

}  // namespace irqd::topology
