// Pin warnings from the last plan's machine, discovery, configuration and placements.
#include "irqd/daemon/pin_check.hpp"

#include <fmt/format.h>

namespace irqd {

std::vector<std::string> pin_warnings(const PlanResult& plan, const sysfs::IrqInfo& irq,
                                      const sysfs::CpuSet& cpus) {
  std::vector<std::string> out;
  const auto& inv = plan.discovery->inventory;
  if (const auto* nic = irq.device.empty() ? nullptr : inv.nic(irq.device)) {
    if (nic->local_cpus && !nic->local_cpus->empty()) {
      sysfs::CpuSet off = cpus - *nic->local_cpus;
      if (!off.empty())
        out.push_back(fmt::format("CPUs {} are off {}'s NUMA node {} (its CPUs: {})", off.to_list(),
                                  irq.device, nic->numa_node, nic->local_cpus->to_list()));
    }
  }
  const config::Config& cfg = *plan.config;
  if (sysfs::CpuSet banned = cpus & cfg.banned_cpus; !banned.empty())
    out.push_back(fmt::format("CPUs {} are banned: the pin puts the IRQ there anyway",
                              banned.to_list()));
  if (plan.machine) {
    sysfs::CpuSet isolated = cpus & (plan.machine->isolated | plan.machine->nohz_full);
    if (!isolated.empty())
      out.push_back(fmt::format("CPUs {} are isolated (isolcpus/nohz_full)", isolated.to_list()));
    if (sysfs::CpuSet outside = cpus & plan.machine->outside_default_affinity; !outside.empty())
      out.push_back(fmt::format("CPUs {} are outside /proc/irq/default_smp_affinity", outside.to_list()));
  }
  // Pinned IRQs stay where their pins hold them: only the others may move.
  std::vector<int> sharing;
  for (const auto& p : plan.plan->irqs)
    if (p.irq != irq.irq && p.cpus.intersects(cpus) && !cfg.irq_pins.contains(p.irq))
      sharing.push_back(p.irq);
  if (!sharing.empty()) {
    std::string list;
    for (std::size_t i = 0; i < sharing.size() && i < 8; ++i)
      list += (i ? ", " : "") + std::to_string(sharing[i]);
    if (sharing.size() > 8) list += ", ...";
    out.push_back(fmt::format(
        "{} other IRQ{} the last plan placed on CPUs {} ({}): the next cycle may move {}",
        sharing.size(), sharing.size() == 1 ? "" : "s", cpus.to_list(), list,
        sharing.size() == 1 ? "it" : "them"));
  }
  return out;
}

}  // namespace irqd
