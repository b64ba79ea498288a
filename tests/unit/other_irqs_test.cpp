// The non-network IRQ planner ([daemon] other_irqs): what each mode writes, node locality,
// balance by measured cost with hysteresis, and no churn once placed.
#include <gtest/gtest.h>

#include "policies/other.hpp"
#include "tests/unit/steering_support.hpp"

namespace irqd::policies {
namespace {

using namespace steering_test;  // NOLINT: test builders

sysfs::IrqInfo other_irq(int n, const std::string& name, const CpuSet& affinity, int node, int effective = -1) {
  sysfs::IrqInfo irq;
  irq.irq = n;
  irq.name = name;
  irq.cls = IrqClass::kOther;
  irq.node = node;
  irq.affinity = affinity;
  if (effective >= 0) irq.effective = CpuSet::of({effective});
  else if (affinity.count() == 1) irq.effective = affinity;
  return irq;
}

void add(Inventory& inv, sysfs::IrqInfo irq) {
  inv.irqs.push_back(std::move(irq));
  std::sort(inv.irqs.begin(), inv.irqs.end(), [](const auto& a, const auto& b) { return a.irq < b.irq; });
}

Plan plan_of(const topology::Machine& m, const Inventory& inv, const config::Config& cfg, const LoadInfo* load = nullptr) {
  Plan p;
  p.policy = "test";
  plan_other_irqs({m, inv, cfg, load}, p);
  return p;
}

// IRQs whose planned CPUs differ from their mask now: the writes the plan makes.
std::set<int> writes(const Plan& p, const Inventory& inv) {
  std::set<int> out;
  for (const auto& pl : p.irqs)
    if (const auto* i = inv.irq(pl.irq); i && !(i->affinity && *i->affinity == pl.cpus)) out.insert(pl.irq);
  return out;
}

void apply(Inventory& inv, const Plan& p) {
  for (const auto& pl : p.irqs)
    for (auto& i : inv.irqs)
      if (i.irq == pl.irq) {
        i.affinity = pl.cpus;
        if (pl.cpus.count() == 1) i.effective = pl.cpus;
      }
}

class OtherIrqsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    m_ = pascal();
    m_.isolated = CpuSet::parse_list("0-3");
    ASSERT_EQ(m_.nodes.size(), 2u);
    node0_ = m_.nodes[0].cpus;
    node1_ = m_.nodes[1].cpus;
    add(inv_, other_irq(1, "i8042", m_.online, 0, 2));        // everywhere, fires on isolated CPU 2
    add(inv_, other_irq(9, "acpi", node0_, 0, 6));            // node 0's mask, fires on 6
    add(inv_, other_irq(30, "ahci", CpuSet::of({2}), 0));     // only an isolated CPU
    add(inv_, other_irq(31, "xhci_hcd", CpuSet::of({4}), 1)); // node 1's IRQ on node 0
    add(inv_, other_irq(32, "dmar0", CpuSet::of({5}), -1));   // no node: anywhere usable
    sysfs::IrqInfo nvme = other_irq(40, "nvme0q1", CpuSet::of({1}), 0);
    nvme.cls = IrqClass::kManaged;
    add(inv_, nvme);
    sysfs::IrqInfo gone = other_irq(41, "gone", CpuSet::of({1}), 0);
    gone.error = "cannot read";
    add(inv_, gone);
  }
  topology::Machine m_;
  CpuSet node0_, node1_;
  Inventory inv_;
};

TEST_F(OtherIrqsTest, IgnoreTouchesNothing) {
  config::Config cfg;
  cfg.other_irqs = config::OtherIrqs::kIgnore;
  EXPECT_TRUE(plan_of(m_, inv_, cfg).irqs.empty());
}

