// Reads this machine's CPU -> NUMA node map from sysfs (under a root, as irqd's --root), for
// `top` and `metrics` against a daemon older than GetTopology (which gives the daemon's own map).
#pragma once

#include "irqd/irqctl/model.hpp"
#include "sysfs/sys_root.hpp"

namespace irqd::irqctl {

// sys/devices/system/cpu/online and sys/devices/system/node/nodeN/cpulist. Missing or malformed
// files leave the map partly or wholly empty (the views then group what they know); never throws.
CpuNodes read_cpu_nodes(const sysfs::SysRoot& root);

}  // namespace irqd::irqctl
