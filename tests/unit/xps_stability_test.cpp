// XPS/RPS stability: planned maps fed back are kept (no write in steady state), an IRQ move
// rewrites only its own queue's maps and the one queue that gives up the CPU it moved onto,
// garbage maps are repaired, and a blank state gives the layout planned from scratch.
#include <chrono>

#include "tests/unit/stability_support.hpp"

namespace irqd::policies {
namespace {

using namespace stability_test;  // NOLINT: test builders

// 2 x 18 cores x 2 threads: a 24-queue NIC on node 0, a 48-queue one on node 1 (more queues than
// CPUs: some CPUs are the partner of two queues), a 48-queue one without NUMA information, and an
// 8-queue one on node 0 (the only one with fewer queues than cores: RPS on).
struct PascalNics {
  topology::Machine m = pascal();
  Inventory inv;
  Plan first;
  PascalNics() {
    add_nic(inv, {.name = "eth0", .node = 0, .rx = 24, .tx = 24, .first_irq = 100});
    add_nic(inv, {.name = "eth1", .node = 1, .rx = 48, .tx = 48, .first_irq = 200});
    add_nic(inv, {.name = "eth2", .node = -1, .rx = 48, .tx = 48, .first_irq = 300});
    add_nic(inv, {.name = "eth3", .node = 0, .rx = 8, .tx = 8, .first_irq = 400});
    first = build(m, inv);
  }
  Inventory steady() const { return adopt(inv, first); }
};
const std::vector<std::string> kNics = {"eth0", "eth1", "eth2", "eth3"};
const std::map<std::string, int> kFirstIrq = {{"eth0", 100}, {"eth1", 200}, {"eth2", 300}, {"eth3", 400}};

TEST(XpsStabilityTest, BlankStateGivesTheLayoutPlannedFromScratch) {
  PascalNics s;
  // Empty maps, and maps with nothing usable in them (CPUs of no node, the other node only).
  Inventory garbage = s.inv;
  for (auto& nic : garbage.nics)
    for (auto& q : nic.tx) q.xps_cpus = nic.numa_node == 0 ? s.m.node_cpus(1) : CpuSet::of({5000});
  for (const Inventory* inv : {&s.inv, &garbage}) {
    Plan p = build(s.m, *inv);
    for (const auto& dev : kNics) {
      const auto& nic = *inv->nic(dev);
      const auto want = fresh_xps(s.m, partners(p, nic), local_of(s.m, *inv, dev).cpus);
      for (std::size_t i = 0; i < nic.tx.size(); ++i)
        EXPECT_EQ(p.queue(dev, false, static_cast<int>(i))->xps_cpus, std::optional<CpuSet>(want[i])) << dev << " tx " << i;
      expect_valid_layout(s.m, *inv, p, dev, 1);
    }
  }
}

TEST(XpsStabilityTest, BlankStateOnTwoL3sGivesTheLayoutPlannedFromScratch) {
  // IRQs by hand over two L3s, unevenly, and an L3 without any queue (its CPUs join any queue).
  auto m = topology::load_synthetic("pack:1 numa:1 l3:3 core:4 pu:2");
  Inventory inv;
  add_nic(inv, {.node = 0, .rx = 5, .tx = 5});
  const std::vector<int> cpus = {0, 1, 9, 2, 3};  // L3 0: 0-7, L3 1: 8-15, L3 2: 16-23 (no queue)
  std::vector<IrqPlacement> irqs;
  for (int i = 0; i < 5; ++i) irqs.push_back({100 + i, CpuSet::of({cpus[static_cast<std::size_t>(i)]}), "test"});
  Plan p = steer(m, inv, irqs);
  const auto want = fresh_xps(m, partners(p, inv.nics[0]), m.node_cpus(0));
  for (int i = 0; i < 5; ++i) EXPECT_EQ(p.queue("eth0", false, i)->xps_cpus, std::optional<CpuSet>(want[static_cast<std::size_t>(i)])) << i;
  // And it is kept as it is.
  Plan again = steer(m, adopt(inv, p), irqs);
  EXPECT_TRUE(changes(adopt(inv, p), again, "eth0").xps.empty());
}

TEST(XpsStabilityTest, PlannedMapsFedBackGiveTheSamePlan) {
  PascalNics s;
  const Inventory cur = s.steady();
  Plan again = build(s.m, cur);
  for (const auto& dev : kNics) {
    const auto c = changes(cur, again, dev);
    EXPECT_TRUE(c.xps.empty()) << dev << ": " << c.xps.size() << " xps_cpus writes in steady state";
    EXPECT_TRUE(c.rps.empty()) << dev;
    EXPECT_TRUE(c.flow.empty()) << dev;
    expect_valid_layout(s.m, cur, again, dev);
  }
  EXPECT_EQ(again.rps_sock_flow_entries, s.first.rps_sock_flow_entries);
  // Deterministic: the same input, the same plan.
  Plan third = build(s.m, cur);
  for (std::size_t i = 0; i < again.queues.size(); ++i) {
    EXPECT_EQ(again.queues[i].xps_cpus, third.queues[i].xps_cpus);
    EXPECT_EQ(again.queues[i].reason, third.queues[i].reason);
  }
}

// A CPU of `cpu`'s L3 within the NIC's local CPUs, other than `cpu`, picked by `salt`.
int neighbour(const topology::Machine& m, const CpuSet& local, int cpu, int salt) {
  auto v = (m.l3_cpus(cpu) & local).to_vector();
  std::erase(v, cpu);
  return v[static_cast<std::size_t>(salt * 7 + 3) % v.size()];
}

TEST(XpsStabilityTest, OneIrqMoveRewritesAtMostTheMovedQueueAndTheOneGivingUpItsNewCpu) {
  PascalNics s;
  const Inventory cur = s.steady();
  for (const auto& dev : kNics) {
    const auto& nic = *cur.nic(dev);
    const CpuSet local = local_of(s.m, cur, dev).cpus;
    for (int k = 0; k < static_cast<int>(nic.tx.size()); ++k) {
      const int irq = kFirstIrq.at(dev) + k;
      const int a = s.first.irq(irq)->cpus.first();
      const int b = neighbour(s.m, local, a, k);
      Plan p = steer(s.m, cur, moved(s.first.irqs, irq, b));
      const auto c = changes(cur, p, dev);
      EXPECT_LE(c.xps.size(), 2u) << dev << " tx " << k << " " << a << " -> " << b;
      // The moved queue (unless b was in its map already) and the queue whose map had b.
      const bool had_b = nic.tx[static_cast<std::size_t>(k)].xps_cpus->test(b);
      EXPECT_EQ(c.xps.contains(k), !had_b) << dev << " tx " << k;
      EXPECT_TRUE(p.queue(dev, false, k)->xps_cpus->test(b)) << dev << " tx " << k;
      for (int j : c.xps) {
        if (j == k) continue;
        EXPECT_TRUE(nic.tx[static_cast<std::size_t>(j)].xps_cpus->test(b)) << dev << " tx " << j;
      }
      // RPS: only the moved queue's mask, and never rps_flow_cnt.
      EXPECT_TRUE(c.rps.empty() || c.rps == std::set<int>{k}) << dev << " rx " << k;
      EXPECT_TRUE(c.flow.empty()) << dev;
      EXPECT_EQ(p.rps_sock_flow_entries, s.first.rps_sock_flow_entries);
      for (const auto& other : kNics) {
        if (other == dev) continue;
        EXPECT_TRUE(changes(cur, p, other).xps.empty()) << other;
      }
      expect_valid_layout(s.m, cur, p, dev);
      // Applied, the next plan writes nothing.
      const Inventory after = adopt(cur, p);
      Plan next = steer(s.m, after, moved(s.first.irqs, irq, b));
      EXPECT_TRUE(changes(after, next, dev).xps.empty()) << dev << " tx " << k;
      EXPECT_TRUE(changes(after, next, dev).rps.empty()) << dev << " tx " << k;
    }
  }
}

TEST(XpsStabilityTest, FiveIrqMovesRewriteAtMostTenQueues) {
  PascalNics s;
  const Inventory cur = s.steady();
  for (const auto& dev : kNics) {
    const int nq = static_cast<int>(cur.nic(dev)->tx.size());
    const CpuSet local = local_of(s.m, cur, dev).cpus;
    for (int round = 0; round < 8; ++round) {
      auto irqs = s.first.irqs;
      std::set<int> queues;
      for (int i = 0; i < 5; ++i) {
        const int k = (round * 5 + i * 7) % nq;
        queues.insert(k);
        const int irq = kFirstIrq.at(dev) + k;
        irqs = moved(irqs, irq, neighbour(s.m, local, s.first.irq(irq)->cpus.first(), round + i));
      }
      Plan p = steer(s.m, cur, irqs);
      const auto c = changes(cur, p, dev);
      EXPECT_LE(c.xps.size(), 10u) << dev << " round " << round;
      EXPECT_LE(c.rps.size(), 5u) << dev << " round " << round;
      for (int q : c.rps) EXPECT_TRUE(queues.contains(q)) << dev << " rx " << q;
      EXPECT_TRUE(c.flow.empty()) << dev;
      expect_valid_layout(s.m, cur, p, dev);
    }
  }
}

TEST(XpsStabilityTest, MovesOneAfterAnotherStayValidAndSmall) {
  // The daemon's life: one IRQ moves, the plan is applied, the next one moves, ...
  PascalNics s;
  Inventory cur = s.steady();
  auto irqs = s.first.irqs;
  for (int step = 0; step < 120; ++step) {
    const auto& dev = kNics[static_cast<std::size_t>(step) % kNics.size()];
    const int nq = static_cast<int>(cur.nic(dev)->tx.size());
    const int k = (step * 11) % nq;
    const int irq = kFirstIrq.at(dev) + k;
    const int a = Plan{.irqs = irqs}.irq(irq)->cpus.first();
    irqs = moved(irqs, irq, neighbour(s.m, local_of(s.m, cur, dev).cpus, a, step));
    Plan p = steer(s.m, cur, irqs);
    const auto c = changes(cur, p, dev);
    EXPECT_LE(c.xps.size(), 2u) << "step " << step << " " << dev << " tx " << k;
    expect_valid_layout(s.m, cur, p, dev);
    cur = adopt(cur, p);
  }
}

TEST(XpsStabilityTest, MapsThatAreNotAValidLayoutAreRepaired) {
  PascalNics s;
  Inventory bad = s.steady();
  for (auto& nic : bad.nics) {
    auto& tx = nic.tx;
    tx[0].xps_cpus = *tx[0].xps_cpus | s.m.node_cpus(nic.numa_node == 0 ? 1 : 0);  // the other node
    tx[1].xps_cpus = *tx[1].xps_cpus | *tx[2].xps_cpus;                              // overlapping
    tx[3].xps_cpus = CpuSet{};                                                       // lost its partner
    tx[4].xps_cpus = *tx[5].xps_cpus;                                                // another's partner
    tx[6].xps_cpus = CpuSet::of({5000});                                             // no such CPU
  }
  Plan p = build(s.m, bad);
  for (const auto& dev : kNics) {
    expect_valid_layout(s.m, bad, p, dev);
    const Inventory fixed = adopt(bad, p);
    EXPECT_TRUE(changes(fixed, build(s.m, fixed), dev).xps.empty()) << dev;
  }
}

// 8 CPUs, L3s {0-3} and {4-7}; queue IRQs on CPUs 0, 1 and 4 with their maps applied.
struct TwoL3s {
  topology::Machine m = topology::load_synthetic("pack:1 numa:1 l3:2 core:4 pu:1");
  Inventory inv;
  std::vector<IrqPlacement> irqs = {{100, CpuSet::of({0}), ""}, {101, CpuSet::of({1}), ""}, {102, CpuSet::of({4}), ""}};
  TwoL3s() {
    add_nic(inv, {.node = 0, .rx = 3, .tx = 3});
    inv = adopt(inv, steer(m, inv, irqs));
  }
  CpuSet tx(const Plan& p, int i) const { return *p.queue("eth0", false, i)->xps_cpus; }
  CpuSet cur(int i) const { return *inv.nics[0].tx[static_cast<std::size_t>(i)].xps_cpus; }
};

TEST(XpsStabilityTest, WithinItsL3TheMovedQueueKeepsItsOldCpu) {
  TwoL3s s;
  ASSERT_EQ(s.cur(0), CpuSet::of({0, 2}));
  ASSERT_EQ(s.cur(1), CpuSet::of({1, 3}));
  ASSERT_EQ(s.cur(2), CpuSet::range(4, 7));
  Plan p = steer(s.m, s.inv, moved(s.irqs, 100, 3));  // tx 0: CPU 0 -> 3, which tx 1 had
  EXPECT_EQ(s.tx(p, 0), CpuSet::of({0, 2, 3}));
  EXPECT_EQ(s.tx(p, 1), CpuSet::of({1}));
  EXPECT_EQ(s.tx(p, 2), CpuSet::range(4, 7));
}

TEST(XpsStabilityTest, AMovePastTheToleranceEvensOutBetweenTheTwoQueuesItRewrites) {
  auto m = topology::load_synthetic("pack:1 numa:1 l3:1 core:8 pu:1");
  Inventory inv;
  add_nic(inv, {.node = 0, .rx = 3, .tx = 3});
  const std::vector<IrqPlacement> irqs = {{100, CpuSet::of({0}), ""}, {101, CpuSet::of({1}), ""}, {102, CpuSet::of({2}), ""}};
  inv = adopt(inv, steer(m, inv, irqs));
  ASSERT_EQ(inv.nics[0].tx[0].xps_cpus, std::optional<CpuSet>(CpuSet::of({0, 3, 6})));
  ASSERT_EQ(inv.nics[0].tx[2].xps_cpus, std::optional<CpuSet>(CpuSet::of({2, 5})));
  // tx 0: CPU 0 -> 5, which tx 2 had: 4 CPUs against 1, so tx 0 hands one back to tx 2.
  Plan p = steer(m, inv, moved(irqs, 100, 5));
  EXPECT_EQ(p.queue("eth0", false, 0)->xps_cpus, std::optional<CpuSet>(CpuSet::of({0, 3, 5})));
  EXPECT_EQ(p.queue("eth0", false, 2)->xps_cpus, std::optional<CpuSet>(CpuSet::of({2, 6})));
  EXPECT_EQ(changes(inv, p, "eth0").xps, (std::set<int>{0, 2}));
}

TEST(XpsStabilityTest, AcrossL3sTheOldCpusGoToTheLeastUsedQueueSharingThem) {
  TwoL3s s;
  Plan p = steer(s.m, s.inv, moved(s.irqs, 101, 5));  // tx 1: CPU 1 -> 5, which tx 2 had
  EXPECT_EQ(s.tx(p, 0), CpuSet::range(0, 3));           // CPUs 1 and 3 stay in their L3
  EXPECT_EQ(s.tx(p, 1), CpuSet::of({5}));
  EXPECT_EQ(s.tx(p, 2), CpuSet::of({4, 6, 7}));         // 3 vs 1: within the tolerance of 2
}

TEST(XpsStabilityTest, AnL3LeftWithoutAQueueStaysWithTheQueueThatHadIt) {
  TwoL3s s;
  // Both queues of L3 0 move into L3 1: no queue is left to share L3 0, so its CPUs may be in any
  // queue's map, and stay in the one they were in.
  auto irqs = moved(moved(s.irqs, 100, 5), 101, 6);
  Plan p = steer(s.m, s.inv, irqs);
  EXPECT_EQ(s.tx(p, 0), CpuSet::of({0, 2, 5}));
  EXPECT_EQ(s.tx(p, 1), CpuSet::of({1, 3, 6}));
  EXPECT_EQ(s.tx(p, 2), CpuSet::of({4, 7}));
}

TEST(XpsStabilityTest, AnImbalanceOfTwoIsKeptAndMoreIsEvenedOut) {
  auto m = topology::load_synthetic("pack:1 numa:1 l3:1 core:8 pu:1");
  Inventory inv;
  add_nic(inv, {.node = 0, .rx = 2, .tx = 2});
  const std::vector<IrqPlacement> irqs = {{100, CpuSet::of({0}), ""}, {101, CpuSet::of({1}), ""}};
  inv.nics[0].tx[0].xps_cpus = CpuSet::of({0, 2, 3, 4, 5});
  inv.nics[0].tx[1].xps_cpus = CpuSet::of({1, 6, 7});
  Plan p = steer(m, inv, irqs);
  EXPECT_TRUE(changes(inv, p, "eth0").xps.empty());
  inv.nics[0].tx[0].xps_cpus = CpuSet::of({0, 2, 3, 4, 5, 6});
  inv.nics[0].tx[1].xps_cpus = CpuSet::of({1, 7});
  p = steer(m, inv, irqs);
  const CpuSet tx0 = *p.queue("eth0", false, 0)->xps_cpus, tx1 = *p.queue("eth0", false, 1)->xps_cpus;
  EXPECT_EQ(tx0.count(), 5) << tx0.to_list();  // one CPU moves: 6 vs 2 becomes 5 vs 3
  EXPECT_EQ(tx1.count(), 3) << tx1.to_list();
  EXPECT_TRUE(tx0.is_subset_of(CpuSet::of({0, 2, 3, 4, 5, 6})));
  EXPECT_TRUE(CpuSet::of({1, 7}).is_subset_of(tx1));
}

TEST(XpsStabilityTest, QueuesWithoutTheFileOrWithAPinTakeNoCpuWithoutAQueue) {
  auto m = topology::load_synthetic("pack:1 numa:1 l3:1 core:8 pu:1");
  Inventory inv;
  add_nic(inv, {.node = 0, .rx = 4, .tx = 4});
  inv.nics[0].tx[1].xps_cpus.reset();
  config::Config cfg;
  cfg.queue_pins[{"eth0", false, 2}] = CpuSet::of({2});
  std::vector<IrqPlacement> irqs;
  for (int i = 0; i < 4; ++i) irqs.push_back({100 + i, CpuSet::of({i}), ""});
  Plan p = steer(m, inv, irqs, cfg);
  EXPECT_EQ(p.queue("eth0", false, 0)->xps_cpus, std::optional<CpuSet>(CpuSet::of({0, 4, 6})));
  EXPECT_EQ(p.queue("eth0", false, 2)->xps_cpus, std::optional<CpuSet>(CpuSet::of({2})));
  EXPECT_EQ(p.queue("eth0", false, 3)->xps_cpus, std::optional<CpuSet>(CpuSet::of({3, 5, 7})));
}

TEST(XpsStabilityTest, NinetyFourQueuesOn1152CpusMoveOneAtATime) {
  auto m = topology::load_synthetic("pack:8 numa:1 l3:2 core:36 pu:2");
  ASSERT_EQ(m.pus.size(), 1152u);
  Inventory inv;
  add_nic(inv, {.name = "eth0", .node = -1, .rx = 94, .tx = 94, .first_irq = 1000});
  add_nic(inv, {.name = "eth1", .node = 3, .rx = 94, .tx = 94, .first_irq = 2000});
  Plan first = build(m, inv);
  const Inventory cur = adopt(inv, first);
  constexpr int kRounds = 20;
  double ms = 0;
  for (int r = 0; r < kRounds; ++r) {
    const int irq = 1000 + r * 37 % 94;
    const auto irqs = moved(first.irqs, irq, neighbour(m, m.online, first.irq(irq)->cpus.first(), r));
    Plan xps_only{.irqs = irqs};
    const config::Config cfg;
    const auto t0 = std::chrono::steady_clock::now();
    plan_xps({m, cur, cfg}, xps_only);
    ms += std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count() / kRounds;
    Plan p = steer(m, cur, irqs);
    EXPECT_LE(changes(cur, p, "eth0").xps.size(), 2u) << r;
    EXPECT_TRUE(changes(cur, p, "eth1").xps.empty()) << r;
  }
  RecordProperty("plan_ms", std::to_string(ms));
  std::printf("1152 CPUs, 2 x 94 queues: XPS planned in %.3f ms\n", ms);
  // No time limit here: performance targets live in tests/bench and the README, not in unit tests.
  for (const auto& dev : {"eth0", "eth1"}) expect_valid_layout(m, cur, build(m, cur), dev);
}

}  // namespace
}  // namespace irqd::policies
