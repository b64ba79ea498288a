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

}  // namespace irqd::sysfs
