// What `irqd --version` prints: the version, the git commit it was built from, and the kernel
// interfaces this host offers (netdev genetlink operations, ethtool genetlink, the hwloc library),
// so a bug report says in one paste what irqd could use.
#pragma once

#include <optional>
#include <string>

#include "netlink/netdev_source.hpp"

namespace irqd {

struct KernelInterfaces {
  std::optional<netlink::NetdevFeatures> netdev;  // nullopt: the family could not be asked
  std::string netdev_error;                       // why not
  std::optional<bool> ethtool;                    // nullopt: the controller could not be asked
  std::string hwloc;                              // library version
};

// The git commit irqd was built from (meson vcs_tag), "unknown" outside a git tree.
const char* build_commit();

// Asks the kernel; never throws (a failure is recorded as what could not be found).
KernelInterfaces probe_kernel_interfaces();

// The text, one item a line: "irqd 0.1.0 (commit abc1234)", then "netdev genetlink: ...",
// "ethtool genetlink: ...", "hwloc: ...".
std::string version_text(const std::string& version, const std::string& commit,
                         const KernelInterfaces& k);

}  // namespace irqd
