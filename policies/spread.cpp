// spread policy.
//
// For each NIC (by name, so the result is deterministic), its queue indexes are given one CPU
// each, walking the NIC's local CPUs in core-first order (first threads of every core, then SMT
// siblings) and always taking the least-used CPU so far. "Least used" counts queues of every NIC
// placed before, so a second NIC on the same node starts where the first one stopped instead of
// stacking on the same cores. All IRQs of one queue index (split RX and TX vectors) go to the same
// CPU, so a flow's receive and transmit completions share a cache. More queues than CPUs wrap.
#include "policies/spread.hpp"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "policies/core_order.hpp"

namespace irqd::policies {

namespace {
const char* role_name(sysfs::QueueRole r) {
  switch (r) {
    case sysfs::QueueRole::kRx: return "rx";
    case sysfs::QueueRole::kTx: return "tx";
    default: return "rx/tx";
  }
}
}  // namespace

Plan Spread::plan(const PlanInput& in) const {
  Plan plan;
  plan.policy = std::string(name());
  const auto& m = in.machine;
  const CpuSet usable = usable_cpus(m, in.config);
  std::vector<int> load(static_cast<std::size_t>(std::max(m.max_cpu(), usable.last()) + 1), 0);

  for (const auto& nic : in.inventory.nics) {
    std::map<int, std::vector<const sysfs::IrqInfo*>> by_queue;
    for (const auto* irq : in.inventory.queue_irqs(nic.name)) {
      if (!irq->error.empty()) continue;  // unreadable /proc/irq/N: never write blind
      by_queue[irq->queue].push_back(irq);
    }
    if (by_queue.empty()) continue;

    LocalCpus local = nic_local_cpus(m, nic, device_cpus(usable, in.config, nic.name));
    if (local.cpus.empty()) {
      plan.notes.push_back(fmt::format("{}: no usable CPU (all banned or isolated); its IRQs are left as they are", nic.name));
      continue;
    }
    std::vector<int> order = local.numa_local || m.nodes.size() <= 1 ? core_first_order(m, local.cpus)
                                                                      : node_interleaved_order(m, local.cpus);
    if (order.empty()) order = local.cpus.to_vector();

    for (const auto& [queue, irqs] : by_queue) {
      auto best = std::min_element(order.begin(), order.end(), [&](int a, int b) {
        return load[static_cast<std::size_t>(a)] < load[static_cast<std::size_t>(b)];
      });
      int cpu = *best;
      ++load[static_cast<std::size_t>(cpu)];
      const auto* pu = m.pu(cpu);
      std::string where = pu && pu->smt_rank > 0 ? fmt::format("CPU {} (SMT sibling; every core already has a queue)", cpu)
                                                 : fmt::format("CPU {}", cpu);
      for (const auto* irq : irqs)
        plan.irqs.push_back({irq->irq, CpuSet::of({cpu}),
                             fmt::format("{} {} queue {} -> {} on {}", nic.name, role_name(irq->role), queue, where, local.why)});
    }
  }
  std::sort(plan.irqs.begin(), plan.irqs.end(), [](const auto& a, const auto& b) { return a.irq < b.irq; });
  return plan;
}

}  // namespace irqd::policies
