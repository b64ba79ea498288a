// Which network devices irqd plans at all. A device is left alone (no IRQ, RPS, XPS or NAPI
// change; its IRQs are treated as not network and never placed) when:
//   - [daemon] devices is given and no glob of it matches the name ("not in [daemon] devices");
//   - a glob of [daemon] exclude_devices matches it;
//   - its [[device]] rules (later ones win) say ignore = true ("ignored (config)");
//   - it is down (IFF_UP clear) and has no queue IRQs (ifb, dummy, a veth not up yet), unless a
//     glob of [daemon] plan_down_devices matches it.
// irqd's --device globs narrow this further: a device must match one of them too (they are not
// reported, as before). Pure: no I/O.
#pragma once

#include <string>
#include <vector>

#include "config/config.hpp"
#include "sysfs/inventory.hpp"

namespace irqd::config {

struct LeftAlone {
  std::string device;
  std::string reason;  // "ignored (config: [[device]] at irqd.toml:12:1)", "down, no queue IRQs ..."
  bool operator==(const LeftAlone&) const = default;
};

// The devices of `inv` the configuration leaves alone, by name, with the reason.
std::vector<LeftAlone> devices_left_alone(const Config& c, const sysfs::Inventory& inv);

// Removes the NICs that `left` names or that match none of `command_line` (when given) from inv;
// their IRQs stop being network IRQs and are marked (IrqInfo::error) so that nothing places them,
// [daemon] other_irqs included.
void leave_devices(sysfs::Inventory& inv, const std::vector<LeftAlone>& left, const std::vector<std::string>& command_line);

// True when `name` matches one of the fnmatch globs.
bool matches_any(const std::vector<std::string>& globs, const std::string& name);

}  // namespace irqd::config
