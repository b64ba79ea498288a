// irqd --oneshot and --restore on real kernel knobs: veth pairs in a fresh network namespace
// (rps_cpus, rps_flow_cnt, xps_cpus, xps_rxqs are real sysfs files there), and on a fixture root
// with a knob that cannot be written. The host's own IRQs and NICs are never touched: inside the
// namespace sysfs shows only its veths, and irqd places only IRQs of NICs it lists.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "sysfs/cpuset.hpp"
#include "tests/integration/netns.hpp"
#include "tests/integration/run_process.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/support/synthetic_tree.hpp"

namespace irqd::testing {
namespace {

using nlohmann::json;
using sysfs::CpuSet;

std::string irqd_binary() { return std::getenv("IRQD_BINARY"); }

std::string knob(const NetNs& ns, const std::string& dev, const std::string& q, const std::string& leaf) {
  auto r = ns.run("cat /sys/class/net/" + dev + "/queues/" + q + "/" + leaf);
  EXPECT_TRUE(r.ok()) << r.output;
  std::string s = r.output;
  while (!s.empty() && s.back() == '\n') s.pop_back();
  return s;
}

CpuSet mask(const std::string& text) { return CpuSet::parse_mask(text); }

class ApplyNetnsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    IRQD_REQUIRE_NETNS();
    ns_ = std::make_unique<NetNs>();
    // va: 1 RX queue (fewer than cores: RPS on), 4 TX; vb: 8 RX / 8 TX (RPS off).
    ns_->run_checked("ip link add name va numrxqueues 1 numtxqueues 4 type veth peer name vb numrxqueues 8 numtxqueues 8 &&"
                     " ip link set dev va up && ip link set dev vb up");
    // A non-default original to prove --restore puts back what was there, not defaults.
    ns_->run_checked("echo 1 > /sys/class/net/vb/queues/rx-0/rps_cpus && echo 128 > /sys/class/net/vb/queues/rx-0/rps_flow_cnt");
    online_ = CpuSet::parse_list(read_fixture_abs("/sys/devices/system/cpu/online"));
  }

  static std::string read_fixture_abs(const std::string& path) {
    std::ifstream in(path);
    std::string s;
    std::getline(in, s);
    return s;
  }

  CommandResult irqd(const std::string& args) {
    return ns_->run(irqd_binary() + " --run-dir " + run_.path().string() + " " + args + " 2>/dev/null");
  }

  std::unique_ptr<NetNs> ns_;
  TempDir run_;
  CpuSet online_;
};

