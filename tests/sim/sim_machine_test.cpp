// The simulator itself: its files parse with irqd's own parsers, interrupts land on the CPU the
// vector allocator picks for what was written, /proc/stat time matches the cost per interrupt,
// refused writes leave the old mask, and the load model is deterministic and shaped as asked.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <numeric>

#include "sysfs/proc_interrupts.hpp"
#include "sysfs/proc_softirqs.hpp"
#include "sysfs/proc_stat.hpp"
#include "sysfs/softnet_stat.hpp"
#include "sysfs/sys_root.hpp"
#include "tests/sim/load_model.hpp"
#include "tests/sim/sim_machine.hpp"
#include "tests/support/fixtures.hpp"

namespace irqd::sim {
namespace {

// The simulated kernel's files, read as irqd reads them.
std::string slurp(const SimMachine& m, const std::string& rel) { return sysfs::SysRoot(m.root()).read(rel); }

// 16 CPUs on 2 nodes; eth0 (node 0) and eth1 (node 1), 4 queues each, IRQs 64-71.
SimMachine small() {
  SimSpec s;
  s.topology_xml = testing::fixture("hwloc/2s-intel64-16c-sriov-many-vfs.xml");
  s.nics = {{"eth0", 0, 4}, {"eth1", 1, 4}};
  s.initial = CpuSet::of({0, 1});
  return SimMachine(s);
}

void write(const SimMachine& m, int irq, const std::string& leaf, const std::string& text) {
  std::ofstream(m.root() / fmt::format("proc/irq/{}/{}", irq, leaf)) << text;
}

std::string line(const SimMachine& m, int irq, const std::string& leaf) {
  std::string s = slurp(m, fmt::format("proc/irq/{}/{}", irq, leaf));
  return s.substr(0, s.find('\n'));
}

TEST(SimMachine, StartsWithTheVectorAllocatorsChoice) {
  auto m = small();
  ASSERT_EQ(m.queues().size(), 8u);
  EXPECT_EQ(m.queues().front().irq, 64);
  EXPECT_EQ(m.queues().back().nic, "eth1");
  // Mask 0-1 for every IRQ: the allocator alternates between the two CPUs.
  EXPECT_EQ(m.effective_cpu(64), 0);
  EXPECT_EQ(m.effective_cpu(65), 1);
  EXPECT_EQ(m.effective_cpu(66), 0);
  EXPECT_EQ(line(m, 64, "smp_affinity_list"), "0-1");
  EXPECT_EQ(line(m, 64, "smp_affinity"), "0003");
  EXPECT_EQ(line(m, 65, "effective_affinity_list"), "1");
  EXPECT_EQ(line(m, 64, "node"), "0");
  EXPECT_EQ(line(m, 68, "node"), "1");
  EXPECT_EQ(slurp(m, "sys/bus/pci/devices/0000:11:00.0/numa_node"), "1\n");
}

TEST(SimMachine, HonoursWritesLikeTheX86VectorAllocator) {
  auto m = small();
  write(m, 64, "smp_affinity_list", "5\n");
  write(m, 65, "smp_affinity_list", "1,7\n");  // CPU 1 is in the new mask: it stays
  write(m, 66, "smp_affinity", "0c00\n");       // the mask file, when the list is unchanged
  write(m, 67, "smp_affinity_list", "5-6\n");   // CPU 5 has a vector now: 6 has fewer
  auto r = m.step(1.0, std::vector<double>(8, 0.0));
  EXPECT_EQ(r.writes.affinity, 4);
  EXPECT_EQ(r.rejected_writes, 0);
  EXPECT_EQ(m.effective_cpu(64), 5);
  EXPECT_EQ(m.effective_cpu(65), 1);
  EXPECT_EQ(m.effective_cpu(66), 10);
  EXPECT_EQ(m.effective_cpu(67), 6);
  EXPECT_EQ(line(m, 66, "smp_affinity_list"), "10-11");
  EXPECT_EQ(line(m, 67, "effective_affinity_list"), "6");
  EXPECT_EQ(m.total_affinity_writes(), 4);
  EXPECT_EQ(m.step(1.0, std::vector<double>(8, 0.0)).writes.affinity, 0);
}

TEST(SimMachine, RefusesAMaskWithoutAnOnlineCpuAndKeepsTheOldOne) {
  auto m = small();
  write(m, 64, "smp_affinity_list", "40-41\n");
  write(m, 65, "smp_affinity_list", "garbage\n");
  auto r = m.step(1.0, std::vector<double>(8, 0.0));
  EXPECT_EQ(r.rejected_writes, 2);
  EXPECT_EQ(line(m, 64, "smp_affinity_list"), "0-1");
  EXPECT_EQ(line(m, 65, "smp_affinity_list"), "0-1");
  EXPECT_EQ(m.effective_cpu(64), 0);
}

TEST(SimMachine, CountsAndTimesFollowTheLoadAndParseWithIrqdsParsers) {
  auto m = small();
  std::vector<double> load(8, 0.0);
  load[0] = 0.5;  // IRQ 64 on CPU 0: 0.5 CPU s/s at 10 us = 50000 interrupts/s
  load[1] = 0.1;  // IRQ 65 on CPU 1
  auto r = m.step(10.0, load);
  EXPECT_DOUBLE_EQ(r.cpu_load[0], 0.5);
  EXPECT_NEAR(r.cpu_load[1], 0.1, 1e-9);

  auto irqs = sysfs::parse_interrupts(slurp(m, "proc/interrupts"), "proc/interrupts");
  ASSERT_EQ(irqs.cpus.size(), 16u);
  const auto row = static_cast<std::size_t>(std::find_if(irqs.rows.begin(), irqs.rows.end(),
                                                         [](const auto& x) { return x.irq == 64; }) -
                                            irqs.rows.begin());
  ASSERT_LT(row, irqs.rows.size());
  EXPECT_EQ(irqs.rows[row].name, "eth0-TxRx-0");
  EXPECT_EQ(irqs.rows[row].chip_pci, "0000:10:00.0");
  EXPECT_EQ(irqs.count(row, 0), 500000u);
  EXPECT_EQ(irqs.count(row, 1), 0u);

  sysfs::ProcStat stat;
  sysfs::parse_proc_stat(slurp(m, "proc/stat"), "proc/stat", stat);
  const long hz = ::sysconf(_SC_CLK_TCK);
  const auto* c0 = stat.find(0);
  ASSERT_NE(c0, nullptr);
  EXPECT_NEAR(static_cast<double>(c0->irq + c0->softirq), 5.0 * static_cast<double>(hz), 2.0);
  EXPECT_NEAR(static_cast<double>(c0->irq), 1.0 * static_cast<double>(hz), 1.0);  // hard share 20%

  sysfs::Softirqs soft;
  sysfs::parse_softirqs(slurp(m, "proc/softirqs"), "proc/softirqs", soft);
  EXPECT_EQ(soft.net_rx(0), 500000u);
  EXPECT_EQ(soft.net_rx(1), 100000u);
  EXPECT_EQ(soft.net_rx(2), 0u);
}

TEST(SimMachine, RpsRunsTheStacksShareOnTheRpsCpusAndCountsPacketsThere) {
  auto m = small();
  // eth0 rx-0 (IRQ 64, on CPU 0) steers to CPUs 4-7; rx-1 (IRQ 65, CPU 1) has no RPS.
  const std::string dir = "sys/class/net/eth0/queues/";
  std::ofstream(m.root() / (dir + "rx-0/rps_cpus")) << "00f0\n";
  std::vector<double> costs(8, 0.0);
  costs[0] = 0.4;
  costs[1] = 0.2;
  const auto r = m.step(1.0, costs);
  EXPECT_EQ(r.writes.rps_cpus, 1);
  ASSERT_EQ(m.rps_targets(0).size(), 4u);
  EXPECT_TRUE(m.rps_targets(1).empty());
  double shares = 0.0, least = 1.0, most = 0.0;
  for (const auto& [cpu, share] : m.rps_targets(0)) {
    EXPECT_GE(cpu, 4);
    EXPECT_LE(cpu, 7);
    shares += share;
    least = std::min(least, share);
    most = std::max(most, share);
  }
  EXPECT_NEAR(shares, 1.0, 1e-12);
  EXPECT_GT(most, least);  // flows hash unevenly
  // Half of rx-0's work on its IRQ's CPU, half over 4-7; rx-1's whole on CPU 1.
  EXPECT_NEAR(r.cpu_load[0], 0.2, 1e-9);
  EXPECT_NEAR(r.cpu_load[1], 0.2, 1e-9);
  EXPECT_NEAR(r.cpu_load[4] + r.cpu_load[5] + r.cpu_load[6] + r.cpu_load[7], 0.2, 1e-9);
  EXPECT_NEAR(r.cpu_load[4], 0.2 * m.rps_targets(0)[0].second, 1e-9);

  sysfs::SoftnetStat net;
  std::vector<int> online(16);
  std::iota(online.begin(), online.end(), 0);
  sysfs::parse_softnet_stat(slurp(m, "proc/net/softnet_stat"), "proc/net/softnet_stat", online, net);
  ASSERT_EQ(net.rows.size(), 16u);
  EXPECT_EQ(net.find(0)->processed, 0u);  // rx-0's packets went to its RPS CPUs
  EXPECT_EQ(net.find(1)->processed, m.packets(1));
  std::uint64_t steered = 0;
  for (int c = 4; c <= 7; ++c) steered += net.find(c)->processed;
  EXPECT_NEAR(static_cast<double>(steered), static_cast<double>(m.packets(0)), 4.0);
  sysfs::ProcStat stat;
  sysfs::parse_proc_stat(slurp(m, "proc/stat"), "proc/stat", stat);
  EXPECT_EQ(stat.find(5)->irq, 0u);  // RPS work is softirq time
  EXPECT_GT(stat.find(5)->softirq, 0u);
}

TEST(SimMachine, RejectsBadSteps) {
  auto m = small();
  EXPECT_THROW(m.step(1.0, {1.0}), std::invalid_argument);
  EXPECT_THROW(m.step(0.0, std::vector<double>(8, 0.0)), std::invalid_argument);
  EXPECT_THROW(m.step(1.0, std::vector<double>(8, -1.0)), std::invalid_argument);
}

TEST(LoadModel, ShapesSumToTheTotalAndAreDeterministic) {
  for (auto shape : {LoadShape::kUniform, LoadShape::kZipf, LoadShape::kHotSet}) {
    LoadModel a({.shape = shape, .total = 3.0, .seed = 5}, 32);
    LoadModel b({.shape = shape, .total = 3.0, .seed = 5}, 32);
    const auto& c = a.mean_costs();
    EXPECT_NEAR(std::accumulate(c.begin(), c.end(), 0.0), 3.0, 1e-9);
    EXPECT_EQ(c, b.mean_costs());
    EXPECT_EQ(a.costs(4), b.costs(4));
  }
  LoadModel z({.shape = LoadShape::kZipf, .total = 1.0, .zipf_s = 1.0}, 10);
  auto sorted = z.mean_costs();
  std::sort(sorted.rbegin(), sorted.rend());
  EXPECT_NEAR(sorted[0] / sorted[1], 2.0, 1e-9);  // 1/1 : 1/2
  EXPECT_NEAR(sorted[0] / sorted[9], 10.0, 1e-9);
}

TEST(LoadModel, JitterStaysInItsBand) {
  LoadModel j({.total = 8.0, .jitter = 0.05}, 8);
  for (std::uint64_t step = 0; step < 20; ++step)
    for (double v : j.costs(step)) {
      EXPECT_GE(v, 0.95 - 1e-12);
      EXPECT_LE(v, 1.05 + 1e-12);
    }
  EXPECT_NE(j.costs(1), j.costs(2));
}

TEST(LoadModel, HotSetMovesToOtherQueues) {
  LoadModel h({.shape = LoadShape::kHotSet, .total = 1.0, .hot_count = 4, .hot_factor = 8}, 16);
  const auto before = h.hot_set();
  ASSERT_EQ(before.size(), 4u);
  EXPECT_NEAR(h.mean_costs()[static_cast<std::size_t>(before[0])], 8.0 / (4 * 8 + 12), 1e-12);
  h.move_hot_set();
  const auto& after = h.hot_set();
  ASSERT_EQ(after.size(), 4u);
  for (int q : after) EXPECT_EQ(std::count(before.begin(), before.end(), q), 0) << q;
  EXPECT_NEAR(h.mean_costs()[static_cast<std::size_t>(after[0])], 8.0 / 44, 1e-12);
}

TEST(LoadModel, RejectsBadSpecs) {
  EXPECT_THROW(LoadModel({}, 0), std::invalid_argument);
  EXPECT_THROW(LoadModel({.total = -1}, 4), std::invalid_argument);
  EXPECT_THROW(LoadModel({.jitter = 1.5}, 4), std::invalid_argument);
}

}  // namespace
}  // namespace irqd::sim
