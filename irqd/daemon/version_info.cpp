// irqd --version: two netlink round trips at most (netdev's family lookup, ethtool's), each
// failure caught and named, so the command is fast and always exits 0.
#include "irqd/daemon/version_info.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <exception>
#include <vector>

#include "irqd/daemon/build_commit.hpp"
#include "netlink/ethtool_channels.hpp"
#include "netlink/kernel_netdev_source.hpp"
#include "topology/hwloc_loader.hpp"

namespace irqd {

const char* build_commit() { return kBuildCommit; }

KernelInterfaces probe_kernel_interfaces() {
  KernelInterfaces k;
  try {
    netlink::KernelNetdevSource source;
    k.netdev = source.features();
  } catch (const std::exception& e) {
    k.netdev_error = e.what();
  }
  try {
    k.ethtool = netlink::ethtool_family_present();
  } catch (const std::exception&) {
    k.ethtool.reset();
  }
  k.hwloc = topology::hwloc_version();
  return k;
}

std::string version_text(const std::string& version, const std::string& commit,
                         const KernelInterfaces& k) {
  std::string out =
      fmt::format("irqd {} (commit {})\n", version, commit.empty() ? "unknown" : commit);
  if (!k.netdev) {
    out += fmt::format("netdev genetlink: not available ({})\n",
                       k.netdev_error.empty() ? "not asked" : k.netdev_error);
  } else if (!k.netdev->family) {
    out += "netdev genetlink: no (kernel before 6.2: queue IRQs from msi_irqs and IRQ names)\n";
  } else {
    const auto& f = *k.netdev;
    std::vector<std::string> has, lacks;
    for (const auto& [name, present] : {std::pair{"queue-get", f.queue_get},
                                        {"napi-get", f.napi_get},
                                        {"qstats-get", f.qstats_get},
                                        {"napi-set", f.napi_set},
                                        {"irq-suspend-timeout", f.napi_irq_suspend_timeout},
                                        {"threaded", f.napi_threaded}})
      (present ? has : lacks).emplace_back(name);
    out += fmt::format("netdev genetlink: {}",
                       has.empty() ? "family only" : fmt::format("{}", fmt::join(has, " ")));
    if (!lacks.empty()) out += fmt::format(" (missing: {})", fmt::join(lacks, " "));
    out += "\n";
  }
  out += fmt::format("ethtool genetlink: {}\n",
                     !k.ethtool ? "not available (netlink controller not reachable)"
                     : *k.ethtool
                         ? "yes (channel counts, ethtool -L notifications)"
                         : "no (kernel before 5.6: channel changes noticed at the next cycle)");
  out += fmt::format("hwloc: {}\n", k.hwloc);
  return out;
}

}  // namespace irqd
