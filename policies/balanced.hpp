// balanced: a load-aware layout. Optimises the busiest CPU's interrupt cost (measured CPU time
// per second, PlanInput::load) subject to locality: a NIC's queue IRQs stay on its NUMA node
// while the node has room, physical cores fill before SMT siblings, banned and isolated CPUs are
// never used, and statically pinned IRQs are left to their pins while their cost still counts on
// the pinned CPUs. Applies to the queue IRQs of every NIC discovery found (misc, managed and
// non-network IRQs are never placed). The first plan, with no placement to keep, is
// longest-processing-time-first; later plans keep every IRQ where it is and move a few (at most
// balance.max_moves, none inside its cooldown) only when the busiest CPU is more than
// balance.margin above the lower bound, and only when a move really lowers it. Without load
// information (the sampler's first cycle, a static plan) it falls back to spread's layout.
#pragma once

#include "policies/plan.hpp"

namespace irqd::policies {

class Balanced final : public Policy {
 public:
  // A NIC's node has room while its interrupt cost (the NIC's queue IRQs, those of other NICs
  // confined to the same CPUs, and IRQs pinned there) averages at most this many CPU seconds per
  // second per CPU. Above it the node's CPUs would spend half their time in interrupts: paying
  // cross-node memory traffic for the overflow is then cheaper than starving local threads.
  static constexpr double kRoomPerCpu = 0.5;
  // A node that spilled comes home only once its demand is below this per CPU: between the two
  // thresholds it keeps spilling, so noise around kRoomPerCpu does not flip IRQs between nodes.
  static constexpr double kHomePerCpu = 0.4;

  std::string_view name() const override { return "balanced"; }
  std::string_view summary() const override {
    return "measured IRQ cost balanced over the NIC's node, few moves per cycle";
  }
  Plan plan(const PlanInput& in) const override;
  bool uses_load() const override { return true; }
};

}  // namespace irqd::policies
