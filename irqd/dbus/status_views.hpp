// GetStatus's further fields (the `more` map): uptime, configuration files, usable CPUs, bans and
// configuration pins by origin, the last change, placed and kernel-managed counts.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "irqd/daemon/control.hpp"  // ChangeRecord, Overrides: dbus reaches the daemon through control.hpp only
#include "irqd/dbus/views.hpp"
#include "sysfs/inventory.hpp"
#include "topology/machine.hpp"

namespace irqd::dbus {

struct StatusFacts {
  std::uint32_t placed = 0;
  std::uint32_t kernel_managed = 0;
  double uptime_seconds = 0;
  const config::Config& config;  // as read from the files (no run-time overrides)
  const Overrides& overrides;
  const topology::Machine* machine;  // null before the topology is loaded
  const sysfs::Inventory* inventory;  // the last plan's discovery ([[irq]] rules resolve on it); null before
  std::optional<ChangeRecord> last_change;
};

// Adds the keys documented in io.github.irqd.Irqd1.xml (GetStatus) to `more`.
void add_status_fields(const StatusFacts& f, More& more);

}  // namespace irqd::dbus
