// Resolving configuration rules against what discovery found. Per device, the settings are built
// in this order, later winning: device_defaults (command line), then every matching [[device]] rule
// in file order, then the run-time override devices[name] (D-Bus; its fields that differ from the
// built-in defaults). [[irq]] rules by number or name: `pin` becomes a static pin (a run-time pin
// of the same IRQ wins), `ignore` marks the IRQ so no policy or pin ever touches it.
#pragma once

#include "config/config.hpp"
#include "sysfs/inventory.hpp"

namespace irqd::config {

// True when every criterion the rule gives matches the NIC.
bool rule_matches(const DeviceRule& rule, const sysfs::NicInfo& nic);
bool irq_rule_matches(const IrqRule& rule, const sysfs::IrqInfo& irq);

// The settings for one NIC (see the order above).
DeviceSettings resolve_device(const Config& c, const sysfs::NicInfo& nic);

// Writes every NIC's resolved settings into c.devices, turns [[irq]] pins into c.irq_pins and marks
// ignored IRQs in `inv` (IrqInfo::error says which rule), so policies see the final result through
// Config::device(name) and irq_pins. Pure: no I/O.
void resolve_rules(Config& c, sysfs::Inventory& inv);
// Only the per-device part (c.devices): what resolve_rules does when there are no [[irq]] rules,
// for callers that share an inventory they must not change.
void resolve_devices(Config& c, const sysfs::Inventory& inv);

// A command-line setting for every device (--rps, --rfs, --xps): set in device_defaults and taken
// out of every rule, so it wins over the files.
void override_all_devices(Config& c, const DevicePatch& p);

}  // namespace irqd::config
