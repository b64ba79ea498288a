// RPS and RFS planners and the per-device steering settings, on real and synthetic topologies.
#include "tests/unit/steering_support.hpp"

namespace irqd::policies {
namespace {

using namespace steering_test;  // NOLINT: test builders

// ---------------------------------------------------------------------------------------------
// RPS (+ the RFS values that follow from it)
// ---------------------------------------------------------------------------------------------

TEST(RpsTest, SingleQueueNicSpreadsOverTheL3OfItsIrqCpuButNotTheIrqCpu) {
  auto m = pascal();
  Inventory inv;
  add_nic(inv, {.name = "eth0", .node = 1, .rx = 1, .tx = 1, .xps_files = false, .xps_rxqs_files = false});
  Plan p = build(m, inv);
  const int cpu = irq_cpu(p, 100);
  ASSERT_TRUE(m.node_cpus(1).test(cpu)) << cpu;
  ASSERT_EQ(m.l3_cpus(cpu), m.node_cpus(1));  // one L3 per package on this machine

  const auto* q = p.queue("eth0", true, 0);
  ASSERT_NE(q, nullptr);
  ASSERT_TRUE(q->rps_cpus.has_value());
  CpuSet expected = m.node_cpus(1);
  expected.reset(cpu);
  EXPECT_EQ(*q->rps_cpus, expected) << q->rps_cpus->to_list();
  EXPECT_EQ(q->rps_cpus->count(), 35);
  EXPECT_FALSE(q->rps_cpus->test(cpu));
  EXPECT_TRUE(contains(q->reason, "L3 of IRQ CPU " + std::to_string(cpu))) << q->reason;
  EXPECT_TRUE(contains(q->reason, "1 RX queues < 18 usable cores")) << q->reason;

  ASSERT_TRUE(q->rps_flow_cnt.has_value());
  EXPECT_EQ(*q->rps_flow_cnt, 32768);
  ASSERT_TRUE(p.rps_sock_flow_entries.has_value());
  EXPECT_EQ(*p.rps_sock_flow_entries, 32768);
  // A single-queue device has no xps_cpus: nothing planned for its TX queue.
  EXPECT_EQ(p.queue("eth0", false, 0), nullptr);
}

TEST(RpsTest, WithoutAnL3TheIrqCpusNodeIsUsed) {
  auto m = topology::load_synthetic("pack:2 numa:1 core:4 pu:2");  // no caches in the model
  ASSERT_TRUE(m.l3s.empty());
  Inventory inv;
  add_nic(inv, {.node = 0, .rx = 1, .tx = 1});
  Plan p = build(m, inv);
  const int cpu = irq_cpu(p, 100);
  const auto* q = p.queue("eth0", true, 0);
  ASSERT_NE(q, nullptr);
  ASSERT_TRUE(q->rps_cpus.has_value());
  EXPECT_EQ(*q->rps_cpus, m.node_cpus(0) - CpuSet::of({cpu}));
  EXPECT_TRUE(contains(q->reason, "NUMA node of IRQ CPU " + std::to_string(cpu))) << q->reason;
}

TEST(RpsTest, EightQueuesWithoutNumaInfoUseTheL3OfEachIrqCpu) {
  auto m = pascal();  // 36 cores in all
  Inventory inv;
  add_nic(inv, {.node = -1, .rx = 8, .tx = 8});
  Plan p = build(m, inv);
  std::set<int> nodes;
  for (int i = 0; i < 8; ++i) {
    const int cpu = irq_cpu(p, 100 + i);
    nodes.insert(m.node_of(cpu));
    const auto* q = p.queue("eth0", true, i);
    ASSERT_NE(q, nullptr) << i;
    ASSERT_TRUE(q->rps_cpus.has_value()) << i;
    EXPECT_EQ(*q->rps_cpus, m.l3_cpus(cpu) - CpuSet::of({cpu})) << "queue " << i << ": " << q->rps_cpus->to_list();
    EXPECT_EQ(q->rps_cpus->count(), 35) << i;
    EXPECT_TRUE(contains(q->reason, "8 RX queues < 36 usable cores")) << q->reason;
    ASSERT_TRUE(q->rps_flow_cnt.has_value()) << i;
    EXPECT_EQ(*q->rps_flow_cnt, 4096) << i;
  }
  EXPECT_EQ(nodes.size(), 2u);  // spread interleaves a NUMA-less NIC over both nodes
  ASSERT_TRUE(p.rps_sock_flow_entries.has_value());
  EXPECT_EQ(*p.rps_sock_flow_entries, 32768);
}

TEST(RpsTest, EightQueuesOnNode0UseTheL3OfEachIrqCpuWithinTheNode) {
  auto m = pascal();  // node 0: 18 cores
  Inventory inv;
  add_nic(inv, {.node = 0, .rx = 8, .tx = 8});
  Plan p = build(m, inv);
  for (int i = 0; i < 8; ++i) {
    const int cpu = irq_cpu(p, 100 + i);
    const auto* q = p.queue("eth0", true, i);
    ASSERT_NE(q, nullptr) << i;
    ASSERT_TRUE(q->rps_cpus.has_value()) << i;
    EXPECT_EQ(*q->rps_cpus, (m.l3_cpus(cpu) & m.node_cpus(0)) - CpuSet::of({cpu})) << i;
    EXPECT_TRUE(q->rps_cpus->is_subset_of(m.node_cpus(0))) << i;
    EXPECT_FALSE(q->rps_cpus->test(cpu)) << i;
    EXPECT_TRUE(contains(q->reason, "8 RX queues < 18 usable cores")) << q->reason;
    EXPECT_EQ(q->rps_flow_cnt, std::optional<long>(4096)) << i;
  }
  EXPECT_EQ(p.rps_sock_flow_entries, std::optional<long>(32768));
}

TEST(RpsTest, AsManyQueuesAsCoresTurnsRpsOffAndRfsStaysUnplanned) {
  auto m = pascal();
  Inventory inv;
  add_nic(inv, {.node = 0, .rx = 18, .tx = 18});
  Plan p = build(m, inv);
  for (int i = 0; i < 18; ++i) {
    const auto* q = p.queue("eth0", true, i);
    ASSERT_NE(q, nullptr) << i;
    ASSERT_TRUE(q->rps_cpus.has_value()) << i;
    EXPECT_TRUE(q->rps_cpus->empty()) << i << ": " << q->rps_cpus->to_list();
    EXPECT_TRUE(contains(q->reason, "RPS off")) << q->reason;
    EXPECT_TRUE(contains(q->reason, "18 RX queues >= 18 usable cores")) << q->reason;
    EXPECT_FALSE(q->rps_flow_cnt.has_value()) << i;  // RFS auto: not in use without RPS
  }
  EXPECT_FALSE(p.rps_sock_flow_entries.has_value());
}

TEST(RpsTest, MoreQueuesThanCoresOnANumaLessNicAlsoTurnsRpsOff) {
  auto m = pascal();
  Inventory inv;
  add_nic(inv, {.node = -1, .rx = 36, .tx = 36});
  Plan p = build(m, inv);
  for (int i = 0; i < 36; ++i) {
    const auto* q = p.queue("eth0", true, i);
    ASSERT_NE(q, nullptr) << i;
    EXPECT_EQ(q->rps_cpus, std::optional<CpuSet>(CpuSet{})) << i;
    EXPECT_FALSE(q->rps_flow_cnt.has_value()) << i;
  }
  EXPECT_FALSE(p.rps_sock_flow_entries.has_value());
}

// ---------------------------------------------------------------------------------------------
// Per-device settings
// ---------------------------------------------------------------------------------------------

TEST(SteeringSettingsTest, RpsOffGivesEmptyMasksAndNoRfs) {
  auto m = pascal();
  Inventory inv;
  add_nic(inv, {.name = "eth0", .node = 0, .rx = 4, .tx = 4});
  add_nic(inv, {.name = "eth1", .node = 1, .rx = 4, .tx = 4, .first_irq = 200});
  config::Config cfg;
  cfg.devices["eth0"].rps = config::RpsMode::kOff;
  Plan p = build(m, inv, cfg);
  for (int i = 0; i < 4; ++i) {
    const auto* q = p.queue("eth0", true, i);
    ASSERT_NE(q, nullptr);
    EXPECT_EQ(q->rps_cpus, std::optional<CpuSet>(CpuSet{})) << i;
    EXPECT_EQ(q->reason, "rps = off");
    EXPECT_FALSE(q->rps_flow_cnt.has_value()) << i;
    // eth1 keeps the defaults: RPS and RFS on.
    const auto* other = p.queue("eth1", true, i);
    ASSERT_NE(other, nullptr);
    ASSERT_TRUE(other->rps_cpus.has_value());
    EXPECT_FALSE(other->rps_cpus->empty());
    EXPECT_EQ(other->rps_flow_cnt, std::optional<long>(8192));
  }
  EXPECT_EQ(p.rps_sock_flow_entries, std::optional<long>(32768));  // for eth1
}

TEST(SteeringSettingsTest, RpsCpulistIsUsedWithinUsableCpus) {
  auto m = pascal();
  Inventory inv;
  add_nic(inv, {.node = 0, .rx = 4, .tx = 4});
  config::Config cfg;
  cfg.devices["eth0"].rps = config::RpsMode::kList;
  cfg.devices["eth0"].rps_cpus = CpuSet::parse_list("2-5");
  cfg.banned_cpus = CpuSet::of({3});
  cfg.rps_sock_flow_entries = 65536;
  Plan p = build(m, inv, cfg);
  for (int i = 0; i < 4; ++i) {
    const auto* q = p.queue("eth0", true, i);
    ASSERT_NE(q, nullptr);
    EXPECT_EQ(q->rps_cpus, std::optional<CpuSet>(CpuSet::parse_list("2,4-5"))) << i;
    EXPECT_TRUE(contains(q->reason, "2-5")) << q->reason;
    EXPECT_TRUE(contains(q->reason, "configured")) << q->reason;
    EXPECT_EQ(q->rps_flow_cnt, std::optional<long>(16384)) << i;  // RFS follows a cpulist RPS
  }
  EXPECT_EQ(p.rps_sock_flow_entries, std::optional<long>(65536));
}

TEST(SteeringSettingsTest, RfsOffSetsFlowCountZero) {
  auto m = pascal();
  Inventory inv;
  add_nic(inv, {.node = 0, .rx = 4, .tx = 4});
  config::Config cfg;
  cfg.devices["eth0"].rfs = config::RfsMode::kOff;
  Plan p = build(m, inv, cfg);
  for (int i = 0; i < 4; ++i) {
    const auto* q = p.queue("eth0", true, i);
    ASSERT_NE(q, nullptr);
    ASSERT_TRUE(q->rps_cpus.has_value());
    EXPECT_FALSE(q->rps_cpus->empty()) << "RPS stays on";
    EXPECT_EQ(q->rps_flow_cnt, std::optional<long>(0)) << i;
  }
  EXPECT_FALSE(p.rps_sock_flow_entries.has_value());  // no device uses RFS
}

TEST(SteeringSettingsTest, RfsOffAlsoWhenRpsIsOff) {
  auto m = pascal();
  Inventory inv;
  add_nic(inv, {.node = 0, .rx = 18, .tx = 18});  // RPS off by auto
  config::Config cfg;
  cfg.device_defaults.rfs = config::RfsMode::kOff;
  Plan p = build(m, inv, cfg);
  for (int i = 0; i < 18; ++i) EXPECT_EQ(p.queue("eth0", true, i)->rps_flow_cnt, std::optional<long>(0)) << i;
}

TEST(SteeringSettingsTest, XpsOffEmptiesXpsCpusAndXpsRxqsWhereTheFileExists) {
  auto m = pascal();
  Inventory inv;
  add_nic(inv, {.name = "eth0", .node = 0, .rx = 4, .tx = 4});
  add_nic(inv, {.name = "eth1", .node = 0, .rx = 4, .tx = 4, .first_irq = 200, .xps_rxqs_files = false});
  config::Config cfg;
  cfg.device_defaults.xps = config::XpsMode::kOff;
  Plan p = build(m, inv, cfg);
  for (int i = 0; i < 4; ++i) {
    const auto* q = p.queue("eth0", false, i);
    ASSERT_NE(q, nullptr);
    EXPECT_EQ(q->xps_cpus, std::optional<CpuSet>(CpuSet{})) << i;
    EXPECT_EQ(q->xps_rxqs, std::optional<CpuSet>(CpuSet{})) << i;
    EXPECT_EQ(q->reason, "xps = off");
    const auto* r = p.queue("eth1", false, i);
    ASSERT_NE(r, nullptr);
    EXPECT_EQ(r->xps_cpus, std::optional<CpuSet>(CpuSet{})) << i;
    EXPECT_FALSE(r->xps_rxqs.has_value()) << "eth1 has no xps_rxqs file";
  }
}

TEST(SteeringSettingsTest, XpsRxqsMapsTxIToRxIAndClearsXpsCpus) {
  auto m = pascal();
  Inventory inv;
  add_nic(inv, {.node = 0, .rx = 4, .tx = 4});
  config::Config cfg;
  cfg.devices["eth0"].xps = config::XpsMode::kRxqs;
  Plan p = build(m, inv, cfg);
  for (int i = 0; i < 4; ++i) {
    const auto* q = p.queue("eth0", false, i);
    ASSERT_NE(q, nullptr);
    EXPECT_EQ(q->xps_rxqs, std::optional<CpuSet>(CpuSet::of({i}))) << "bit " << i << " (RX queue number)";
    EXPECT_EQ(q->xps_cpus, std::optional<CpuSet>(CpuSet{})) << i;
    EXPECT_TRUE(contains(q->reason, "xps = rxqs")) << q->reason;
    EXPECT_TRUE(contains(q->reason, "RX queue " + std::to_string(i))) << q->reason;
  }
}

TEST(SteeringSettingsTest, XpsRxqsWithoutAnRxPartnerOrFileLeavesXpsRxqsUnplanned) {
  auto m = pascal();
  Inventory inv;
  add_nic(inv, {.name = "eth0", .node = 0, .rx = 2, .tx = 4});
  add_nic(inv, {.name = "eth1", .node = 0, .rx = 2, .tx = 2, .first_irq = 200, .xps_rxqs_files = false});
  config::Config cfg;
  cfg.device_defaults.xps = config::XpsMode::kRxqs;
  Plan p = build(m, inv, cfg);
  for (int i = 0; i < 2; ++i)
    EXPECT_EQ(p.queue("eth0", false, i)->xps_rxqs, std::optional<CpuSet>(CpuSet::of({i})));
  for (int i = 2; i < 4; ++i) {
    const auto* q = p.queue("eth0", false, i);
    ASSERT_NE(q, nullptr);
    EXPECT_FALSE(q->xps_rxqs.has_value()) << i;
    EXPECT_FALSE(q->xps_cpus.has_value()) << i;
    EXPECT_TRUE(contains(q->reason, "no RX queue of the same index")) << q->reason;
  }
  for (int i = 0; i < 2; ++i) {
    const auto* q = p.queue("eth1", false, i);
    ASSERT_NE(q, nullptr);
    EXPECT_FALSE(q->xps_rxqs.has_value()) << i;
    EXPECT_FALSE(q->xps_cpus.has_value()) << i;
    EXPECT_TRUE(contains(q->reason, "no xps_rxqs")) << q->reason;
  }
}

}  // namespace
}  // namespace irqd::policies
