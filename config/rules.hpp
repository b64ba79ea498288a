// Resolving configuration rules against what discovery found. Per device, the settings are built
// in this order, later winning: device_defaults (command line), then every matching [[device]] rule
// in file order, then the run-time override devices[name] (D-Bus; its fields that differ from the
// built-in defaults), then device_overrides[name] (D-Bus; every field it sets). [[irq]] rules by number or name: `pin` becomes a static pin (a run-time pin
// of the same IRQ wins), `ignore` marks the IRQ so no policy or pin ever touches it. Rules that
// give one of the machine's IRQs two different actions are a configuration error
// (check_irq_rules).
#pragma once

#include <string>
#include <vector>

#include "config/config.hpp"
#include "config/load_result.hpp"
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

// What an [[irq]] rule does, for messages: "ignore" or "pin 2-3".
std::string irq_action(const IrqRule& rule);

// The configuration's [[irq]] rules against the machine's IRQs (number and name are all that is
// read): where two rules give one IRQ different actions — a pin by number and an ignore or another
// pin by name glob, or two globs — the later rule (in reading order) becomes an error at its
// location that names the IRQs and the earlier rule's location, and is dropped. Rules by the same
// number or the same glob were checked as the files were read (check_conflicts); this finds the
// clashes only the IRQs' names reveal.
void check_irq_rules(LoadResult& r, const std::vector<sysfs::IrqInfo>& irqs);

// A command-line setting for every device (--rps, --rfs, --xps): set in device_defaults and taken
// out of every rule, so it wins over the files.
void override_all_devices(Config& c, const DevicePatch& p);

// Cross-rule checks once every file is read: [[irq]] rules that give one IRQ two actions (the
// clash found, the later rule dropped).
void check_conflicts(LoadResult& r);

}  // namespace irqd::config
