// XPS planner, absent knob files, isolated/banned CPUs, RFS arithmetic and static pins.
#include "tests/unit/steering_support.hpp"

namespace irqd::policies {
namespace {

using namespace steering_test;  // NOLINT: test builders

// ---------------------------------------------------------------------------------------------
// XPS pairing
// ---------------------------------------------------------------------------------------------

// Checks that TX masks are pairwise disjoint and returns their union.
CpuSet disjoint_union(const Plan& p, const std::string& dev, int ntx) {
  CpuSet all;
  for (int i = 0; i < ntx; ++i) {
    const auto* q = p.queue(dev, false, i);
    EXPECT_NE(q, nullptr) << "tx " << i;
    if (!q || !q->xps_cpus) {
      ADD_FAILURE() << "tx " << i << ": xps_cpus not planned";
      continue;
    }
    EXPECT_FALSE(all.intersects(*q->xps_cpus)) << "tx " << i << " overlaps: " << q->xps_cpus->to_list();
    all |= *q->xps_cpus;
  }
  return all;
}

TEST(XpsTest, TxQueueFollowsItsPartnerIrqAndTheNodeIsCovered) {
  auto m = pascal();
  Inventory inv;
  add_nic(inv, {.node = 0, .rx = 4, .tx = 4});
  Plan p = build(m, inv);
  for (int i = 0; i < 4; ++i) {
    const int cpu = irq_cpu(p, 100 + i);
    const auto* q = p.queue("eth0", false, i);
    ASSERT_NE(q, nullptr);
    ASSERT_TRUE(q->xps_cpus.has_value());
    EXPECT_TRUE(q->xps_cpus->test(cpu)) << "tx " << i << " lacks its IRQ CPU " << cpu << ": " << q->xps_cpus->to_list();
    EXPECT_TRUE(q->xps_cpus->is_subset_of(m.node_cpus(0))) << i;
    EXPECT_EQ(q->xps_cpus->count(), 9) << "36 CPUs shared evenly by 4 queues";
    EXPECT_TRUE(contains(q->reason, "partner RX IRQ on CPU " + std::to_string(cpu))) << q->reason;
    EXPECT_FALSE(q->xps_rxqs.has_value()) << "xps = auto plans xps_cpus only";
  }
  EXPECT_EQ(disjoint_union(p, "eth0", 4), m.node_cpus(0));
}

TEST(XpsTest, CpusWithoutAQueueJoinAQueueSharingTheirL3) {
  auto m = topology::load_synthetic("pack:1 numa:1 l3:2 core:4 pu:1");  // L3s {0-3} and {4-7}
  ASSERT_EQ(m.l3s.size(), 2u);
  ASSERT_EQ(m.l3_cpus(0), CpuSet::range(0, 3));
  Inventory inv;
  add_nic(inv, {.node = 0, .rx = 2, .tx = 2});
  // IRQs placed by hand, one in each L3 (spread would put both in the first).
  config::Config cfg;
  Plan p;
  p.set_irq({100, CpuSet::of({1}), "test"});
  p.set_irq({101, CpuSet::of({6}), "test"});
  plan_xps({m, inv, cfg}, p);
  EXPECT_EQ(p.queue("eth0", false, 0)->xps_cpus, std::optional<CpuSet>(CpuSet::range(0, 3)));
  EXPECT_EQ(p.queue("eth0", false, 1)->xps_cpus, std::optional<CpuSet>(CpuSet::range(4, 7)));
  EXPECT_TRUE(contains(p.queue("eth0", false, 1)->reason, "share its L3")) << p.queue("eth0", false, 1)->reason;
}

TEST(XpsTest, QueuelessCpusGoToTheLeastUsedQueueOfTheirL3) {
  auto m = topology::load_synthetic("pack:1 numa:1 l3:2 core:4 pu:1");  // L3s {0-3} and {4-7}
  Inventory inv;
  add_nic(inv, {.node = 0, .rx = 3, .tx = 3});
  config::Config cfg;
  Plan p;
  p.set_irq({100, CpuSet::of({0}), "test"});
  p.set_irq({101, CpuSet::of({1}), "test"});
  p.set_irq({102, CpuSet::of({4}), "test"});
  plan_xps({m, inv, cfg}, p);
  CpuSet tx0 = *p.queue("eth0", false, 0)->xps_cpus, tx1 = *p.queue("eth0", false, 1)->xps_cpus,
         tx2 = *p.queue("eth0", false, 2)->xps_cpus;
  EXPECT_EQ(tx0.count(), 2) << tx0.to_list();  // CPUs 2 and 3 shared by the two queues of L3 0
  EXPECT_EQ(tx1.count(), 2) << tx1.to_list();
  EXPECT_EQ(tx0 | tx1, CpuSet::range(0, 3));
  EXPECT_EQ(tx2, CpuSet::range(4, 7));
}

TEST(XpsTest, SplitRxTxIrqsPairByIndex) {
  auto m = pascal();
  Inventory inv;
  add_nic(inv, {.node = 0, .rx = 4, .tx = 4, .irqs = Irqs::kSplit});
  Plan p = build(m, inv);
  for (int i = 0; i < 4; ++i) {
    const int rx_cpu = irq_cpu(p, 100 + i);
    const int tx_cpu = irq_cpu(p, 100 + kTxIrqOffset + i);
    EXPECT_EQ(rx_cpu, tx_cpu) << "spread keeps the vectors of a queue together";
    const auto* q = p.queue("eth0", false, i);
    ASSERT_NE(q, nullptr);
    ASSERT_TRUE(q->xps_cpus.has_value());
    EXPECT_TRUE(q->xps_cpus->test(rx_cpu)) << "tx " << i << ": " << q->xps_cpus->to_list();
  }
  EXPECT_EQ(disjoint_union(p, "eth0", 4), m.node_cpus(0));
}

TEST(XpsTest, TxQueuesWithoutIrqsPairWithTheRxIrqOfTheSameIndex) {
  // RX-only vectors (TX completions handled on the RX vector): TX i has no IRQ of its own.
  auto m = pascal();
  Inventory inv;
  add_nic(inv, {.node = 0, .rx = 4, .tx = 4, .irqs = Irqs::kSplit});
  auto& nic = inv.nics[0];
  for (auto& tx : nic.tx) tx.irqs.clear();
  std::erase_if(inv.irqs, [](const auto& i) { return i.role == QueueRole::kTx; });
  std::erase_if(nic.irqs, [](int n) { return n >= 100 + kTxIrqOffset; });
  config::Config cfg;
  Plan p;
  // Reverse order, so pairing by index is not confused with pairing by position.
  const std::vector<int> cpus = {m.node_cpus(0).to_vector()[6], m.node_cpus(0).to_vector()[4],
                                 m.node_cpus(0).to_vector()[2], m.node_cpus(0).to_vector()[0]};
  for (int i = 0; i < 4; ++i) p.set_irq({100 + i, CpuSet::of({cpus[static_cast<std::size_t>(i)]}), "test"});
  plan_xps({m, inv, cfg}, p);
  for (int i = 0; i < 4; ++i) {
    const auto* q = p.queue("eth0", false, i);
    ASSERT_NE(q, nullptr);
    ASSERT_TRUE(q->xps_cpus.has_value());
    EXPECT_TRUE(q->xps_cpus->test(cpus[static_cast<std::size_t>(i)])) << i << ": " << q->xps_cpus->to_list();
  }
  EXPECT_EQ(disjoint_union(p, "eth0", 4), m.node_cpus(0));
}

// Regression: a queue whose IRQ is pinned off the NIC's node used to be dropped from the pairing
// and planned an empty xps_cpus, leaving the CPU that handles its interrupt in no TX map.
TEST(XpsTest, TxQueueWhoseIrqIsPinnedOffTheNodeStillPairsWithItsIrqCpu) {
  auto m = pascal();
  Inventory inv;
  add_nic(inv, {.node = 0, .rx = 4, .tx = 4});
  const int pin = m.node_cpus(1).first();
  config::Config cfg;
  cfg.irq_pins[101] = CpuSet::of({pin});
  Plan p = build(m, inv, cfg);
  ASSERT_EQ(p.irq(101)->cpus, CpuSet::of({pin}));
  const auto* q = p.queue("eth0", false, 1);
  ASSERT_NE(q, nullptr);
  ASSERT_TRUE(q->xps_cpus.has_value());
  EXPECT_TRUE(q->xps_cpus->test(pin)) << "tx 1 planned " << q->xps_cpus->to_list() << " (" << q->reason << ")";
  // The other queues still share the NIC's node between them.
  for (int i : {0, 2, 3}) EXPECT_TRUE(p.queue("eth0", false, i)->xps_cpus->test(irq_cpu(p, 100 + i))) << i;
}

TEST(XpsTest, WithoutIrqsCpusGoToQueuesRoundRobin) {
  auto m = topology::load_synthetic("pack:1 core:2 pu:1");
  Inventory inv;
  add_nic(inv, {.name = "veth0", .node = -1, .rx = 8, .tx = 8, .irqs = Irqs::kNone});
  Plan p = build(m, inv);
  EXPECT_TRUE(p.irqs.empty());
  for (int i = 0; i < 8; ++i) {
    const auto* q = p.queue("veth0", false, i);
    ASSERT_NE(q, nullptr);
    EXPECT_EQ(q->xps_cpus, std::optional<CpuSet>(CpuSet::of({i % 2}))) << "tx " << i;
    EXPECT_TRUE(contains(q->reason, "round-robin")) << q->reason;
  }
}

TEST(XpsTest, WithoutIrqsOneQueueTakesEveryCpu) {
  auto m = topology::load_synthetic("pack:1 core:4 pu:1");
  Inventory inv;
  add_nic(inv, {.name = "veth0", .node = -1, .rx = 1, .tx = 1, .irqs = Irqs::kNone});
  Plan p = build(m, inv);
  const auto* q = p.queue("veth0", false, 0);
  ASSERT_NE(q, nullptr);
  EXPECT_EQ(q->xps_cpus, std::optional<CpuSet>(CpuSet::range(0, 3)));
}

// ---------------------------------------------------------------------------------------------
// Absent knobs, isolated and banned CPUs
// ---------------------------------------------------------------------------------------------

bool plans_a_value(const QueuePlacement* q) {
  return q && (q->rps_cpus || q->rps_flow_cnt || q->xps_cpus || q->xps_rxqs);
}

TEST(SteeringTest, QueuesWithoutKnobFilesAreNeverPlanned) {
  auto m = pascal();
  Inventory inv;
  add_nic(inv, {.node = 0, .rx = 4, .tx = 4, .rps_files = false, .xps_files = false, .xps_rxqs_files = false});
  for (auto mode : {config::XpsMode::kAuto, config::XpsMode::kOff, config::XpsMode::kRxqs}) {
    for (auto rps : {config::RpsMode::kAuto, config::RpsMode::kOff, config::RpsMode::kList}) {
      for (auto rfs : {config::RfsMode::kAuto, config::RfsMode::kOff}) {
        config::Config cfg;
        cfg.device_defaults = {.rps = rps, .rps_cpus = CpuSet::range(0, 3), .rfs = rfs, .xps = mode};
        Plan p = build(m, inv, cfg);
        for (int i = 0; i < 4; ++i) {
          EXPECT_FALSE(plans_a_value(p.queue("eth0", true, i))) << "rx " << i;
          EXPECT_FALSE(plans_a_value(p.queue("eth0", false, i))) << "tx " << i;
        }
        EXPECT_FALSE(p.rps_sock_flow_entries.has_value());
      }
    }
  }
}

TEST(SteeringTest, OnlyQueuesWithTheFileArePlanned) {
  auto m = pascal();
  Inventory inv;
  add_nic(inv, {.node = 0, .rx = 4, .tx = 4});
  inv.nics[0].rx[1].rps_cpus.reset();
  inv.nics[0].rx[1].rps_flow_cnt.reset();
  inv.nics[0].tx[2].xps_cpus.reset();
  inv.nics[0].tx[2].xps_rxqs.reset();
  Plan p = build(m, inv);
  EXPECT_FALSE(plans_a_value(p.queue("eth0", true, 1)));
  EXPECT_FALSE(plans_a_value(p.queue("eth0", false, 2)));
  EXPECT_TRUE(p.queue("eth0", true, 0)->rps_cpus.has_value());
  EXPECT_TRUE(p.queue("eth0", false, 0)->xps_cpus.has_value());
}

TEST(SteeringTest, IsolatedAndBannedCpusNeverAppearInAnyMask) {
  auto m = pascal();
  const auto node0 = m.node_cpus(0).to_vector();
  const auto node1 = m.node_cpus(1).to_vector();
  // Isolate a few CPUs of each node (both threads of some cores), ban others.
  m.isolated = CpuSet::of({node0[0], node0[1], node0[18], node0[19], node1[0]});
  m.nohz_full = CpuSet::of({node0[2]});
  config::Config cfg;
  cfg.banned_cpus = CpuSet::of({node0[3], node0[20], node1[1], node1[25]});
  const CpuSet forbidden = m.isolated | m.nohz_full | cfg.banned_cpus;

  Inventory inv;
  add_nic(inv, {.name = "eth0", .node = 0, .rx = 4, .tx = 4});
  add_nic(inv, {.name = "eth1", .node = -1, .rx = 8, .tx = 8, .first_irq = 200});
  add_nic(inv, {.name = "eth2", .node = 1, .rx = 1, .tx = 1, .first_irq = 300});
  add_nic(inv, {.name = "eth3", .node = 0, .rx = 2, .tx = 2, .irqs = Irqs::kSplit, .first_irq = 400});
  add_nic(inv, {.name = "veth0", .node = -1, .rx = 2, .tx = 6, .irqs = Irqs::kNone});
  cfg.devices["eth2"].rps = config::RpsMode::kList;
  cfg.devices["eth2"].rps_cpus = m.node_cpus(0) | m.node_cpus(1);
  Plan p = build(m, inv, cfg);

  int rps = 0, xps = 0;
  for (const auto& q : p.queues) {
    if (q.rps_cpus) {
      ++rps;
      EXPECT_FALSE(q.rps_cpus->intersects(forbidden)) << q.device << " rx " << q.queue << ": " << q.rps_cpus->to_list();
    }
    if (q.xps_cpus) {
      ++xps;
      EXPECT_FALSE(q.xps_cpus->intersects(forbidden)) << q.device << " tx " << q.queue << ": " << q.xps_cpus->to_list();
    }
  }
  EXPECT_EQ(rps, 4 + 8 + 1 + 2 + 2);
  EXPECT_EQ(xps, 4 + 8 + 1 + 2 + 6);
  for (const auto& irq : p.irqs) EXPECT_FALSE(irq.cpus.intersects(forbidden)) << "IRQ " << irq.irq;
  // The node-0 NIC's TX masks cover exactly the usable CPUs of node 0.
  EXPECT_EQ(disjoint_union(p, "eth0", 4), m.node_cpus(0) - forbidden);
}

// ---------------------------------------------------------------------------------------------
// RFS arithmetic
// ---------------------------------------------------------------------------------------------

TEST(RfsTest, FlowCountIsEntriesPerQueueRoundedUpToAPowerOfTwo) {
  EXPECT_EQ(rfs_flow_cnt(32768, 1), 32768);
  EXPECT_EQ(rfs_flow_cnt(32768, 3), 16384);
  EXPECT_EQ(rfs_flow_cnt(32768, 8), 4096);
  EXPECT_EQ(rfs_flow_cnt(32768, 5), 8192);
  EXPECT_EQ(rfs_flow_cnt(0, 4), 0);
  EXPECT_EQ(rfs_flow_cnt(100, 0), 0);
  EXPECT_EQ(rfs_flow_cnt(1000, 3), 512);
  EXPECT_EQ(rfs_flow_cnt(-5, 2), 0);
}

// ---------------------------------------------------------------------------------------------
// Static pins
// ---------------------------------------------------------------------------------------------

TEST(StaticPinTest, IrqPinOverridesThePolicyAndRpsFollowsIt) {
  auto m = pascal();
  Inventory inv;
  add_nic(inv, {.node = 0, .rx = 4, .tx = 4});
  const int pin = m.node_cpus(0).last();  // an SMT sibling spread would not pick for 4 queues
  config::Config cfg;
  cfg.irq_pins[101] = CpuSet::of({pin});
  Plan unpinned = build(m, inv);
  ASSERT_NE(irq_cpu(unpinned, 101), pin);
  Plan p = build(m, inv, cfg);
  ASSERT_NE(p.irq(101), nullptr);
  EXPECT_EQ(p.irq(101)->cpus, CpuSet::of({pin}));
  EXPECT_TRUE(p.irq(101)->reason.str().starts_with("static pin")) << p.irq(101)->reason;
  EXPECT_TRUE(contains(p.irq(101)->reason.str(), std::to_string(pin))) << p.irq(101)->reason;
  EXPECT_EQ(p.irq(100)->cpus, unpinned.irq(100)->cpus);  // the others keep the policy's choice
  // RPS and XPS of queue 1 are planned around the pinned CPU.
  EXPECT_FALSE(p.queue("eth0", true, 1)->rps_cpus->test(pin));
  EXPECT_TRUE(p.queue("eth0", false, 1)->xps_cpus->test(pin));
}

TEST(StaticPinTest, PinsThatCannotBeAppliedYieldNotes) {
  auto m = pascal();
  Inventory inv;
  add_nic(inv, {.node = 0, .rx = 2, .tx = 2});
  sysfs::IrqInfo nvme;
  nvme.irq = 300;
  nvme.name = "nvme0q1";
  nvme.cls = IrqClass::kManaged;
  nvme.affinity = CpuSet::of({0});
  inv.irqs.push_back(nvme);
  config::Config cfg;
  cfg.irq_pins[999] = CpuSet::of({1});
  cfg.irq_pins[300] = CpuSet::of({1});
  cfg.irq_pins[100] = CpuSet::of({5000});  // no such CPU online
  Plan unpinned = build(m, inv);
  Plan p = build(m, inv, cfg);
  EXPECT_EQ(p.irq(999), nullptr);
  EXPECT_EQ(p.irq(300), nullptr);
  EXPECT_EQ(p.irq(100)->cpus, unpinned.irq(100)->cpus);
  ASSERT_EQ(p.notes.size(), 3u);
  auto has_note = [&](const std::string& a, const std::string& b) {
    return std::any_of(p.notes.begin(), p.notes.end(), [&](const auto& n) { return contains(n, a) && contains(n, b); });
  };
  EXPECT_TRUE(has_note("IRQ 999", "no such IRQ"));
  EXPECT_TRUE(has_note("IRQ 300", "kernel-managed"));
  EXPECT_TRUE(has_note("IRQ 100", "online"));
}

TEST(StaticPinTest, QueuePinsWinOverComputedValues) {
  auto m = pascal();
  Inventory inv;
  add_nic(inv, {.node = 0, .rx = 4, .tx = 4});
  config::Config cfg;
  cfg.devices["eth0"].rps = config::RpsMode::kOff;  // a pin wins over the setting too
  cfg.queue_pins[{"eth0", true, 0}] = CpuSet::parse_list("40-43");
  cfg.queue_pins[{"eth0", false, 1}] = CpuSet::parse_list("8-9");
  Plan p = build(m, inv, cfg);
  const auto* rx0 = p.queue("eth0", true, 0);
  EXPECT_EQ(rx0->rps_cpus, std::optional<CpuSet>(CpuSet::parse_list("40-43")));
  EXPECT_TRUE(contains(rx0->reason, "static pin to 40-43")) << rx0->reason;
  EXPECT_EQ(p.queue("eth0", true, 1)->rps_cpus, std::optional<CpuSet>(CpuSet{}));  // rps = off
  const auto* tx1 = p.queue("eth0", false, 1);
  EXPECT_EQ(tx1->xps_cpus, std::optional<CpuSet>(CpuSet::parse_list("8-9")));
  EXPECT_TRUE(contains(tx1->reason, "static pin to 8-9")) << tx1->reason;
  EXPECT_FALSE(p.queue("eth0", false, 0)->xps_cpus->empty());  // computed
  EXPECT_NE(p.queue("eth0", false, 0)->xps_cpus, std::optional<CpuSet>(CpuSet::parse_list("8-9")));
  EXPECT_TRUE(p.notes.empty());
}

TEST(StaticPinTest, PinOfAMissingQueueYieldsANote) {
  auto m = pascal();
  Inventory inv;
  add_nic(inv, {.node = 0, .rx = 4, .tx = 4});
  config::Config cfg;
  cfg.queue_pins[{"eth0", true, 10}] = CpuSet::of({1});
  cfg.queue_pins[{"eth9", false, 0}] = CpuSet::of({1});
  Plan p = build(m, inv, cfg);
  EXPECT_EQ(p.queue("eth0", true, 10), nullptr);
  EXPECT_EQ(p.queue("eth9", false, 0), nullptr);
  ASSERT_EQ(p.notes.size(), 2u);
  auto has_note = [&](const std::string& a) {
    return std::any_of(p.notes.begin(), p.notes.end(), [&](const auto& n) { return contains(n, a) && contains(n, "no such queue"); });
  };
  EXPECT_TRUE(has_note("eth0 rx-10"));
  EXPECT_TRUE(has_note("eth9 tx-0"));
}

TEST(SteeringTest, SamePlanForSameInput) {
  auto m = pascal();
  Inventory inv;
  add_nic(inv, {.name = "eth0", .node = 0, .rx = 4, .tx = 4});
  add_nic(inv, {.name = "eth1", .node = -1, .rx = 8, .tx = 8, .first_irq = 200});
  Plan a = build(m, inv), b = build(m, inv);
  ASSERT_EQ(a.queues.size(), b.queues.size());
  for (std::size_t i = 0; i < a.queues.size(); ++i) {
    EXPECT_EQ(a.queues[i].rps_cpus, b.queues[i].rps_cpus);
    EXPECT_EQ(a.queues[i].xps_cpus, b.queues[i].xps_cpus);
    EXPECT_EQ(a.queues[i].reason, b.queues[i].reason);
  }
}

// The daemon passes its last plan (same machine, inventory and configuration; another load) so
// unchanged steering is kept: the plan must be the one made from scratch, notes included.
void expect_same_plan(const Plan& a, const Plan& b) {
  ASSERT_EQ(a.queues.size(), b.queues.size());
  for (std::size_t i = 0; i < a.queues.size(); ++i) {
    EXPECT_EQ(a.queues[i].device, b.queues[i].device);
    EXPECT_EQ(a.queues[i].queue, b.queues[i].queue);
    EXPECT_EQ(a.queues[i].rps_cpus, b.queues[i].rps_cpus);
    EXPECT_EQ(a.queues[i].rps_flow_cnt, b.queues[i].rps_flow_cnt);
    EXPECT_EQ(a.queues[i].xps_cpus, b.queues[i].xps_cpus);
    EXPECT_EQ(a.queues[i].xps_rxqs, b.queues[i].xps_rxqs);
    EXPECT_EQ(a.queues[i].reason, b.queues[i].reason);
  }
  EXPECT_EQ(a.notes, b.notes);
  EXPECT_EQ(a.rps_sock_flow_entries, b.rps_sock_flow_entries);
}

TEST(SteeringTest, PlanFromThePreviousPlanIsThePlanFromScratch) {
  auto m = pascal();
  Inventory inv;
  add_nic(inv, {.name = "eth0", .node = 0, .rx = 4, .tx = 4});
  add_nic(inv, {.name = "eth1", .node = -1, .rx = 8, .tx = 8, .first_irq = 200});
  config::Config cfg;
  cfg.queue_pins[{"eth0", true, 1}] = CpuSet::of({1});
  cfg.queue_pins[{"eth9", false, 0}] = CpuSet::of({1});  // a note every plan repeats
  const Plan first = build(m, inv, cfg);
  expect_same_plan(build_plan(Spread(), {m, inv, cfg}, &first), first);
  // An IRQ that lands elsewhere (by a pin here; by the load in the daemon) moves its queue's RPS
  // and XPS: the previous steering must not stay.
  config::Config pinned = cfg;
  pinned.irq_pins[200] = CpuSet::of({3});
  const Plan scratch = build(m, inv, pinned);
  expect_same_plan(build_plan(Spread(), {m, inv, pinned}, &first), scratch);
  bool differs = false;
  for (std::size_t i = 0; i < scratch.queues.size() && i < first.queues.size(); ++i)
    differs |= !(scratch.queues[i].xps_cpus == first.queues[i].xps_cpus) || !(scratch.queues[i].rps_cpus == first.queues[i].rps_cpus);
  EXPECT_TRUE(differs);
}

}  // namespace
}  // namespace irqd::policies
