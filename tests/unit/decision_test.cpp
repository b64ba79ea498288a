// The decision log's lines and the change history ring: one line per change with old -> new as
// cpulists (never masks, xps_rxqs as RX queues) and the plan's reason, a summary per changing
// cycle and none for a steady one; the ring is bounded, keeps order and filters by IRQ and device.
#include <gtest/gtest.h>

#include "irqd/daemon/history.hpp"
#include "irqd/engine/decision.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/support/synthetic_tree.hpp"

namespace irqd {
namespace {

KnobChange knob(std::string subject, std::string kind, std::string was, std::string want, std::string why,
                int irq = -1) {
  KnobChange k{"path", "mask-or-list", "old-mask", irq, std::move(subject)};
  k.kind = std::move(kind);
  k.was = std::move(was);
  k.want = std::move(want);
  k.reason = std::move(why);
  return k;
}

TEST(DecisionLine, SubjectOldNewAndReason) {
  EXPECT_EQ(decision_line(knob("IRQ 42 (eth0-TxRx-3, eth0)", "affinity", "2", "5", "CPU 2 was the busiest", 42)),
            "IRQ 42 (eth0-TxRx-3, eth0): 2 -> 5: CPU 2 was the busiest");
  EXPECT_EQ(decision_line(knob("eth0 rx-3 rps_cpus", "rps_cpus", "4-11", "4-10", "RPS over the L3 of IRQ CPU 3")),
            "eth0 rx-3 rps_cpus: 4-11 -> 4-10: RPS over the L3 of IRQ CPU 3");
  // Unknown old value, no reason.
  EXPECT_EQ(decision_line(knob("eth0 tx-0 xps_rxqs", "xps_rxqs", "", "rx 0", "")), "eth0 tx-0 xps_rxqs: ? -> rx 0");
}

// A 4-CPU laptop with eth0's two queue IRQs both on CPU 3.
struct Laptop {
  testing::SyntheticTree t{4};
  EngineOptions opts;
  Laptop() {
    t.add_nic({.name = "eth0", .pci = "0000:03:00.0", .numa_node = -1, .rx = 2, .tx = 2});
    t.add_irq({101, "eth0-TxRx-0", "3"});
    t.add_irq({102, "eth0-TxRx-1", "3"});
    t.finish();
    opts.root = t.root();
    opts.topology_xml = testing::fixture("hwloc/derived/1s-intel-i7-7600u-2c4t-laptop.from-cpuid-dump.xml");
  }
};

TEST(DecisionLine, DiffGivesCpulistsNotMasksAndTheReason) {
  Laptop tree;
  config::Config cfg;
  cfg.device_defaults.rps = config::RpsMode::kList;
  cfg.device_defaults.rps_cpus = sysfs::CpuSet::parse_list("1-3");
  auto r = plan_once(tree.opts, cfg);
  bool irq = false, rps = false;
  for (const auto& k : r->diff.knobs) {
    const std::string line = decision_line(k);
    if (k.irq == 101) {
      irq = true;
      EXPECT_EQ(k.kind, "affinity");
      EXPECT_EQ(k.device, "eth0");
      EXPECT_EQ(line.find("IRQ 101 (eth0-TxRx-0, eth0): 3 -> "), 0u) << line;
      EXPECT_FALSE(k.reason.str().empty());
      EXPECT_NE(line.find(k.reason.str()), std::string::npos) << line;
    }
    if (k.kind == "rps_cpus") {
      rps = true;
      EXPECT_EQ(k.device, "eth0");
      EXPECT_EQ(k.want, "1-3");
      EXPECT_EQ(k.value, "e");  // the kernel file takes the mask; people see the list
      EXPECT_NE(line.find(": none -> 1-3: "), std::string::npos) << line;
    }
  }
  EXPECT_TRUE(irq);
  EXPECT_TRUE(rps);
}

TEST(DecisionLine, AMoveOffABannedCpuSaysSo) {
  Laptop tree;
  config::Config cfg;
  cfg.banned_cpus = sysfs::CpuSet::parse_list("3");
  auto r = plan_once(tree.opts, cfg);
  bool found = false;
  for (const auto& k : r->diff.knobs)
    if (k.irq == 101) {
      found = true;
      EXPECT_NE(decision_line(k).find(" (leaves CPU 3 banned)"), std::string::npos) << decision_line(k);
    }
  EXPECT_TRUE(found);
}

TEST(DecisionSummary, CountsByKindAndSaysNothingForASteadyCycle) {
  ChangeTally t;
  EXPECT_EQ(summary_line(3, t), "");
  t.count(knob("IRQ 1", "affinity", "0", "1", "", 1), true);
  t.count(knob("IRQ 2", "affinity", "0", "1", "", 2), true);
  t.count(knob("eth0 rx-0 rps_cpus", "rps_cpus", "none", "1", ""), true);
  t.count(knob("eth0 tx-0 xps_cpus", "xps_cpus", "none", "1", ""), true);
  t.count(knob("eth0 tx-0 xps_rxqs", "xps_rxqs", "none", "rx 0", ""), true);
  t.count(knob("eth0 NAPI 9 threaded", "napi", "0", "1", ""), true);
  t.count(knob("IRQ 3", "affinity", "0", "1", "", 3), false);
  EXPECT_EQ(summary_line(4, t), "cycle 4: 6 changes: 2 moves, 1 rps, 2 xps, 1 napi; failed 1");
}

ChangeRecord rec(std::uint64_t cycle, int irq, std::string device) {
  ChangeRecord r;
  r.cycle = cycle;
  r.irq = irq;
  r.device = std::move(device);
  return r;
}

TEST(ChangeHistory, BoundedOldestDroppedOrderKept) {
  ChangeHistory h(3);
  for (std::uint64_t c = 1; c <= 5; ++c) h.add(rec(c, static_cast<int>(c), "eth0"));
  EXPECT_EQ(h.size(), 3u);
  auto all = h.query({});
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].cycle, 3u);
  EXPECT_EQ(all[2].cycle, 5u);
  EXPECT_EQ(ChangeHistory().capacity(), 1000u);
}

TEST(ChangeHistory, FiltersByIrqAndDeviceAndLimitKeepsTheNewest) {
  ChangeHistory h;
  h.add(rec(1, 40, "eth0"));
  h.add(rec(1, -1, "eth1"));
  h.add(rec(2, 40, "eth0"));
  h.add(rec(3, 41, "eth0"));
  h.add(rec(4, 40, "eth0"));
  HistoryFilter f;
  f.irq = 40;
  auto r = h.query(f);
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0].cycle, 1u);
  f.limit = 2;
  r = h.query(f);
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].cycle, 2u);
  EXPECT_EQ(r[1].cycle, 4u);
  HistoryFilter d;
  d.device = "eth1";
  ASSERT_EQ(h.query(d).size(), 1u);
  d.device = "eth9";
  EXPECT_TRUE(h.query(d).empty());
}

}  // namespace
}  // namespace irqd
