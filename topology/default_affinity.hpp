// /proc/irq/default_smp_affinity as a source of CPUs to keep free: the kernel gives new IRQs this
// mask, and tuned's cpu-partitioning profile (and other isolation setups) narrow it to the
// housekeeping CPUs. Online CPUs outside it become Machine::outside_default_affinity, avoided
// like isolated ones unless [daemon] honour_default_smp_affinity = false.
#pragma once

#include "sysfs/sys_root.hpp"
#include "topology/machine.hpp"

namespace irqd::topology {

// Sets m.outside_default_affinity from proc/irq/default_smp_affinity under `root`: the online CPUs
// the mask leaves out, only when it leaves out some but not all of them (an absent file, a mask
// of every CPU, or one naming no online CPU mean nothing). Throws sysfs::ParseError for a
// malformed mask. Call after m.online is final.
void apply_default_affinity(Machine& m, const sysfs::SysRoot& root);

}  // namespace irqd::topology
