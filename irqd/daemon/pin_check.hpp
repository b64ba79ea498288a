// What a pin would do that an operator may not mean: the warnings irqctl pin prints (CPUs off the
// NIC's NUMA node, banned or isolated CPUs, other IRQs sharing those CPUs), from the last plan.
#pragma once

#include <string>
#include <vector>

#include "irqd/engine/engine.hpp"
#include "sysfs/cpuset.hpp"

namespace irqd {

// One line per warning, empty when none. `plan` is the last plan (its configuration has the
// run-time bans in it); `irq` is in its discovery.
std::vector<std::string> pin_warnings(const PlanResult& plan, const sysfs::IrqInfo& irq,
                                      const sysfs::CpuSet& cpus);

}  // namespace irqd
