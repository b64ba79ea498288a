// balanced policy, stability: a lagging or stale effective affinity is not where an IRQ is, the
// room decision has hysteresis, the first measured load re-plans once, takes a layout inside the
// margin to the goal and adopts one within the goal, an IRQ is never moved back to the CPU it was
// moved away from, and noise inside the margin moves nothing.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "tests/unit/balanced_support.hpp"

namespace irqd::policies {
namespace {

using namespace steering_test;  // NOLINT: test builders
using namespace balanced_test;  // NOLINT: test helpers

TEST(BalancedStability, TheWrittenMaskWinsOverALaggingEffectiveAffinity) {
  auto m = pascal();
  Inventory inv;
  add_nic(inv, {.node = 0, .rx = 4, .tx = 4});
  unplace(inv);
  LoadInfo l = zipf(100, 4, 0.1, 0.5);
  apply(inv, run(m, inv, l));
  // The kernel has not yet moved IRQ 101 (effective still on the CPU it came from): the plan
  // must not "correct" it back there, and must not move it at all.
  auto* irq = const_cast<sysfs::IrqInfo*>(inv.irq(101));
  const int planned = irq->affinity->first();
  const int stale = planned == 1 ? 2 : 1;
  irq->effective = CpuSet::of({stale});
  Plan p = run(m, inv, l);
  EXPECT_EQ(irq_cpu(p, 101), planned);
  EXPECT_TRUE(moved(p, inv).empty());
  EXPECT_TRUE(contains(p.irq(101)->reason.str(), fmt::format("still delivers it on CPU {}", stale))) << p.irq(101)->reason;
}

// Two NICs on node 0 of a two-node machine (8 CPUs a node, room 4.0 CPU, home below 3.2).
struct RoomCase {
  topology::Machine m = topology::load_synthetic("pack:2 numa:1 l3:1 core:8 pu:1");
  Inventory inv;
  LoadInfo load;
  RoomCase(double total) {
    add_nic(inv, {.node = 0, .rx = 16, .tx = 16});
    for (int i = 0; i < 16; ++i) load.irqs[100 + i].cost = total / 16;
    for (int i = 0; i < 16; ++i) place(inv, 100 + i, i % 8);
  }
  int off_node(const Plan& p) const {
    int n = 0;
    for (const auto& pl : p.irqs) n += m.node_of(pl.cpus.first()) != 0 ? 1 : 0;
    return n;
  }
};

TEST(BalancedStability, ANodeSpillsAboveItsRoomAndComesHomeOnlyWellBelowIt) {
  // Between the thresholds (3.6 CPU: above 3.2, below 4.0) a node that did not spill stays home...
  RoomCase home(3.6);
  Plan p = run(home.m, home.inv, home.load);
  EXPECT_EQ(home.off_node(p), 0);
  EXPECT_TRUE(p.notes.empty()) << p.notes.front();

  // ...and one that spilled (two IRQs on node 1) keeps spilling: they are not brought home (the
  // balancing may use node 1 further, as an overflowing node's IRQs may use every node).
  RoomCase spilled(3.6);
  place(spilled.inv, 114, 8);
  place(spilled.inv, 115, 9);
  Plan q = run(spilled.m, spilled.inv, spilled.load);
  EXPECT_EQ(irq_cpu(q, 114), 8);
  EXPECT_EQ(irq_cpu(q, 115), 9);
  ASSERT_FALSE(q.notes.empty());
  EXPECT_TRUE(contains(q.notes[0], "spills until below 0.40")) << q.notes[0];

  // Below the home threshold they come back.
  RoomCase calm(3.0);
  place(calm.inv, 114, 8);
  place(calm.inv, 115, 9);
  Plan r = run(calm.m, calm.inv, calm.load);
  EXPECT_EQ(calm.off_node(r), 0);
}

TEST(BalancedStability, TheFirstMeasuredLoadReplansOnceAndAGoodLayoutIsAdopted) {
  auto m = pascal();
  Inventory inv;
  add_nic(inv, {.node = 0, .rx = 32, .tx = 32});  // all on CPU 0
  LoadInfo l = zipf(100, 32, 0.2, 0.8);
  l.first = true;
  const double lb = lower_bound(l, 36);
  // All 32 IRQs move in one plan (max_moves is 8): the deliberate re-plan of the first load.
  Plan p = run(m, inv, l);
  EXPECT_LE(max_load(p, l), lb * 1.05);
  EXPECT_GT(moved(p, inv).size(), 8u);
  ASSERT_FALSE(p.notes.empty());
  EXPECT_TRUE(contains(p.notes[0], "first measured load")) << p.notes[0];

  // A restarted daemon on that layout: its first load finds it within the margin, moves nothing.
  apply(inv, p);
  Plan again = run(m, inv, l);
  EXPECT_TRUE(moved(again, inv).empty());
  for (const auto& pl : again.irqs) EXPECT_TRUE(contains(pl.reason.str(), ", kept")) << pl.reason;
}

// What the 1152-CPU simulation (seed 10) showed: the layout the first load found (spread's, by
// IRQ count) had a NIC's costliest queue sharing its CPU with a small one (and an NVMe IRQ),
// measured 2% above the bound: inside the margin, so it was adopted. It was 5% above on the
// long-run mean, and it sat at the top of the dead band, where noise set off moves 14 cycles
// later. The first load balances such a layout down to the goal, as any balancing does.
struct InsideTheMargin {
  topology::Machine m = topology::load_synthetic("pack:1 core:4 pu:1");
  Inventory inv;
  LoadInfo load;
  // `small`: the cost of the queue sharing CPU 0 with the costliest one.
  explicit InsideTheMargin(double small) {
    add_nic(inv, {.rx = 5, .tx = 5});
    const double cost[] = {0.8, 0.8, 0.3, 0.3, small};
    const int cpu[] = {0, 1, 2, 3, 0};
    for (int i = 0; i < 5; ++i) {
      load.irqs[100 + i].cost = cost[i];
      place(inv, 100 + i, cpu[i]);
    }
  }
};

TEST(BalancedStability, TheFirstMeasuredLoadBalancesALayoutInsideTheMarginDownToTheGoal) {
  // CPU 0 at 0.825, the bound 0.8 (IRQ 101 alone): 3.1% above, between the goal (2%) and the
  // margin (5%).
  InsideTheMargin c(0.025);
  c.load.first = true;
  Plan p = run(c.m, c.inv, c.load);
  EXPECT_EQ(moved(p, c.inv), std::set<int>{104});
  EXPECT_EQ(irq_cpu(p, 100), 0);
  EXPECT_LE(max_load(p, c.load), 0.8 * 1.02);

  // Later cycles keep the dead band: the same layout, measured once irqd has balanced, stays.
  InsideTheMargin steady(0.025);
  EXPECT_TRUE(moved(run(steady.m, steady.inv, steady.load), steady.inv).empty());

  // A first load finding the layout within the goal (a restarted daemon on its own layout) moves
  // nothing.
  InsideTheMargin restart(0.012);
  restart.load.first = true;
  EXPECT_TRUE(moved(run(restart.m, restart.inv, restart.load), restart.inv).empty());
}

TEST(BalancedStability, AnIrqIsNeverMovedBackToTheCpuItLeft) {
  auto m = topology::load_synthetic("pack:1 core:3 pu:1");
  Inventory inv;
  add_nic(inv, {.rx = 3, .tx = 3});
  place(inv, 100, 0);
  place(inv, 101, 0);
  place(inv, 102, 1);
  LoadInfo l;
  l.irqs[100].cost = 0.5;
  l.irqs[101].cost = 0.5;
  l.irqs[102].cost = 0.1;
  // CPU 2 is the best place for 101, but irqd moved it away from there: it goes to CPU 1.
  MoveHistory moves;
  moves.moved_from[101] = 2;
  moves.moved_from[100] = 2;
  l.history = &moves;
  Plan p = run(m, inv, l);
  EXPECT_NE(irq_cpu(p, 101), 2);
  EXPECT_NE(irq_cpu(p, 100), 2);
}

TEST(BalancedStability, IrqsItDoesNotPlaceCountWhereTheyFire) {
  // The costliest queue (0.8) shares CPU 0 with an NVMe queue (0.2) the plan does not place: CPU 0
  // is at 1.0, not 0.8, and the queue moves to a free CPU.
  auto m = topology::load_synthetic("pack:1 core:4 pu:1");
  Inventory inv;
  add_nic(inv, {.rx = 3, .tx = 3});
  sysfs::IrqInfo nvme;
  nvme.irq = 50;
  nvme.cls = IrqClass::kManaged;
  nvme.affinity = nvme.effective = CpuSet::of({0});
  inv.irqs.insert(inv.irqs.begin(), nvme);
  place(inv, 100, 0);
  place(inv, 101, 1);
  place(inv, 102, 2);
  LoadInfo l;
  l.irqs[50].cost = 0.2;
  l.irqs[100].cost = 0.8;
  l.irqs[101].cost = 0.1;
  l.irqs[102].cost = 0.1;
  Plan p = run(m, inv, l);
  EXPECT_EQ(irq_cpu(p, 100), 3);
  EXPECT_EQ(p.irq(50), nullptr);  // still not placed
}

TEST(BalancedStability, NoiseInsideTheMarginMovesNothing) {
  // Balance once, then perturb every cost by up to +-3% for 20 cycles: not one move.
  auto m = pascal();
  Inventory inv;
  add_nic(inv, {.node = 0, .rx = 48, .tx = 48});
  add_nic(inv, {.name = "eth1", .node = 1, .rx = 48, .tx = 48, .first_irq = 200});
  unplace(inv);
  LoadInfo l = zipf(100, 48, 0.3, 0.6);
  for (auto& [irq, load] : zipf(200, 48, 0.3, 0.6).irqs) l.irqs[irq] = load;
  for (int c = 0; c < 4; ++c) apply(inv, run(m, inv, l));
  for (int cycle = 0; cycle < 20; ++cycle) {
    LoadInfo noisy = l;
    int k = 0;
    for (auto& [irq, load] : noisy.irqs) load.cost *= 1.0 + 0.03 * std::sin(cycle * 7.0 + k++ * 1.3);
    Plan p = run(m, inv, noisy);
    EXPECT_TRUE(moved(p, inv).empty()) << "cycle " << cycle;
  }
}

}  // namespace
}  // namespace irqd::policies
