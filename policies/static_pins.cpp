// Static pins and plan composition (see steering.hpp).
#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "policies/other.hpp"
#include "policies/registry.hpp"
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
    plan.set_irq({irq, online, fmt::format("static pin to {}", cpus.to_list()), "pin"});
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

Plan plan_irqs(const Policy& policy, const PlanInput& in) {
  std::map<std::string, std::set<std::string>> others;  // policy name -> the NICs that chose it
  for (const auto& nic : in.inventory.nics) {
    const auto& p = in.config.device(nic.name).policy;
    if (!p.empty() && p != policy.name()) others[p].insert(nic.name);
  }
  if (others.empty()) return policy.plan(in);
  auto only = [&](auto keep) {
    sysfs::Inventory inv = in.inventory;
    std::erase_if(inv.nics, [&](const sysfs::NicInfo& n) { return !keep(n.name); });
    return inv;
  };
  const sysfs::Inventory main_inv = only([&](const std::string& n) {
    return std::none_of(others.begin(), others.end(), [&](const auto& o) { return o.second.contains(n); });
  });
  Plan plan = policy.plan({in.machine, main_inv, in.config, in.load});
  for (const auto& entry : others) {
    // Plain references: clang < 16 cannot capture structured bindings in the lambda below.
    const std::string& name = entry.first;
    const std::set<std::string>& nics = entry.second;
    const Policy* other = find_policy(name);
    if (other == nullptr) {
      plan.notes.push_back(fmt::format("{}: unknown policy '{}' (known: {}); their IRQs are left as they are",
                                       fmt::join(nics, ", "), name, fmt::join(policy_names(), ", ")));
      continue;
    }
    const sysfs::Inventory inv = only([&](const std::string& n) { return nics.contains(n); });
    Plan sub = other->plan({in.machine, inv, in.config, in.load});
    for (auto& p : sub.irqs) {
      p.reason += fmt::format(" (policy {})", name);
      plan.set_irq(std::move(p));
    }
    plan.notes.insert(plan.notes.end(), sub.notes.begin(), sub.notes.end());
  }
  return plan;
}

namespace {
// The network placements and pins (other IRQs' do not steer packets; `previous` has them, the plan
// being built not yet).
bool same_irq_cpus(const Plan& a, const Plan& b) {
  auto next = [](const Plan& p, auto it) {
    while (it != p.irqs.end() && it->other) ++it;
    return it;
  };
  auto x = next(a, a.irqs.begin()), y = next(b, b.irqs.begin());
  for (; x != a.irqs.end() && y != b.irqs.end(); x = next(a, ++x), y = next(b, ++y))
    if (x->irq != y->irq || !(x->cpus == y->cpus)) return false;
  return x == a.irqs.end() && y == b.irqs.end();
}
}  // namespace

Plan build_plan(const Policy& policy, const PlanInput& in, const Plan* previous) {
  Plan plan = plan_irqs(policy, in);
  apply_irq_pins(in, plan);
  if (previous != nullptr && same_irq_cpus(plan, *previous)) {
    // RPS, RFS and XPS read only the input and the IRQs' CPUs (not their reasons), and add no
    // notes: with both the same, they would plan what `previous` has.
    plan.queues = previous->queues;
    plan.rps_sock_flow_entries = previous->rps_sock_flow_entries;
  } else {
    plan_rps(in, plan);
    plan_rfs(in, plan);
    plan_xps(in, plan);
  }
  plan_napi(in, plan);
  apply_queue_pins(in, plan);  // idempotent on kept queues; its notes are this plan's
  plan_other_irqs(in, plan);   // last: it counts the network IRQs' planned load
  return plan;
}

}  // namespace irqd::policies
