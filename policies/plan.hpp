// Plans: what a policy wants the kernel knobs to be. A plan names only what it wants to set; an
// IRQ or queue it does not mention is left as it is.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "sysfs/cpuset.hpp"
#include "sysfs/inventory.hpp"
#include "topology/machine.hpp"

namespace irqd::policies {

using sysfs::CpuSet;

struct IrqPlacement {
  int irq = -1;
  CpuSet cpus;
  std::string reason;  // one line a person can read: why these CPUs
};

struct QueuePlacement {
  std::string device;
  int queue = -1;
  bool rx = true;
  std::optional<CpuSet> rps_cpus;  // rx: planned rps_cpus (nullopt = leave as is)
  std::optional<long> rps_flow_cnt;
  std::optional<CpuSet> xps_cpus;  // tx
  std::optional<CpuSet> xps_rxqs;
  std::string reason;
};

struct Plan {
  std::string policy;
  std::vector<IrqPlacement> irqs;      // sorted by IRQ
  std::vector<QueuePlacement> queues;  // sorted by device, rx before tx, index
  std::vector<std::string> notes;      // things the policy could not do, and why

  const IrqPlacement* irq(int n) const;
  const QueuePlacement* queue(const std::string& device, bool rx, int index) const;
};

struct PlanInput {
  const topology::Machine& machine;
  const sysfs::Inventory& inventory;
  const config::Config& config;
};

// A placement policy: a pure function of its input. No I/O, no clock, no randomness, so it is
// tested and simulated without a machine and gives the same plan for the same input.
class Policy {
 public:
  virtual ~Policy() = default;
  virtual std::string_view name() const = 0;
  virtual std::string_view summary() const = 0;  // one line for --help and logs
  virtual Plan plan(const PlanInput& in) const = 0;
};

}  // namespace irqd::policies
