// Readers for /proc/irq/N/{smp_affinity_list,smp_affinity,effective_affinity_list,node} and the
// debugfs flag that marks a kernel-managed IRQ.
#pragma once

#include <optional>

#include "sysfs/cpuset.hpp"
#include "sysfs/sys_root.hpp"

namespace irqd::sysfs {

struct IrqAffinity {
  bool present = false;             // /proc/irq/N exists
  bool list = false;                // the affinity came from smp_affinity_list (else the mask)
  std::optional<CpuSet> affinity;   // smp_affinity_list, else smp_affinity; nullopt if unreadable
  std::optional<CpuSet> effective;  // effective_affinity_list (x86/arm64 with generic IRQ effective mask)
  int node = -1;                    // /proc/irq/N/node (-1 = none)
  bool managed = false;             // debugfs says IRQD_AFFINITY_MANAGED (when debugfs is mounted)
};

// Throws ParseError naming the file when a present file holds malformed text.
IrqAffinity read_irq_affinity(const SysRoot& root, int irq);

// Only what changes while the IRQ exists: smp_affinity_list (else smp_affinity) and, when
// `effective` is set, effective_affinity_list. `present` is false when neither affinity file
// exists (the IRQ went away). Throws ParseError like read_irq_affinity.
IrqAffinity read_irq_current(const SysRoot& root, int irq, bool effective);
// The same from a root at proc/irq (SysRoot::at("proc/irq")): shorter lookups for every cycle.
IrqAffinity read_irq_current_in(const SysRoot& proc_irq, int irq, bool effective);

// The kernel-relative path of /proc/irq/N/<leaf>.
std::string irq_path(int irq, const char* leaf);

}  // namespace irqd::sysfs
