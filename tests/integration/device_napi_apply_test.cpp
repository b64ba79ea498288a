// The device-wide NAPI fallback on real kernel objects: a veth with GRO on (so NAPIs) in a fresh
// network namespace, [[device]] napi_threaded = "on", napi_defer_hard_irqs and gro_flush_timeout,
// and the per-NAPI interfaces forced off:
//   - the irqd binary with --no-netlink (nothing known per NAPI, as on 6.1) sets threaded,
//     napi_defer_hard_irqs and gro_flush_timeout in /sys/class/net/<dev>, reads them back, writes
//     nothing the second time, and --restore puts back what was there;
//   - in-process cycles with napi-set but no per-NAPI threaded (6.13 - 6.16, forced with
//     NetdevOptions on top of IRQD_TEST_NETDEV's kernel): threaded goes device-wide, the rest per
//     NAPI, and the next discovery places the kthreads that threaded = 1 started.
// Nothing of the host is touched: inside the namespace only its veths are listed, and --device
// scopes irqd to one of them.
#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "irqd/engine/apply.hpp"
#include "irqd/engine/engine.hpp"
#include "irqd/engine/napi_knob_io.hpp"
#include "irqd/engine/originals.hpp"
#include "netlink/kernel_netdev_source.hpp"
#include "sysfs/task_cpus.hpp"
#include "tests/integration/netdev_pretend.hpp"
#include "tests/integration/netns.hpp"
#include "tests/integration/veth_napi.hpp"
#include "tests/support/fixtures.hpp"

namespace irqd::testing {
namespace {

constexpr char kA[] = "irqdwa";
constexpr char kB[] = "irqdwb";

class DeviceNapiNs : public VethNapiNs {
 protected:
  DeviceNapiNs() : VethNapiNs(kA, kB) {}
  void SetUp() override {
    VethNapiNs::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    // Not the defaults, to prove --restore puts back what was there.
    ns_->run_checked(std::string("echo 5000 > /sys/class/net/") + kA + "/gro_flush_timeout");
    cfg_.write("irqd.toml", std::string("[[device]]\nname = \"") + kA +
                                "\"\nnapi_threaded = \"on\"\nnapi_defer_hard_irqs = 7\ngro_flush_timeout = 20000\n");
  }
  // A device-wide file as the namespace's sysfs shows it.
  std::string device_file(const std::string& file) const {
    std::string s = ns_->run_checked(std::string("cat /sys/class/net/") + kA + "/" + file);
    while (!s.empty() && s.back() == '\n') s.pop_back();
    return s;
  }
};

TEST_F(DeviceNapiNs, WithoutNetlinkTheDeviceWideFilesAreSetReadBackAndRestored) {
  ASSERT_EQ(device_file("threaded"), "0");
  const std::string defer_before = device_file("napi_defer_hard_irqs");
  ASSERT_EQ(device_file("gro_flush_timeout"), "5000");

  auto r = irqd(std::string("--oneshot --no-netlink --format json --device ") + kA);
  ASSERT_EQ(r.status, 0) << r.output;
  const auto report = nlohmann::json::parse(r.output);
  EXPECT_EQ(report["apply"]["failed"], 0) << r.output;
  ASSERT_EQ(report["device_napi"].size(), 3u) << r.output;
  EXPECT_EQ(device_file("threaded"), "1");
  EXPECT_EQ(device_file("napi_defer_hard_irqs"), "7");
  EXPECT_EQ(device_file("gro_flush_timeout"), "20000");
  // The kernel applied them to every NAPI of the device: kthreads run (napi-get, 6.8+), and each
  // NAPI shows the values (6.13+).
  const auto f = features();
  for (const auto& n : napis()) {
    SCOPED_TRACE(n.id);
    EXPECT_GT(n.pid, 0) << "threaded = 1 started no kthread";
    if (f.napi_set) {
      EXPECT_EQ(n.defer_hard_irqs, 7u);
      EXPECT_EQ(n.gro_flush_timeout, 20000u);
    }
  }

  auto again = irqd(std::string("--oneshot --no-netlink --format json --device ") + kA);
  ASSERT_EQ(again.status, 0) << again.output;
  EXPECT_EQ(nlohmann::json::parse(again.output)["apply"]["applied"], 0) << again.output;

  auto back = irqd("--restore");
  ASSERT_EQ(back.status, 0) << back.output;
  EXPECT_EQ(device_file("threaded"), "0");
  EXPECT_EQ(device_file("napi_defer_hard_irqs"), defer_before);
  EXPECT_EQ(device_file("gro_flush_timeout"), "5000");
  for (const auto& n : napis()) EXPECT_LE(n.pid, 0) << "NAPI " << n.id << " still threaded";
}

// One cycle of the daemon's pipeline against a source of this kernel as 6.13 - 6.16 would answer.
struct Cycles {
  sysfs::SysRoot root{"/"};
  netlink::KernelNetdevSource source;
  NapiKnobIo io{root, &source};
  EngineOptions opts;
  config::Config cfg;
  std::shared_ptr<const topology::Machine> machine;
  OriginalStore originals;
  std::set<int> unchangeable;

