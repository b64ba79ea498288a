// Static pins and plan composition (see steering.hpp).
#include <algorithm>

#include <fmt/format.h>

#include "policies/steering.hpp"

namespace irqd::policies {

void apply_irq_pins(const PlanInput& in, Plan& plan) {
  for (const auto& [irq, cpus] : in.config.irq_pins) {
    const auto* info = in.inventory.irq(irq);
    if (!info) {
      plan.notes.push_back(fmt::format("pin of IRQ {}: no such IRQ", irq));
      continue;
    }
    if (info->cls == sysfs::IrqClass::kManaged) {
      plan.notes.push_back(fmt::format("pin of IRQ {} ({}): kernel-managed, cannot be pinned", irq, info->name));
      continue;
    }
    CpuSet online = cpus & in.machine.online;
    if (online.empty()) {
      plan.notes.push_back(fmt::format("pin of IRQ {} to {}: none of those CPUs is online", irq, cpus.to_list()));
      continue;
    }
    plan.set_irq({irq, online, fmt::format("static pin to {}", cpus.to_list())});
  }
}

void apply_queue_pins(const PlanInput& in, Plan& plan) {
  for (const auto& [key, cpus] : in.config.queue_pins) {
    const auto* nic = in.inventory.nic(key.device);
    bool exists = false;
    if (nic) {
      const auto& qs = key.rx ? nic->rx : nic->tx;
      // Captures a copy: clang < 16 cannot capture structured bindings.
      exists = std::any_of(qs.begin(), qs.end(), [idx = key.index](const auto& q) { return q.index == idx; });
    }
    if (!exists) {
      plan.notes.push_back(fmt::format("pin of {} {}-{}: no such queue", key.device, key.rx ? "rx" : "tx", key.index));
      continue;
    }
    CpuSet online = cpus & in.machine.online;
    if (online.empty()) {
      plan.notes.push_back(fmt::format("pin of {} {}-{} to {}: none of those CPUs is online", key.device,
                                       key.rx ? "rx" : "tx", key.index, cpus.to_list()));
      continue;
    }
    auto& p = plan.queue_mut(key.device, key.rx, key.index);
    (key.rx ? p.rps_cpus : p.xps_cpus) = online;
    p.reason = fmt::format("static pin to {}", cpus.to_list());
  }
}

Plan build_plan(const Policy& policy, const PlanInput& in) {
  Plan plan = policy.plan(in);
  apply_irq_pins(in, plan);
  plan_rps(in, plan);
  plan_rfs(in, plan);
  plan_xps(in, plan);
  apply_queue_pins(in, plan);
  return plan;
}

}  // namespace irqd::policies
