// Host checks of the configuration for --check-config (see config_check.hpp).
#include "irqd/daemon/config_check.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "config/device_filter.hpp"
#include "config/rules.hpp"

namespace irqd {

namespace {

std::string names(const sysfs::Inventory& inv) {
  std::string out;
  for (const auto& nic : inv.nics) out += (out.empty() ? "" : ", ") + nic.name;
  return out.empty() ? "none" : out;
}

}  // namespace

void check_against_inventory(config::LoadResult& r, const sysfs::Inventory& inv) {
  const config::Config& c = r.config;
  for (const auto& rule : c.device_rules) {
    bool any = std::any_of(inv.nics.begin(), inv.nics.end(),
                           [&](const sysfs::NicInfo& n) { return config::rule_matches(rule, n); });
    if (!any) r.warn(rule.where, "device", fmt::format("the rule matches no device on this host (devices here: {})", names(inv)));
  }
  // exclude_devices naming what a host lacks is what a fleet file does; `devices` naming nothing
  // here leaves irqd nothing to plan.
  if (!c.only_devices.empty() && std::none_of(inv.nics.begin(), inv.nics.end(), [&](const sysfs::NicInfo& n) {
        return config::matches_any(c.only_devices, n.name);
      }))
    r.warn({}, "daemon.devices", fmt::format("no glob matches a device on this host: irqd plans none (devices here: {})", names(inv)));
  for (const auto& rule : c.irq_rules) {
    std::vector<const sysfs::IrqInfo*> matched;
    for (const auto& irq : inv.irqs)
      if (config::irq_rule_matches(rule, irq)) matched.push_back(&irq);
    if (matched.empty()) {
      r.warn(rule.where, "irq", "the rule matches no IRQ on this host");
      continue;
    }
    if (!rule.pin) continue;
    for (const auto* irq : matched) {
      if (irq->cls == sysfs::IrqClass::kManaged) {
        r.warn(rule.where, "irq.pin",
               fmt::format("IRQ {} ({}) is kernel-managed: its affinity cannot be written, the pin does nothing",
                           irq->irq, irq->name));
        continue;
      }
      const sysfs::NicInfo* nic = irq->device.empty() ? nullptr : inv.nic(irq->device);
      if (nic == nullptr) continue;
      const sysfs::CpuSet& allowed = config::resolve_device(c, *nic).allowed_cpus;
      if (!allowed.empty() && !rule.pin->is_subset_of(allowed))
        r.warn(rule.where, "irq.pin",
               fmt::format("IRQ {} ({}) is pinned to CPUs {} outside {}'s allowed_cpus {} (the pin wins)", irq->irq,
                           irq->name, (*rule.pin - allowed).to_list(), nic->name, allowed.to_list()));
    }
  }
  r.sort_errors();
}

void check_against_host(config::LoadResult& r, const EngineOptions& engine) {
  try {
    const Discovery found = discover(sysfs::SysRoot(engine.root), DiscoverOptions{engine.use_netlink});
    check_against_inventory(r, found.inventory);
  } catch (const std::exception& e) {
    r.warn({}, "", fmt::format("cannot check the rules against this host's devices and IRQs: {}", e.what()));
  }
}

}  // namespace irqd
