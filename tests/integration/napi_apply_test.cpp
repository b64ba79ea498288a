// irqd's NAPI knobs on real kernel objects: a veth pair with GRO on (so NAPIs) and threaded NAPI in
// a fresh network namespace. irqd --oneshot with [[device]] napi settings sets them with napi-set
// (read back through napi-get), places each kthread (veth NAPIs have no IRQ: spread over the
// device's CPUs), and --restore puts back what was there. On a kernel without napi-set the
// settings are a note in the report and nothing changes. Nothing of the host is touched: inside
// the namespace irqd lists only the veths, and --device scopes it to one of them.
#include <gtest/gtest.h>
#include <net/if.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "netlink/kernel_netdev_source.hpp"
#include "sysfs/cpuset.hpp"
#include "tests/integration/netns.hpp"
#include "tests/support/fixtures.hpp"

namespace irqd::testing {
namespace {

constexpr char kA[] = "irqdpa";
constexpr char kB[] = "irqdpb";

sysfs::CpuSet thread_cpus(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("Cpus_allowed_list:", 0) == 0) return sysfs::CpuSet::parse_list(line.substr(line.find_first_not_of(" \t", 18)));
  return {};
}

class NapiApplyNs : public ::testing::Test {
 protected:
  void SetUp() override {
    IRQD_REQUIRE_NETNS();
    ns_ = std::make_unique<NetNs>();
    ns_->add_veth(kA, kB, 2, 2);
    {
      auto in = ns_->enter();
      ASSERT_NO_FATAL_FAILURE(enable_gro(kA));
      ifindex_ = static_cast<int>(if_nametoindex(kA));
    }
    ns_->run_checked(std::string("echo 1 > /sys/class/net/") + kA + "/threaded");
    cfg_.write("irqd.toml", std::string("[[device]]\nname = \"") + kA +
                                "\"\nnapi_defer_hard_irqs = 7\ngro_flush_timeout = 20000\n");
  }

  // kA's NAPIs as the real kernel shows them.
  std::vector<netlink::NapiInfo> napis() const {
    auto in = ns_->enter();
    netlink::KernelNetdevSource src;
    std::vector<netlink::NapiInfo> out;
    for (const auto& n : src.napis().value_or(std::vector<netlink::NapiInfo>{}))
      if (n.ifindex == ifindex_) out.push_back(n);
    return out;
  }
  netlink::NetdevFeatures features() const {
    auto in = ns_->enter();
    return netlink::KernelNetdevSource().features();
  }

  CommandResult irqd(const std::string& args) const {
    return ns_->run(std::string(std::getenv("IRQD_BINARY")) + " --run-dir " + run_.path().string() + " --config " +
                    (cfg_.path() / "irqd.toml").string() + " " + args + " 2>&1");
  }

  std::unique_ptr<NetNs> ns_;
  TempDir run_, cfg_;
  int ifindex_ = 0;
};

TEST_F(NapiApplyNs, SettingsAndKthreadsAreAppliedAndRestored) {
  const auto f = features();
  const auto before = napis();
  if (!f.napi_get) {
    EXPECT_TRUE(before.empty());
    return;
  }
  ASSERT_EQ(before.size(), 2u);
  std::vector<sysfs::CpuSet> cpus_before;
  for (const auto& n : before) {
    ASSERT_GT(n.pid, 0) << "threaded NAPI " << n.id << " has no kthread";
    cpus_before.push_back(thread_cpus(n.pid));
  }

  auto r = irqd(std::string("--oneshot --device ") + kA + " --format json");
  ASSERT_EQ(r.status, 0) << r.output;
  const auto after = napis();
  ASSERT_EQ(after.size(), 2u);
  std::string online_text = read_text("/sys/devices/system/cpu/online");
  online_text = online_text.substr(0, online_text.find('\n'));
  const sysfs::CpuSet online = sysfs::CpuSet::parse_list(online_text);
  sysfs::CpuSet used;
  for (const auto& n : after) {
    SCOPED_TRACE(n.id);
    if (f.napi_set) {
      EXPECT_EQ(n.defer_hard_irqs, 7u);
      EXPECT_EQ(n.gro_flush_timeout, 20000u);
    } else {
      EXPECT_FALSE(n.defer_hard_irqs.has_value());
    }
    // Each kthread on one CPU of the device's, in turn.
    const auto c = thread_cpus(n.pid);
    EXPECT_EQ(c.count(), 1) << c.to_list();
    used |= c;
  }
  EXPECT_EQ(used.count(), std::min(2, online.count())) << "kthreads spread: " << used.to_list();
  if (!f.napi_set) {
    EXPECT_NE(r.output.find("6.13+"), std::string::npos) << r.output;
  }

  // A second run changes nothing.
  auto again = irqd(std::string("--oneshot --device ") + kA + " --format json");
  ASSERT_EQ(again.status, 0) << again.output;
  EXPECT_EQ(nlohmann::json::parse(again.output)["apply"]["applied"], 0) << again.output;

  auto back = irqd("--restore");
  ASSERT_EQ(back.status, 0) << back.output;
  const auto restored = napis();
  for (std::size_t i = 0; i < restored.size(); ++i) {
    SCOPED_TRACE(restored[i].id);
    EXPECT_EQ(restored[i].defer_hard_irqs, before[i].defer_hard_irqs);
    EXPECT_EQ(restored[i].gro_flush_timeout, before[i].gro_flush_timeout);
    EXPECT_EQ(thread_cpus(restored[i].pid), cpus_before[i]);
  }
}

}  // namespace
}  // namespace irqd::testing
