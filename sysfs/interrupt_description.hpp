// The text after a /proc/interrupts row's counters, split as kernel/irq/proc.c show_interrupts()
// prints it: irq chip (and the PCI address a per-device MSI domain names in it), hwirq with its
// trigger / flow name, then the action names.
#pragma once

#include <string_view>

#include "sysfs/proc_interrupts.hpp"

namespace irqd::sysfs {

// Fills row.chip, chip_pci, hwirq and name (appending to hwirq: the caller clears the fields)
// from what follows the counters of a numbered row.
void split_description(std::string_view rem, InterruptRow& row);

// row.chip, chip_pci, hwirq and name from a row's description: split for a numbered row (irq >= 0),
// the whole of it as the name of a named one ("Non-maskable interrupts").
void describe(std::string_view description, int irq, InterruptRow& row);

// What is kept of the text after a row's counters: at most kMaxDescription bytes (`cut` says
// whether there was more), so that a row costs the same however long its line.
inline std::string_view kept_description(std::string_view rest, bool& cut) {
  cut = rest.size() > kMaxDescription;
  return cut ? rest.substr(0, kMaxDescription) : rest;
}

}  // namespace irqd::sysfs