TEST_F(ApplyNetnsTest, OneshotSetsRealKnobsAndRestoreBringsThemBack) {
  ASSERT_GE(online_.count(), 2) << "this test needs 2 CPUs so a 1-queue NIC gets RPS";
  auto r = irqd("--oneshot --format json");
  ASSERT_EQ(r.status, 0) << r.output;
  json j = json::parse(r.output);
  EXPECT_EQ(j["dry_run"], false);
  EXPECT_EQ(j["apply"]["failed"], 0);
  EXPECT_GT(j["apply"]["applied"], 0);
  for (const auto& i : j["irqs"]) EXPECT_TRUE(i["planned"].is_null()) << "an IRQ was planned inside a netns: " << i;

  // RPS: va's single RX queue spreads over the CPUs; vb (8 queues >= cores) has RPS off.
  EXPECT_EQ(mask(knob(*ns_, "va", "rx-0", "rps_cpus")), online_);
  EXPECT_EQ(knob(*ns_, "va", "rx-0", "rps_flow_cnt"), "32768");  // 32768 entries / 1 queue
  EXPECT_TRUE(mask(knob(*ns_, "vb", "rx-0", "rps_cpus")).empty());
  EXPECT_EQ(knob(*ns_, "vb", "rx-0", "rps_flow_cnt"), "128");  // RFS only where RPS is in use
  // XPS: every TX queue of vb gets one CPU, together all of them (no IRQs: round-robin).
  CpuSet all;
  for (int i = 0; i < 8; ++i) {
    CpuSet m = mask(knob(*ns_, "vb", "tx-" + std::to_string(i), "xps_cpus"));
    EXPECT_EQ(m.count(), 1) << "tx-" << i;
    all |= m;
    EXPECT_TRUE(mask(knob(*ns_, "vb", "tx-" + std::to_string(i), "xps_rxqs")).empty());
  }
  EXPECT_EQ(all, online_);
  EXPECT_TRUE(std::filesystem::exists(run_.path() / "original.json"));

  // Idempotent: a second run changes nothing.
  auto again = irqd("--oneshot --format json");
  ASSERT_EQ(again.status, 0) << again.output;
  EXPECT_EQ(json::parse(again.output)["apply"]["applied"], 0);

  // xps = rxqs on vb only: TX i follows RX i.
  auto rxqs = irqd("--oneshot --xps rxqs --device vb");
  ASSERT_EQ(rxqs.status, 0) << rxqs.output;
  EXPECT_EQ(mask(knob(*ns_, "vb", "tx-5", "xps_rxqs")), CpuSet::of({5}));
  EXPECT_TRUE(mask(knob(*ns_, "vb", "tx-5", "xps_cpus")).empty());
  EXPECT_EQ(mask(knob(*ns_, "va", "rx-0", "rps_cpus")), online_);  // va out of scope: untouched

  auto restore = irqd("--restore");
  ASSERT_EQ(restore.status, 0) << restore.output;
  EXPECT_EQ(mask(knob(*ns_, "vb", "rx-0", "rps_cpus")), CpuSet::of({0}));
  EXPECT_EQ(knob(*ns_, "vb", "rx-0", "rps_flow_cnt"), "128");
  EXPECT_TRUE(mask(knob(*ns_, "va", "rx-0", "rps_cpus")).empty());
  EXPECT_EQ(knob(*ns_, "va", "rx-0", "rps_flow_cnt"), "0");
  for (int i = 0; i < 8; ++i) {
    EXPECT_TRUE(mask(knob(*ns_, "vb", "tx-" + std::to_string(i), "xps_cpus")).empty()) << i;
    EXPECT_TRUE(mask(knob(*ns_, "vb", "tx-" + std::to_string(i), "xps_rxqs")).empty()) << i;
  }
  EXPECT_FALSE(std::filesystem::exists(run_.path() / "original.json"));
  auto nothing = irqd("--restore");
  EXPECT_EQ(nothing.status, 0);
  EXPECT_NE(nothing.output.find("nothing to restore"), std::string::npos) << nothing.output;
}

TEST_F(ApplyNetnsTest, DryRunInsideTheNamespaceWritesNothing) {
  auto r = irqd("--dry-run --oneshot --format json");
  ASSERT_EQ(r.status, 2) << r.output;
  EXPECT_EQ(mask(knob(*ns_, "vb", "rx-0", "rps_cpus")), CpuSet::of({0}));
  EXPECT_TRUE(mask(knob(*ns_, "va", "rx-0", "rps_cpus")).empty());
  EXPECT_FALSE(std::filesystem::exists(run_.path() / "original.json"));
}

TEST(ApplyFixtureTest, UnwritableKnobFailsAloneAndExitsThree) {
  SyntheticTree t(4);
  t.add_nic({.name = "eth0", .pci = "0000:03:00.0", .numa_node = -1, .rx = 2, .tx = 2});
  t.add_irq({101, "eth0-TxRx-0", "3"});
  t.add_irq({102, "eth0-TxRx-1", "3"});
  t.finish();
  // A knob that reads as a valid cpulist but refuses every write, even root's: a link to the
  // read-only sysfs file cpu/possible (EACCES; the kernel changes nothing).
  std::filesystem::remove(t.root() / "proc/irq/101/smp_affinity_list");
  std::filesystem::create_symlink("/sys/devices/system/cpu/possible", t.root() / "proc/irq/101/smp_affinity_list");
  TempDir run;
  std::string xml = fixture("hwloc/derived/1s-intel-i7-7600u-2c4t-laptop.from-cpuid-dump.xml").string();
  auto r = run_irqd({"--oneshot", "--root", t.root().string(), "--topology-xml", xml, "--run-dir", run.path().string()});
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_NE(r.out.find("error: IRQ 101 (eth0-TxRx-0, eth0): cannot set"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("failed 1"), std::string::npos) << r.out;
  std::ifstream in(t.root() / "proc/irq/102/smp_affinity_list");
  std::string v;
  std::getline(in, v);
  EXPECT_EQ(v, "1");  // the other queue was still placed
}

}  // namespace
}  // namespace irqd::testing
