// What a user sees when the kernel cannot say which IRQ serves which queue (no netdev genetlink
// family or no queue-get: Linux < 6.8; or --no-netlink): irqd discovers the NICs and their queues
// from sysfs (msi_irqs and IRQ names map the IRQs) exactly as it does where the kernel answers.
// The only difference: asking a kernel that lacks an interface notes it (one line each, "netdev
// genetlink: no ... (Linux X+): ..."); --no-netlink asks nothing and notes nothing. The real
// binary, a dry run (nothing is written) in a fresh network namespace.
#include <gtest/gtest.h>

#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "netlink/kernel_netdev_source.hpp"
#include "tests/integration/netns.hpp"
#include "tests/integration/run_process.hpp"

namespace irqd::testing {
namespace {

using nlohmann::json;

TEST(NetlinkFallback, DiscoveryWithoutNetlinkIsTheSameAndQuiet) {
  IRQD_REQUIRE_NETNS();
  NetNs ns;
  ns.add_veth("irqdfa", "irqdfb", 4, 4);
  auto dry_run = [&](std::vector<std::string> extra) {
    // run_process does not search PATH: sh finds ip ($0 is the namespace, "$@" irqd and its options).
    std::vector<std::string> argv{"/bin/sh", "-c", "exec ip netns exec \"$0\" \"$@\"", ns.name(),
                                  std::getenv("IRQD_BINARY"), "--dry-run", "--oneshot", "--format", "json",
                                  "--ignore-irqbalance"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return run_process(argv);
  };
  const auto asked = dry_run({});
  const auto fallback = dry_run({"--no-netlink"});
  for (const auto* r : {&asked, &fallback}) {
    ASSERT_TRUE(r->exit_code == 0 || r->exit_code == 2) << r->exit_code << "\n" << r->err;
  }
  EXPECT_EQ(fallback.err.find("netdev genetlink"), std::string::npos) << fallback.err;
  const json a = json::parse(asked.out);
  const json b = json::parse(fallback.out);
  EXPECT_EQ(a["devices"], b["devices"]);
  EXPECT_EQ(a["queues"], b["queues"]);
  // The asked run's warnings are the fallback's plus, on a kernel lacking something, its notes.
  json other = json::array();
  int notes = 0;
  for (const auto& w : a["warnings"]) {
    const std::string text = w.get<std::string>();
    if (text.rfind("netdev genetlink: no ", 0) == 0 && text.find("(Linux 6.") != std::string::npos) {
      ++notes;
    } else {
      other.push_back(w);
    }
  }
  EXPECT_EQ(other, b["warnings"]);
  const netlink::NetdevFeatures f = netlink::KernelNetdevSource().features();
  const bool complete = f.family && f.queue_get && f.napi_get && f.qstats_get && f.napi_set && f.napi_threaded;
  EXPECT_EQ(notes == 0, complete) << a["warnings"];
  if (complete) {
    EXPECT_EQ(asked.err.find("netdev genetlink"), std::string::npos) << asked.err;
  }
  for (const auto& w : b["warnings"]) EXPECT_EQ(w.get<std::string>().find("netdev"), std::string::npos) << w;
  int found = 0;
  for (const auto& d : b["devices"]) {
    if (d["name"] != "irqdfa" && d["name"] != "irqdfb") continue;
    ++found;
    EXPECT_EQ(d["rx_queues"], 4) << d;
    EXPECT_EQ(d["tx_queues"], 4) << d;
    EXPECT_EQ(d["from_sysfs"], true) << d;
  }
  EXPECT_EQ(found, 2) << b["devices"];
}

}  // namespace
}  // namespace irqd::testing