TEST_F(OtherIrqsTest, KeepOffIsolatedRewritesOnlyMasksWithIsolatedCpus) {
  config::Config cfg;
  cfg.other_irqs = config::OtherIrqs::kKeepOffIsolated;
  cfg.banned_cpus = CpuSet::of({4});
  Plan p = plan_of(m_, inv_, cfg);
  EXPECT_EQ(writes(p, inv_), (std::set<int>{1, 9, 30, 31}));
  EXPECT_EQ(p.irq(1)->cpus, m_.online - CpuSet::parse_list("0-4"));
  EXPECT_EQ(p.irq(9)->cpus, node0_ - CpuSet::parse_list("0-4"));
  // Nothing left of its mask: its node's usable CPUs.
  EXPECT_EQ(p.irq(30)->cpus, node0_ - CpuSet::parse_list("0-4"));
  EXPECT_TRUE(contains(p.irq(30)->reason.str(), "CPU 2 isolated")) << p.irq(30)->reason;
  EXPECT_TRUE(contains(p.irq(31)->reason.str(), "CPU 4 banned")) << p.irq(31)->reason;
  EXPECT_EQ(p.irq(31)->cpus, node1_);
  // Kept ones are planned as they are, with a reason; managed and unreadable ones not at all.
  EXPECT_EQ(p.irq(32)->cpus, CpuSet::of({5}));
  EXPECT_EQ(p.irq(40), nullptr);
  EXPECT_EQ(p.irq(41), nullptr);
  for (const auto& pl : p.irqs) EXPECT_TRUE(pl.other);
}

TEST_F(OtherIrqsTest, PlaceKeepsIrqsOffIsolatedCpusAndOnTheirNode) {
  config::Config cfg;  // the default: place
  ASSERT_EQ(cfg.other_irqs, config::OtherIrqs::kPlace);
  Plan p = plan_of(m_, inv_, cfg);
  EXPECT_EQ(writes(p, inv_), (std::set<int>{1, 9, 30, 31}));
  for (int irq : {1, 9, 30}) {
    ASSERT_EQ(p.irq(irq)->cpus.count(), 1) << irq;
    EXPECT_TRUE(p.irq(irq)->cpus.is_subset_of(node0_ - m_.isolated)) << irq << ": " << p.irq(irq)->reason;
  }
  ASSERT_EQ(p.irq(31)->cpus.count(), 1);
  EXPECT_TRUE(p.irq(31)->cpus.is_subset_of(node1_)) << p.irq(31)->reason;
  EXPECT_EQ(p.irq(31)->cause, "home");
  EXPECT_EQ(p.irq(30)->cause, "off-isolated");
  // Spread: the three IRQs moved onto node 0 land on three different CPUs.
  EXPECT_EQ((p.irq(1)->cpus | p.irq(9)->cpus | p.irq(30)->cpus).count(), 3);
  EXPECT_EQ(p.irq(32)->cpus, CpuSet::of({5}));  // no node, on a usable CPU: kept
  EXPECT_EQ(p.irq(32)->cause, "kept");
  EXPECT_EQ(p.irq(40), nullptr);
  // Placed once, nothing moves again (a restart, the next cycle).
  apply(inv_, p);
  EXPECT_TRUE(writes(plan_of(m_, inv_, cfg), inv_).empty());
}

TEST_F(OtherIrqsTest, PinsAndNetworkPlacementsWin) {
  config::Config cfg;
  cfg.irq_pins[30] = CpuSet::of({3});
  Plan p;
  p.set_irq({30, CpuSet::of({3}), "static pin to 3", "pin"});
  plan_other_irqs({m_, inv_, cfg, nullptr}, p);
  EXPECT_EQ(p.irq(30)->cpus, CpuSet::of({3}));
  EXPECT_FALSE(p.irq(30)->other);
}

