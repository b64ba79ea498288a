// GetStatus's `more` fields from the daemon's configuration, overrides, machine and history.
#include "irqd/dbus/status_views.hpp"

#include <fmt/format.h>

#include <chrono>

#include "config/rules.hpp"
#include "sysfs/utf8.hpp"

namespace irqd::dbus {

void add_status_fields(const StatusFacts& f, More& more) {
  more["placed"] = sdbus::Variant(f.placed);
  more["kernel_managed"] = sdbus::Variant(f.kernel_managed);
  more["uptime_seconds"] = sdbus::Variant(f.uptime_seconds);
  std::vector<std::string> files;
  for (const auto& s : f.config.sources) files.push_back(sysfs::valid_utf8(s));
  more["config_files"] = sdbus::Variant(files);
  more["banned_cpus_config"] = sdbus::Variant(f.config.banned_cpus.to_list());
  more["other_irqs"] = sdbus::Variant(std::string(config::to_string(f.config.other_irqs)));
  more["banned_cpus_runtime"] = sdbus::Variant(f.overrides.banned_cpus.to_list());
  if (f.machine != nullptr) {
    sysfs::CpuSet usable = f.machine->online - f.config.banned_cpus - f.overrides.banned_cpus;
    if (f.config.honour_isolcpus) usable = usable - f.machine->isolated - f.machine->nohz_full;
    if (f.config.honour_default_smp_affinity) usable = usable - f.machine->outside_default_affinity;
    more["usable_cpus"] = sdbus::Variant(usable.to_list());
  }
  // [[irq]] rules become pins only against the IRQs found: resolve them on a copy.
  config::Config resolved = f.config;
  if (f.inventory != nullptr) {
    sysfs::Inventory inv = *f.inventory;
    config::resolve_rules(resolved, inv);
  }
  std::map<std::uint32_t, std::string> irq_pins;
  for (const auto& [irq, cpus] : resolved.irq_pins)
    irq_pins[static_cast<std::uint32_t>(irq)] = cpus.to_list();
  more["config_irq_pins"] = sdbus::Variant(irq_pins);
  std::vector<sdbus::Struct<std::string, std::string, std::string>> queue_pins;
  for (const auto& [key, cpus] : resolved.queue_pins)
    queue_pins.emplace_back(sysfs::valid_utf8(key.device),
                            fmt::format("{}-{}", key.rx ? "rx" : "tx", key.index), cpus.to_list());
  more["config_queue_pins"] = sdbus::Variant(queue_pins);
  if (f.last_change) {
    const ChangeRecord& c = *f.last_change;
    auto usec =
        std::chrono::duration_cast<std::chrono::microseconds>(c.time.time_since_epoch()).count();
    more["last_change_usec"] = sdbus::Variant(static_cast<std::uint64_t>(usec));
    std::string what = c.new_value.empty() ? c.subject : fmt::format("{} -> {}", c.subject, c.new_value);
    if (!c.ok) what += " (failed)";
    more["last_change"] = sdbus::Variant(sysfs::valid_utf8(what));
  }
}

}  // namespace irqd::dbus
