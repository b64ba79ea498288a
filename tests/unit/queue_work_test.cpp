// QueueWork: per-queue packet counters (netdev qstats) to packets per NIC IRQ per interval.
#include "irqd/engine/queue_work.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>

namespace irqd {
namespace {

sysfs::Inventory inventory() {
  sysfs::Inventory inv;
  sysfs::NicInfo nic;
  nic.name = "eth0";
  nic.ifindex = 7;
  inv.nics.push_back(nic);
  auto irq = [&](int n, int queue, sysfs::QueueRole role) {
    sysfs::IrqInfo i;
    i.irq = n;
    i.cls = sysfs::IrqClass::kQueue;
    i.device = "eth0";
    i.queue = queue;
    i.role = role;
    inv.irqs.push_back(i);
  };
  irq(40, 0, sysfs::QueueRole::kCombined);  // TxRx-0: rx-0 and tx-0
  irq(41, 1, sysfs::QueueRole::kRx);        // rx-1 alone
  irq(42, 1, sysfs::QueueRole::kTx);        // tx-1 alone
  return inv;
}

netlink::QueueStats q(int queue, bool rx, std::uint64_t packets) { return {7, queue, rx, packets, std::nullopt}; }

TEST(QueueWork, PacketsSinceTheLastReadingPerIrq) {
  QueueWork w;
  const auto inv = inventory();
  EXPECT_TRUE(w.update(inv, {q(0, true, 100), q(0, false, 10), q(1, true, 5), q(1, false, 1)}).empty());
  auto out = w.update(inv, {q(0, true, 1100), q(0, false, 60), q(1, true, 25), q(1, false, 2)});
  EXPECT_DOUBLE_EQ(out.at(40), 1000 + 50);  // a combined channel: both its queues
  EXPECT_DOUBLE_EQ(out.at(41), 20);
  EXPECT_DOUBLE_EQ(out.at(42), 1);
}

TEST(QueueWork, AResetOrMissingCounterLeavesItsIrqOutForOneInterval) {
  QueueWork w;
  const auto inv = inventory();
  w.update(inv, {q(0, true, 100), q(0, false, 10), q(1, true, 500)});
  // rx-0 went backwards (driver reset); tx-1 appeared; rx-1 is fine.
  auto out = w.update(inv, {q(0, true, 3), q(0, false, 20), q(1, true, 600), q(1, false, 5)});
  EXPECT_FALSE(out.contains(40));
  EXPECT_FALSE(out.contains(42));
  EXPECT_DOUBLE_EQ(out.at(41), 100);
  out = w.update(inv, {q(0, true, 13), q(0, false, 25), q(1, true, 700), q(1, false, 6)});
  EXPECT_DOUBLE_EQ(out.at(40), 15);
  EXPECT_DOUBLE_EQ(out.at(42), 1);
}

TEST(QueueWork, ADriverCountingRxOnlyStillGivesCombinedIrqsTheirWork) {
  QueueWork w;
  const auto inv = inventory();
  w.update(inv, {q(0, true, 100)});
  auto out = w.update(inv, {q(0, true, 300)});
  EXPECT_DOUBLE_EQ(out.at(40), 200);
  EXPECT_FALSE(out.contains(41)) << "rx-1 reports nothing";
}

}  // namespace
}  // namespace irqd

#include "irqd/engine/napi_threads.hpp"
#include "irqd/engine/sampler.hpp"
#include "tests/support/fixtures.hpp"

namespace irqd {
namespace {

// A threaded NAPI's kthread time (utime + stime of proc/<pid>/stat, ticks) charged to its IRQ.
TEST(NapiThreads, KthreadTimeBetweenCyclesGoesToTheNapisIrq) {
  testing::TempDir root;
  auto stat = [&](unsigned utime, unsigned stime) {
    root.write("proc/501/stat", fmt::format("501 (napi/eth0-8193) S 2 0 0 0 -1 2129984 0 0 0 0 {} {} 0 0 20 0 1 0\n",
                                            utime, stime));
  };
  sysfs::Inventory inv;
  sysfs::NicInfo nic;
  nic.name = "eth0";
  nic.napis.push_back({.id = 8193, .irq = 40, .pid = 501});
  nic.napis.push_back({.id = 8194, .irq = 41, .pid = -1});  // not threaded
  inv.nics.push_back(nic);
  NapiThreads t(100);
  sysfs::SysRoot r(root.path());
  stat(10, 5);
  EXPECT_TRUE(t.update(r, inv).empty()) << "a first reading has no interval";
  stat(40, 15);  // 40 ticks more: 0.4 s
  auto out = t.update(r, inv);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_DOUBLE_EQ(out.at(40), 0.4);
  std::filesystem::remove(root.path() / "proc/501/stat");  // the thread exited
  EXPECT_TRUE(t.update(r, inv).empty());
}

TEST(NapiThreads, TheSamplerAddsKthreadTimeToTheIrqsCost) {
  Sampler s(1.0, 100);
  auto table = [](std::uint64_t n) {
    return sysfs::parse_interrupts(fmt::format("           CPU0       CPU1\n 40: {:>10} {:>10}   PCI-MSI 1-edge      eth0-TxRx-0\n", n, 0),
                                   "interrupts");
  };
  auto stat = [](std::uint64_t irq) {
    sysfs::ProcStat st;
    sysfs::parse_proc_stat(fmt::format("cpu  1 0 1 100 0 {0} 0 0 0 0\ncpu0 1 0 1 100 0 {0} 0 0 0 0\ncpu1 1 0 1 100 0 0 0 0 0 0\nintr 0\n", irq),
                           "stat", st);
    return st;
  };
  s.update(table(0), stat(0), 1.0);
  s.set_thread_time({{40, 0.3}});
  ASSERT_TRUE(s.update(table(100), stat(2), 1.0));
  EXPECT_NEAR(s.load().irqs.at(40).cost, 0.02 + 0.3, 1e-9);  // hard IRQ ticks + the kthread
  EXPECT_EQ(s.load().irqs.at(40).source, policies::LoadSource::kThread);
}

}  // namespace
}  // namespace irqd
