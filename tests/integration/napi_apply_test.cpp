// irqd's NAPI knobs on real kernel objects: a veth pair with GRO on (so NAPIs) and threaded NAPI in
// a fresh network namespace. irqd --oneshot with [[device]] napi settings sets them with napi-set
// (read back through napi-get), places each kthread (veth NAPIs have no IRQ: spread over the
// device's CPUs), and --restore puts back what was there. On a kernel without napi-set the
// settings are a note in the report and nothing changes. Run-time overrides go the same way: set
// with irqctl napi over D-Bus against irqd --foreground in the namespace. Nothing of the host is
// touched: inside the namespace irqd lists only the veths, and --device scopes it to one of them.
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "netlink/kernel_netdev_source.hpp"
#include "sysfs/cpuset.hpp"
#include "tests/integration/irqctl_cli.hpp"
#include "tests/integration/netns.hpp"
#include "tests/integration/private_bus.hpp"
#include "tests/integration/run_process.hpp"
#include "tests/integration/veth_napi.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/support/poll.hpp"

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

class NapiApplyNs : public VethNapiNs {
 protected:
  NapiApplyNs() : VethNapiNs(kA, kB) {}
  void SetUp() override {
    VethNapiNs::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    ns_->run_checked(std::string("echo 1 > /sys/class/net/") + kA + "/threaded");
    cfg_.write("irqd.toml", std::string("[[device]]\nname = \"") + kA +
                                "\"\nnapi_defer_hard_irqs = 7\ngro_flush_timeout = 20000\n");
  }
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

// A run-time override end to end: irqctl napi over D-Bus to irqd --foreground in the namespace
// (the private bus is a socket file, reachable from there), written with napi-set by the cycle the
// request starts and read back by napi-get, over the [[device]] values it does not name. Dropped,
// the [[device]] value comes back and a setting only the override made stays as written; --restore
// puts back what was there before irqd, that one included.
TEST_F(NapiApplyNs, RunTimeOverridesAreWrittenReadBackAndRestored) {
  const auto before = napis();
  if (!features().napi_set) return;  // nothing is set per NAPI here (the test above checks that)
  ASSERT_EQ(before.size(), 2u);
  PrivateBus bus;
  TempDir state;
  Child daemon(
      {"ip", "netns", "exec", ns_->name(), std::getenv("IRQD_BINARY"), "--foreground", "--interval",
       "0.5", "--device", kA, "--config", (cfg_.path() / "irqd.toml").string(), "--run-dir",
       run_.path().string(), "--state-dir", state.path().string()},
      (state.path() / "irqd.log").string());
  auto log = [&] { return read_text(state.path() / "irqd.log"); };
  ASSERT_TRUE(eventually([] { return run_irqctl({"status"}).exit_code == 0; }, 10000)) << log();
  // Every NAPI of kA as napi-get reads it now satisfies `want`.
  auto all = [&](auto want) {
    const auto now = napis();
    return now.size() == 2 && std::all_of(now.begin(), now.end(), want);
  };
  EXPECT_TRUE(eventually(
      [&] {
        return all(
            [](const auto& n) { return n.defer_hard_irqs == 7u && n.gro_flush_timeout == 20000u; });
      },
      10000))
      << log();

  auto set = run_irqctl({"napi", kA, "defer_hard_irqs=3", "irq_suspend_timeout=5000"});
  ASSERT_EQ(set.exit_code, 0) << describe(set) << log();
  EXPECT_TRUE(eventually(
      [&] {
        return all([](const auto& n) {
          return n.defer_hard_irqs == 3u && n.irq_suspend_timeout == 5000u &&
                 n.gro_flush_timeout == 20000u;
        });
      },
      10000))
      << log();
  // irqctl napi shows what napi-get reads and where each setting comes from.
  nlohmann::json shown;
  EXPECT_TRUE(eventually(
      [&] {
        shown = nlohmann::json::parse(run_irqctl({"napi", kA, "--json"}).out);
        return shown["napis"].size() == 2 && shown["napis"][0]["current"]["defer_hard_irqs"] == 3 &&
               shown["napis"][1]["current"]["irq_suspend_timeout_ns"] == 5000;
      },
      10000))
      << shown.dump(2);
  EXPECT_EQ(shown["settings"]["defer_hard_irqs"]["from"], "runtime") << shown.dump(2);
  EXPECT_EQ(shown["settings"]["gro_flush_timeout"]["from"], "config") << shown.dump(2);

  auto drop = run_irqctl({"napi", kA, "defer_hard_irqs=default", "irq_suspend_timeout=default"});
  ASSERT_EQ(drop.exit_code, 0) << describe(drop);
  EXPECT_TRUE(eventually(
      [&] {
        return all([](const auto& n) {
          return n.defer_hard_irqs == 7u && n.irq_suspend_timeout == 5000u;
        });
      },
      10000))
      << log();

  daemon.signal(SIGTERM);
  ASSERT_EQ(daemon.wait(10000), 0) << log();
  auto back = irqd("--restore");
  ASSERT_EQ(back.status, 0) << back.output;
  const auto restored = napis();
  ASSERT_EQ(restored.size(), before.size());
  for (std::size_t i = 0; i < restored.size(); ++i) {
    SCOPED_TRACE(restored[i].id);
    EXPECT_EQ(restored[i].defer_hard_irqs, before[i].defer_hard_irqs);
    EXPECT_EQ(restored[i].gro_flush_timeout, before[i].gro_flush_timeout);
    EXPECT_EQ(restored[i].irq_suspend_timeout, before[i].irq_suspend_timeout);
  }
}

}  // namespace
}  // namespace irqd::testing
