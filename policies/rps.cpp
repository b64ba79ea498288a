// RPS planner (see steering.hpp for what it optimises and when it applies).
#include <set>

#include <fmt/format.h>

#include "policies/core_order.hpp"
#include "policies/steering.hpp"

namespace irqd::policies {

namespace {
int count_cores(const topology::Machine& m, const CpuSet& cpus) {
  std::set<int> cores;
  for (int c : cpus.to_vector())
    if (const auto* pu = m.pu(c)) cores.insert(pu->core);
  return static_cast<int>(cores.size());
}
}  // namespace

void plan_rps(const PlanInput& in, Plan& plan) {
  const auto& m = in.machine;
  const CpuSet all_usable = usable_cpus(m, in.config);
  for (const auto& nic : in.inventory.nics) {
    const auto& settings = in.config.device(nic.name);
    const CpuSet usable = device_cpus(all_usable, in.config, nic.name);  // within allowed_cpus
    LocalCpus local = nic_local_cpus(m, nic, usable);
    const int cores = count_cores(m, local.cpus);
    const int nrx = static_cast<int>(nic.rx.size());
    std::string off_reason;
    for (const auto& q : nic.rx) {
      if (!q.rps_cpus) continue;  // no rps_cpus file (kernel without CONFIG_RPS)
      auto& p = plan.queue_mut(nic.name, true, q.index);
      switch (settings.rps) {
        case config::RpsMode::kOff:
          p.rps_cpus = CpuSet{};
          p.reason = "rps = off";
          continue;
        case config::RpsMode::kList:
          p.rps_cpus = settings.rps_cpus & usable;
          p.reason = fmt::format("rps = {} (configured)", settings.rps_cpus.to_list());
          continue;
        case config::RpsMode::kAuto:
          break;
      }
      if (nrx >= cores) {
        p.rps_cpus = CpuSet{};
        if (off_reason.empty())  // the same for every queue of the NIC: formatted once
          off_reason = fmt::format("RPS off: {} RX queues >= {} usable cores on {}", nrx, cores, local.why);
        p.reason = off_reason;
        continue;
      }
      int irq_cpu = plan.queue_irq_cpu(q);
      CpuSet domain;
      std::string where;
      if (irq_cpu >= 0) {
        domain = m.l3_cpus(irq_cpu) & local.cpus;
        where = fmt::format("the L3 of IRQ CPU {}", irq_cpu);
        if (domain.count() < 2) {
          domain = m.node_cpus(m.node_of(irq_cpu)) & usable;
          where = fmt::format("the NUMA node of IRQ CPU {}", irq_cpu);
        }
        if (domain.empty()) domain = local.cpus;
        // Leave the IRQ CPU to the hard interrupt when there are others to share the work.
        if ((domain - CpuSet::of({irq_cpu})).count() >= 2) domain.reset(irq_cpu);
      } else {
        domain = local.cpus;
        where = local.why + (q.irqs.empty() ? " (queue has no IRQ)" : " (its IRQ is not pinned to one CPU)");
      }
      p.rps_cpus = domain;
      p.reason = fmt::format("RPS over {}: {} RX queues < {} usable cores", where, nrx, cores);
    }
  }
}

}  // namespace irqd::policies
