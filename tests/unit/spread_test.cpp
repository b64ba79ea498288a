// spread policy on real topologies (hwloc XML fixtures) and hwloc synthetic machines.
#include "policies/spread.hpp"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "policies/core_order.hpp"
#include "tests/support/fixtures.hpp"
#include "topology/hwloc_loader.hpp"

namespace irqd::policies {
namespace {

using sysfs::CpuSet;
using sysfs::Inventory;
using sysfs::IrqClass;
using sysfs::QueueRole;

// Adds a NIC with `queues` combined queue IRQs numbered from first_irq, plus one misc vector.
void add_nic(Inventory& inv, const std::string& name, int node, int queues, int first_irq,
             QueueRole role = QueueRole::kCombined) {
  sysfs::NicInfo nic;
  nic.name = name;
  nic.numa_node = node;
  sysfs::IrqInfo misc;
  misc.irq = first_irq - 1;
  misc.name = name;
  misc.cls = IrqClass::kNetMisc;
  misc.device = name;
  misc.affinity = CpuSet::of({0});
  inv.irqs.push_back(misc);
  for (int q = 0; q < queues; ++q) {
    sysfs::IrqInfo irq;
    irq.irq = first_irq + q;
    irq.name = name + "-TxRx-" + std::to_string(q);
    irq.cls = IrqClass::kQueue;
    irq.device = name;
    irq.queue = q;
    irq.role = role;
    irq.affinity = CpuSet::of({0});
    inv.irqs.push_back(irq);
    nic.irqs.push_back(irq.irq);
  }
  inv.nics.push_back(nic);
  std::sort(inv.nics.begin(), inv.nics.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  std::sort(inv.irqs.begin(), inv.irqs.end(), [](const auto& a, const auto& b) { return a.irq < b.irq; });
}

CpuSet planned_cpus(const Plan& p, int first_irq, int n) {
  CpuSet out;
  for (int i = first_irq; i < first_irq + n; ++i) {
    const auto* pl = p.irq(i);
    EXPECT_NE(pl, nullptr) << "IRQ " << i << " not planned";
    if (pl) {
      EXPECT_EQ(pl->cpus.count(), 1) << "IRQ " << i;
      out |= pl->cpus;
    }
  }
  return out;
}

Plan run(const topology::Machine& m, const Inventory& inv, const config::Config& cfg = {}) {
  return Spread().plan({m, inv, cfg});
}

// 2 x Xeon E5-2695 v4: 18 cores x 2 threads per socket, one NUMA node per socket.
topology::Machine pascal() {
  return topology::load_xml(testing::fixture("hwloc/2s-intel-xeon-e5-2695v4-36c72t-smt-llnl-pascal.xml"));
}

TEST(SpreadTest, OneQueuePerPhysicalCoreOnTheNicsNode) {
  auto m = pascal();
  Inventory inv;
  add_nic(inv, "eth0", 1, 8, 101);
  Plan p = run(m, inv);
  CpuSet cpus = planned_cpus(p, 101, 8);
  EXPECT_EQ(cpus.count(), 8);                    // eight different CPUs
  EXPECT_TRUE(cpus.is_subset_of(m.node_cpus(1)));  // all on node 1
  std::set<int> cores;
  for (int c : cpus.to_vector()) {
    cores.insert(m.pu(c)->core);
    EXPECT_EQ(m.pu(c)->smt_rank, 0) << "CPU " << c << " is an SMT sibling";
  }
  EXPECT_EQ(cores.size(), 8u);
  EXPECT_EQ(p.irq(100), nullptr);  // the misc vector is never placed
  EXPECT_NE(p.irq(101)->reason.str().find("node 1"), std::string::npos) << p.irq(101)->reason;
}

TEST(SpreadTest, TwoNicsOnTwoNodesStayLocal) {
  auto m = pascal();
  Inventory inv;
  add_nic(inv, "eth0", 0, 16, 101);
  add_nic(inv, "eth1", 1, 16, 201);
  Plan p = run(m, inv);
  CpuSet a = planned_cpus(p, 101, 16), b = planned_cpus(p, 201, 16);
  EXPECT_EQ(a.count(), 16);
  EXPECT_EQ(b.count(), 16);
  EXPECT_TRUE(a.is_subset_of(m.node_cpus(0)));
  EXPECT_TRUE(b.is_subset_of(m.node_cpus(1)));
}

TEST(SpreadTest, TwoNicsOnOneNodeDoNotStack) {
  auto m = pascal();
  Inventory inv;
  add_nic(inv, "eth0", 0, 8, 101);
  add_nic(inv, "eth1", 0, 8, 201);
  Plan p = run(m, inv);
  CpuSet a = planned_cpus(p, 101, 8), b = planned_cpus(p, 201, 8);
  EXPECT_FALSE(a.intersects(b)) << a.to_list() << " vs " << b.to_list();
  std::set<int> cores;
  for (int c : (a | b).to_vector()) cores.insert(m.pu(c)->core);
  EXPECT_EQ(cores.size(), 16u);  // 16 of node 0's 18 physical cores, no sibling yet
}

TEST(SpreadTest, MoreQueuesThanCoresUsesSiblingsThenWraps) {
  auto m = pascal();  // node 0: 18 cores, 36 threads
  Inventory inv;
  add_nic(inv, "eth0", 0, 40, 101);
  Plan p = run(m, inv);
  std::map<int, int> per_cpu;
  for (int i = 101; i < 141; ++i) ++per_cpu[p.irq(i)->cpus.first()];
  EXPECT_EQ(per_cpu.size(), 36u);  // every thread of node 0 used
  for (const auto& [cpu, n] : per_cpu) {
    EXPECT_TRUE(m.node_cpus(0).test(cpu));
    EXPECT_LE(n, 2);
  }
  // The first 18 queues are one per physical core.
  std::set<int> cores;
  for (int i = 101; i < 119; ++i) cores.insert(m.pu(p.irq(i)->cpus.first())->core);
  EXPECT_EQ(cores.size(), 18u);
  EXPECT_NE(p.irq(101 + 20)->reason.str().find("SMT sibling"), std::string::npos);
}

TEST(SpreadTest, NumaLessNicSpreadsOverAllNodes) {
  auto m = pascal();
  Inventory inv;
  add_nic(inv, "eth0", -1, 4, 101);
  Plan p = run(m, inv);
  CpuSet cpus = planned_cpus(p, 101, 4);
  EXPECT_EQ((cpus & m.node_cpus(0)).count(), 2);
  EXPECT_EQ((cpus & m.node_cpus(1)).count(), 2);
  EXPECT_NE(p.irq(101)->reason.str().find("no NUMA information"), std::string::npos);
}

TEST(SpreadTest, CpuLessNodeFallsBackToAllNodes) {
  // KNL in SNC4/flat mode: NUMA nodes 4-7 are MCDRAM without CPUs.
  auto m = topology::load_xml(testing::fixture("hwloc/1s-intel-knl-7250-68c272t-snc4-flat-cpuless-mcdram-numa.hwloc-v1.xml"));
  const auto* node = m.node(m.nodes.back().os_index);
  ASSERT_TRUE(node->cpus.empty());
  Inventory inv;
  add_nic(inv, "eth0", node->os_index, 4, 101);
  Plan p = run(m, inv);
  CpuSet cpus = planned_cpus(p, 101, 4);
  EXPECT_EQ(cpus.count(), 4);
  EXPECT_NE(p.irq(101)->reason.str().find("has no CPUs"), std::string::npos) << p.irq(101)->reason;
}

TEST(SpreadTest, IsolatedAndBannedCpusAreNeverUsed) {
  auto m = topology::load_synthetic("pack:2 numa:1 l3:1 core:4 pu:2");
  m.isolated = CpuSet::parse_list("0-5");
  config::Config cfg;
  cfg.banned_cpus = CpuSet::parse_list("6");
  Inventory inv;
  add_nic(inv, "eth0", 0, 6, 101);
  Plan p = run(m, inv, cfg);
  CpuSet cpus = planned_cpus(p, 101, 6);
  EXPECT_FALSE(cpus.intersects(CpuSet::parse_list("0-6"))) << cpus.to_list();
  EXPECT_TRUE(cpus.is_subset_of(m.node_cpus(0)));
  // Ignoring isolcpus (operator's choice) makes them usable again; banned stays banned.
  cfg.honour_isolcpus = false;
  CpuSet relaxed = planned_cpus(run(m, inv, cfg), 101, 6);
  EXPECT_FALSE(relaxed.test(6));
  EXPECT_TRUE(relaxed.intersects(CpuSet::parse_list("0-5")));
}

TEST(SpreadTest, NoUsableCpuLeavesTheNicAloneWithANote) {
  auto m = topology::load_synthetic("pack:1 core:2 pu:1");
  config::Config cfg;
  cfg.banned_cpus = CpuSet::parse_list("0-1");
  Inventory inv;
  add_nic(inv, "eth0", -1, 2, 101);
  Plan p = run(m, inv, cfg);
  EXPECT_TRUE(p.irqs.empty());
  ASSERT_EQ(p.notes.size(), 1u);
  EXPECT_NE(p.notes[0].find("eth0"), std::string::npos);
}

TEST(SpreadTest, SmtOffMachine) {
  auto m = topology::load_synthetic("pack:2 numa:1 l3:1 core:8 pu:1");
  Inventory inv;
  add_nic(inv, "eth0", 1, 8, 101);
  CpuSet cpus = planned_cpus(run(m, inv), 101, 8);
  EXPECT_EQ(cpus, m.node_cpus(1));
}

TEST(SpreadTest, SplitRxTxVectorsOfAQueueShareACpu) {
  auto m = pascal();
  Inventory inv;
  add_nic(inv, "eth0", 0, 4, 101, QueueRole::kRx);
  // TX vectors of the same queues.
  for (int q = 0; q < 4; ++q) {
    sysfs::IrqInfo irq;
    irq.irq = 201 + q;
    irq.cls = IrqClass::kQueue;
    irq.device = "eth0";
    irq.queue = q;
    irq.role = QueueRole::kTx;
    inv.irqs.push_back(irq);
  }
  Plan p = run(m, inv);
  for (int q = 0; q < 4; ++q) EXPECT_EQ(p.irq(101 + q)->cpus, p.irq(201 + q)->cpus) << q;
  EXPECT_EQ(planned_cpus(p, 101, 4).count(), 4);
}

TEST(SpreadTest, UnreadableIrqIsNotPlaced) {
  auto m = pascal();
  Inventory inv;
  add_nic(inv, "eth0", 0, 2, 101);
  inv.irqs[2].error = "cannot read /proc/irq/102/smp_affinity_list";
  Plan p = run(m, inv);
  EXPECT_NE(p.irq(101), nullptr);
  EXPECT_EQ(p.irq(102), nullptr);
}

TEST(SpreadTest, SamePlanForSameInput) {
  auto m = pascal();
  Inventory inv;
  add_nic(inv, "eth1", 0, 6, 201);
  add_nic(inv, "eth0", 1, 6, 101);
  Plan a = run(m, inv), b = run(m, inv);
  ASSERT_EQ(a.irqs.size(), b.irqs.size());
  for (std::size_t i = 0; i < a.irqs.size(); ++i) EXPECT_EQ(a.irqs[i].cpus, b.irqs[i].cpus);
}

}  // namespace
}  // namespace irqd::policies
