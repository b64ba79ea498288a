// QueueWork: per-queue packet counters (netdev qstats) to packets per NIC IRQ per interval.
#include "irqd/engine/queue_work.hpp"

#include <gtest/gtest.h>

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
