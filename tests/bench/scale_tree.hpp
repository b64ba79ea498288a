// Big synthetic machines for the benchmarks: a tmpfs root (tests/support/synthetic_tree) with N
// CPUs, NICs whose queue IRQs add up to the wanted IRQ count, the sampler's files, and an hwloc
// XML of a matching synthetic topology (packages = NUMA nodes, the NICs spread over them).
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "tests/support/synthetic_tree.hpp"

namespace irqd::bench {

struct ScaleSpec {
  int ncpus;
  int nirqs;          // numbered IRQs in /proc/interrupts
  int nics;           // the NIC queue IRQs are split evenly between these
  int packages;       // one NUMA node each
  int other_irqs = 16;  // non-network IRQs (nvme queues: kernel-managed)
};

class ScaleTree {
 public:
  explicit ScaleTree(const ScaleSpec& spec);
  const std::filesystem::path& root() const { return tree_.root(); }
  std::filesystem::path topology_xml() const { return tree_.root() / "topology.xml"; }
  std::filesystem::path run_dir() const { return tree_.root() / "run/irqd"; }
  const ScaleSpec& spec() const { return spec_; }
  std::uintmax_t interrupts_bytes() const;

 private:
  ScaleSpec spec_;
  testing::SyntheticTree tree_;
};

}  // namespace irqd::bench
