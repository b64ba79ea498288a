// irqd --version's text: the commit, each netdev genetlink operation found or missing, ethtool and
// hwloc, and a readable line whatever could not be asked.
#include "irqd/daemon/version_info.hpp"

#include <hwloc.h>

#include <gtest/gtest.h>

namespace irqd {
namespace {

TEST(VersionInfo, NamesTheCommitAndWhatTheKernelOffers) {
  KernelInterfaces k;
  k.netdev = netlink::NetdevFeatures{.family = true, .queue_get = true, .napi_get = true};
  k.ethtool = true;
  k.hwloc = "2.9.0 (API 2.8.0)";
  std::string t = version_text("0.1.0", "abc123", k);
  EXPECT_EQ(t.rfind("irqd 0.1.0 (commit abc123)\n", 0), 0u) << t;
  EXPECT_NE(t.find("netdev genetlink: queue-get napi-get (missing: qstats-get napi-set "
                   "irq-suspend-timeout threaded)\n"),
            std::string::npos)
      << t;
  EXPECT_NE(t.find("ethtool genetlink: yes"), std::string::npos) << t;
  EXPECT_NE(t.find("hwloc: 2.9.0 (API 2.8.0)\n"), std::string::npos) << t;
  // What this build reports: the release it links, then its API version.
  EXPECT_EQ(probe_kernel_interfaces().hwloc.rfind(HWLOC_VERSION " (API ", 0), 0u);
}

TEST(VersionInfo, SaysWhatCouldNotBeAskedInsteadOfFailing) {
  KernelInterfaces k;
  k.netdev_error = "cannot open a generic netlink socket";
  std::string t = version_text("0.1.0", "", k);
  EXPECT_NE(t.find("(commit unknown)"), std::string::npos) << t;
  EXPECT_NE(t.find("netdev genetlink: not available (cannot open"), std::string::npos) << t;
  EXPECT_NE(t.find("ethtool genetlink: not available"), std::string::npos) << t;
  k.netdev = netlink::NetdevFeatures{};
  k.ethtool = false;
  t = version_text("0.1.0", "x", k);
  EXPECT_NE(t.find("netdev genetlink: no (kernel before 6.2"), std::string::npos) << t;
  EXPECT_NE(t.find("ethtool genetlink: no (kernel before 5.6"), std::string::npos) << t;
}

TEST(VersionInfo, ProbingThisHostNeverThrows) {
  KernelInterfaces k = probe_kernel_interfaces();
  EXPECT_FALSE(k.hwloc.empty());
  EXPECT_FALSE(build_commit() == nullptr || std::string(build_commit()).empty());
}

}  // namespace
}  // namespace irqd
