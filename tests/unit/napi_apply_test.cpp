// NAPI settings and kthread CPUs as knobs: diffed against what discovery found, written through
// NapiKnobIo (napi-set; the kthread's CPUs), read back, their originals recorded and restored —
// with a NetdevSource standing in for the kernel and a fixture root for proc/<pid>/status.
#include <gtest/gtest.h>

#include <map>

#include "irqd/engine/apply.hpp"
#include "irqd/engine/napi_knob_io.hpp"
#include "irqd/engine/originals.hpp"
#include "sysfs/error.hpp"
#include "sysfs/task_cpus.hpp"
#include "tests/support/fixtures.hpp"

namespace irqd {
namespace {

using sysfs::CpuSet;

// The kernel's NAPIs: napi-set changes them, napi-get shows them.
class FakeNetdev : public netlink::NetdevSource {
 public:
  std::map<int, netlink::NapiInfo> napis_;
  int sets = 0;
  netlink::NetdevFeatures features() override { return {true, true, true, false, true, true}; }
  std::optional<std::vector<netlink::QueueIrq>> queues() override { return std::vector<netlink::QueueIrq>{}; }
  std::optional<std::vector<netlink::NapiInfo>> napis() override {
    std::vector<netlink::NapiInfo> out;
    for (const auto& [id, n] : napis_) out.push_back(n);
    return out;
  }
  std::optional<std::vector<netlink::QueueStats>> queue_stats() override { return std::nullopt; }
  void set_napi(int id, const netlink::NapiSettings& s) override {
    auto it = napis_.find(id);
    if (it == napis_.end()) throw netlink::NetlinkError("napi-set: No such file or directory");
    ++sets;
    if (s.defer_hard_irqs) it->second.defer_hard_irqs = s.defer_hard_irqs;
    if (s.gro_flush_timeout) it->second.gro_flush_timeout = s.gro_flush_timeout;
    if (s.irq_suspend_timeout) it->second.irq_suspend_timeout = s.irq_suspend_timeout;
    if (s.threaded) it->second.threaded = s.threaded;
  }
};

struct NapiMachine {
  testing::TempDir root, run;
  FakeNetdev kernel;
  sysfs::SysRoot sysroot{root.path()};
  sysfs::Inventory inv;
  NapiMachine() {
    root.write("proc/501/status", "Name:\tnapi/eth0-8193\nCpus_allowed_list:\t0-3\nState:\tS\n");
    kernel.napis_[8193] = {.ifindex = 2, .id = 8193, .irq = 100, .pid = 501, .defer_hard_irqs = 0,
                           .gro_flush_timeout = 0, .irq_suspend_timeout = 0, .threaded = true};
    sysfs::NicInfo nic;
    nic.name = "eth0";
    nic.ifindex = 2;
    nic.napis.push_back({.id = 8193, .irq = 100, .pid = 501, .threaded = true, .defer_hard_irqs = 0,
                         .gro_flush_timeout = 0, .irq_suspend_timeout = 0, .thread_cpus = CpuSet::parse_list("0-3")});
    inv.nics.push_back(nic);
  }
  policies::Plan plan() const {
    policies::Plan p;
    p.napis.push_back({.device = "eth0", .napi_id = 8193, .defer_hard_irqs = 7, .gro_flush_timeout = 20000,
                       .pid = 501, .thread_cpus = CpuSet::of({3}), .reason = "test"});
    return p;
  }
};

TEST(NapiApply, SettingsAndKthreadCpusAreWrittenReadBackAndRestored) {
  NapiMachine m;
  const Diff d = diff_plan(m.inv, m.plan());
  ASSERT_EQ(d.knobs.size(), 3u);  // defer, gro, the thread's CPUs (already-0 suspend is not planned)
  NapiKnobIo io(m.sysroot, &m.kernel);
  OriginalStore originals(m.run.path() / "original.json");
  std::set<int> unchangeable;
  auto r = apply_diff(d, io, originals, unchangeable);
  EXPECT_EQ(r.applied, 3) << ::testing::PrintToString(r.errors);
  EXPECT_EQ(r.failed, 0);
  EXPECT_EQ(m.kernel.napis_[8193].defer_hard_irqs, 7u);
  EXPECT_EQ(m.kernel.napis_[8193].gro_flush_timeout, 20000u);
  EXPECT_EQ(sysfs::read_task_cpus(m.sysroot, 501), CpuSet::of({3}));
  EXPECT_EQ(originals.values().at("netdev/napi/8193/defer-hard-irqs"), "0");
  EXPECT_EQ(originals.values().at("task/501/cpus"), "0-3");

  auto back = originals.restore(io);
  EXPECT_EQ(back.restored, 3);
  EXPECT_EQ(m.kernel.napis_[8193].defer_hard_irqs, 0u);
  EXPECT_EQ(m.kernel.napis_[8193].gro_flush_timeout, 0u);
  EXPECT_EQ(sysfs::read_task_cpus(m.sysroot, 501), CpuSet::parse_list("0-3"));
}

TEST(NapiApply, AVanishedNapiOrThreadIsCountedNotFailed) {
  NapiMachine m;
  const Diff d = diff_plan(m.inv, m.plan());
  m.kernel.napis_.clear();  // the device went away between discovery and the write
  std::filesystem::remove(m.root.path() / "proc/501/status");
  NapiKnobIo io(m.sysroot, &m.kernel);
  OriginalStore originals(m.run.path() / "original.json");
  std::set<int> unchangeable;
  auto r = apply_diff(d, io, originals, unchangeable);
  EXPECT_EQ(r.applied, 0);
  EXPECT_EQ(r.vanished + r.failed, 3) << ::testing::PrintToString(r.errors);
}

TEST(NapiApply, WithoutANetdevFamilyANapiWriteFailsClearly) {
  NapiMachine m;
  NapiKnobIo io(m.sysroot, nullptr);
  try {
    io.write("netdev/napi/8193/defer-hard-irqs", "7");
    FAIL() << "expected an error";
  } catch (const sysfs::IoError& e) {
    EXPECT_EQ(e.error_code(), EOPNOTSUPP);
    EXPECT_NE(std::string(e.what()).find("NAPI 8193 defer-hard-irqs"), std::string::npos) << e.what();
  }
  EXPECT_EQ(io.display("task/501/cpus"), "pid 501 CPUs");
}

}  // namespace
}  // namespace irqd
