// Explain one IRQ from the daemon's last plan, load, cooldowns and history.
#include "irqd/daemon/explain.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "irqd/daemon/daemon.hpp"

namespace irqd {

namespace {
std::string list_of(const std::optional<sysfs::CpuSet>& c) { return c ? c->to_list() : ""; }

}  // namespace

std::optional<IrqExplanation> explain_irq(const Daemon& daemon, const Overrides& overrides, int irq,
                                          std::size_t history_limit) {
  const PlanResult* plan = daemon.last_plan();
  if (plan == nullptr) return std::nullopt;
  const auto& inv = plan->discovery->inventory;
  const sysfs::IrqInfo* info = inv.irq(irq);
  if (info == nullptr) return std::nullopt;
  IrqExplanation e;
  e.irq = irq;
  e.name = info->name;
  e.device = info->device;
  e.queue = sysfs::queue_name(*info);
  // The discovery the next plan starts from has the last cycle's writes in it.
  const sysfs::IrqInfo* now = info;
  if (auto disc = daemon.discovery())
    if (const auto* n = disc->inventory.irq(irq)) now = n;
  e.affinity = list_of(now->affinity);
  e.effective = list_of(now->effective);
  for (const auto& d : plan->diff.irqs)
    if (d.irq != nullptr && d.irq->irq == irq) e.reason = d.reason();
  const config::Config& cfg = *plan->config;
  e.policy = info->device.empty() ? cfg.policy : cfg.device(info->device).policy;
  if (e.policy.empty()) e.policy = cfg.policy;
  if (const auto* p = plan->plan->irq(irq)) {
    e.planned = p->cpus.to_list();
    if (e.reason.empty()) e.reason = p->reason.str();
    // A non-network IRQ is planned by [daemon] other_irqs, not by the NIC policy.
    if (p->other) e.policy = fmt::format("other_irqs = {}", config::to_string(cfg.other_irqs));
  }
  if (const auto* load = daemon.plan_load())
    if (auto l = load->irqs.find(irq); l != load->irqs.end()) e.load = l->second;
  if (const auto* nic = info->device.empty() ? nullptr : inv.nic(info->device)) {
    e.nic_node = nic->numa_node;
    e.nic_local_cpus = list_of(nic->local_cpus);
  }
  e.banned_config = daemon.config().banned_cpus.to_list();
  e.banned_runtime = overrides.banned_cpus.to_list();
  if (cfg.honour_isolcpus && plan->machine) e.isolated = (plan->machine->isolated | plan->machine->nohz_full).to_list();
  if (auto p = cfg.irq_pins.find(irq); p != cfg.irq_pins.end()) {
    e.pin = p->second.to_list();
    e.pin_source = overrides.irq_pins.count(irq) > 0 ? "run-time" : "config";
  }
  e.managed = info->cls == sysfs::IrqClass::kManaged || daemon.unchangeable().count(irq) > 0;
  const auto& moves = daemon.moves();
  e.cooldown_cycles = cfg.balance.cooldown_cycles;
  if (auto m = moves.cycles_since_move.find(irq); m != moves.cycles_since_move.end()) {
    e.cycles_since_move = m->second;
    e.cooldown_left = std::max(0, e.cooldown_cycles - m->second);
  }
  if (auto f = moves.moved_from.find(irq); f != moves.moved_from.end()) e.moved_from = f->second;
  HistoryFilter filter;
  filter.irq = irq;
  filter.limit = history_limit;
  e.history = daemon.history().query(filter);
  return e;
}

}  // namespace irqd
