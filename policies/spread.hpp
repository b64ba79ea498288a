// spread: a static layout. Optimises for spreading each NIC's queue interrupts one per physical
// core on the NIC's own NUMA node, with no load information. Applies to any NIC whose queue IRQs
// discovery found; misc, managed and non-network IRQs are never touched.
#pragma once

#include "policies/plan.hpp"

namespace irqd::policies {

class Spread final : public Policy {
 public:
  std::string_view name() const override { return "spread"; }
  std::string_view summary() const override {
    return "one queue IRQ per physical core on the NIC's NUMA node, SMT siblings last";
  }
  Plan plan(const PlanInput& in) const override;
};

}  // namespace irqd::policies