  Cycles(netlink::NetdevOptions o, const std::filesystem::path& run) : source(o), originals(run / "original.json") {
    opts.devices = {kA};
    machine = std::make_shared<const topology::Machine>(load_machine(root, opts));
    cfg.device_defaults.napi_threaded = config::NapiThreaded::kOn;
    cfg.device_defaults.napi_defer_hard_irqs = 7;
    cfg.device_defaults.gro_flush_timeout = 20000;
  }
  std::pair<std::unique_ptr<PlanResult>, ApplyResult> run() {
    const Discovery found = discover(root, DiscoverOptions{.netdev = &source});
    auto planned = plan_discovered(opts, cfg, machine, nullptr, found);
    ApplyResult applied = apply_diff(planned->diff, io, originals, unchangeable);
    return {std::move(planned), std::move(applied)};
  }
  std::string file(const std::string& leaf) const {
    return root.read_line(std::string("sys/class/net/") + kA + "/" + leaf).value_or("(absent)");
  }
};

TEST_F(DeviceNapiNs, WithoutPerNapiThreadedThreadedGoesDeviceWideAndItsKthreadsArePlacedNext) {
  netlink::NetdevOptions forced = kernel_options();
  forced.without_napi_threaded = true;
  const auto f = kernel_features();
  const std::string defer_before = device_file("napi_defer_hard_irqs");
  ns_->run_with_sysfs([&] {
    Cycles c(forced, run_.path());
    auto [first, applied] = c.run();
    EXPECT_EQ(applied.failed, 0) << ::testing::PrintToString(applied.errors);
    std::set<std::string> device_wide;
    for (const auto& d : first->plan->device_napi) device_wide.insert(d.file);
    // napi-set takes defer-hard-irqs and gro-flush-timeout per NAPI where the kernel (as
    // IRQD_TEST_NETDEV presents it) has it; threaded never, here.
    const std::set<std::string> expected =
        f.napi_set ? std::set<std::string>{"threaded"}
                   : std::set<std::string>{"threaded", "napi_defer_hard_irqs", "gro_flush_timeout"};
    EXPECT_EQ(device_wide, expected);
    EXPECT_EQ(c.file("threaded"), "1");
    EXPECT_EQ(c.file("napi_defer_hard_irqs"), f.napi_set ? defer_before : "7") << "per NAPI where it can be";

    // The next discovery: napi-get names the kthreads threaded = 1 started, and they are placed.
    auto [second, placed] = c.run();
    EXPECT_EQ(placed.failed, 0) << ::testing::PrintToString(placed.errors);
    if (f.napi_get) {
      int kthreads = 0;
      for (const auto& n : second->plan->napis) {
        if (!n.thread_cpus || n.pid <= 0) continue;
        ++kthreads;
        EXPECT_EQ(sysfs::read_task_cpus(c.root, n.pid), n.thread_cpus) << n.reason;
      }
      EXPECT_EQ(kthreads, 2) << "both NAPIs' kthreads placed";
    }

    auto [third, steady] = c.run();
    EXPECT_EQ(third->diff.changes, 0) << "steady state writes nothing";
    EXPECT_EQ(steady.applied, 0);

    auto back = c.originals.restore(c.io);
    EXPECT_EQ(back.failed, 0) << ::testing::PrintToString(back.errors);
    EXPECT_EQ(c.file("threaded"), "0");
    EXPECT_EQ(c.file("gro_flush_timeout"), "5000");
  });
  const auto real = features();
  for (const auto& n : napis()) {
    SCOPED_TRACE(n.id);
    EXPECT_LE(n.pid, 0) << "still threaded";
    if (real.napi_set) {
      EXPECT_EQ(n.gro_flush_timeout, 5000u);
    }
  }
}

}  // namespace
}  // namespace irqd::testing