TEST_F(OtherIrqsTest, MeasuredNetworkLoadIsAvoided) {
  config::Config cfg;
  Inventory inv;
  add(inv, other_irq(30, "ahci", CpuSet::of({2}), 0));
  add_nic(inv, {.name = "eth0", .node = 0, .rx = 1, .tx = 1, .first_irq = 100});
  LoadInfo load;
  load.irqs[100] = {.cost = 0.5, .rate = 1000};
  load.irqs[30] = {.cost = 0.01, .rate = 10};
  Plan p;
  p.set_irq({100, CpuSet::of({4}), "network", "layout"});  // the NIC's IRQ, planned on CPU 4
  plan_other_irqs({m_, inv, cfg, &load}, p);
  ASSERT_NE(p.irq(30), nullptr);
  EXPECT_NE(p.irq(30)->cpus, CpuSet::of({4}));
  EXPECT_TRUE(p.irq(30)->cpus.is_subset_of(node0_ - m_.isolated));
}

TEST_F(OtherIrqsTest, BalanceMovesOnlyBusyIrqsAndSettles) {
  config::Config cfg;
  Inventory inv;
  add(inv, other_irq(50, "busy-a", CpuSet::of({6}), 0));
  add(inv, other_irq(51, "busy-b", CpuSet::of({6}), 0));
  add(inv, other_irq(52, "idle", CpuSet::of({6}), 0));
  add(inv, other_irq(53, "small", CpuSet::of({6}), 0));
  LoadInfo load;
  load.irqs[50] = {.cost = 0.30, .rate = 5000};
  load.irqs[51] = {.cost = 0.20, .rate = 3000};
  load.irqs[52] = {.cost = 0.05, .rate = 0};  // no interrupts in the interval: never moved for balance
  load.irqs[53] = {.cost = 0.001, .rate = 1};
  Plan p = plan_of(m_, inv, cfg, &load);
  const auto w = writes(p, inv);
  EXPECT_FALSE(w.empty());
  EXPECT_LE(w.size(), static_cast<std::size_t>(kMaxBalanceMoves));
  EXPECT_FALSE(w.contains(52));
  for (int irq : w) {
    EXPECT_EQ(p.irq(irq)->cause, "balance");
    EXPECT_TRUE(p.irq(irq)->cpus.is_subset_of(node0_ - m_.isolated)) << p.irq(irq)->reason;
  }
  // Applied, with the moves cooling down: the next cycles write nothing.
  apply(inv, p);
  MoveHistory h;
  for (int irq : w) {
    h.cycles_since_move[irq] = 0;
    h.moved_from[irq] = 6;
  }
  load.history = &h;
  for (int cycle = 0; cycle < 5; ++cycle) {
    EXPECT_TRUE(writes(plan_of(m_, inv, cfg, &load), inv).empty()) << "cycle " << cycle;
    for (auto& [irq, n] : h.cycles_since_move) ++n;
  }
}

TEST_F(OtherIrqsTest, SmallDifferencesMoveNothing) {
  config::Config cfg;
  Inventory inv;
  add(inv, other_irq(50, "a", CpuSet::of({6}), 0));
  add(inv, other_irq(51, "b", CpuSet::of({8}), 0));
  LoadInfo load;
  load.irqs[50] = {.cost = 0.05, .rate = 500};  // CPU 6 below kBusyCpu: not worth a write
  load.irqs[51] = {.cost = 0.01, .rate = 500};
  EXPECT_TRUE(writes(plan_of(m_, inv, cfg, &load), inv).empty());
}

TEST_F(OtherIrqsTest, UnmeasuredRestartKeepsWhatIsInside) {
  config::Config cfg;
  LoadInfo unmeasured;
  unmeasured.measured = false;
  Plan first = plan_of(m_, inv_, cfg, &unmeasured);
  apply(inv_, first);
  Plan again = plan_of(m_, inv_, cfg, &unmeasured);
  EXPECT_TRUE(writes(again, inv_).empty());
  for (const auto& pl : again.irqs) EXPECT_EQ(pl.cause, "kept") << pl.irq << ": " << pl.reason;
}

}  // namespace
}  // namespace irqd::policies
