// The simulator's hostile behaviours: affinity writes applied late (counts split at the moment,
// effective_affinity stale until then), effective_affinity frozen at boot, NAPI batching (fewer
// interrupts, the same CPU time), the periodic load's exact integral, knob writes counted per
// kind in the kernel's format, the 1152-CPU machine, and NVMe IRQs that discovery leaves alone.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <fstream>

#include "irqd/engine/discover.hpp"
#include "sysfs/proc_interrupts.hpp"
#include "sysfs/proc_stat.hpp"
#include "sysfs/sys_root.hpp"
#include "tests/sim/load_model.hpp"
#include "tests/sim/sim_machine.hpp"
#include "tests/sim/synthetic_topology.hpp"
#include "tests/support/fixtures.hpp"
#include "topology/hwloc_loader.hpp"

namespace irqd::sim {
namespace {

std::string slurp(const SimMachine& m, const std::string& rel) { return sysfs::SysRoot(m.root()).read(rel); }
std::string line(const SimMachine& m, const std::string& rel) {
  std::string s = slurp(m, rel);
  return s.substr(0, s.find('\n'));
}
void put(const SimMachine& m, const std::string& rel, const std::string& text) { std::ofstream(m.root() / rel) << text; }

// 16 CPUs on 2 nodes; eth0 (node 0) and eth1 (node 1), 4 queues each, IRQs 64-71, all on CPU 0.
SimSpec small_spec() {
  SimSpec s;
  s.topology_xml = testing::fixture("hwloc/2s-intel64-16c-sriov-many-vfs.xml");
  s.nics = {{"eth0", 0, 4}, {"eth1", 1, 4}};
  s.initial = CpuSet::of({0});
  return s;
}

std::uint64_t count(const SimMachine& m, int irq, int cpu) {
  auto t = sysfs::parse_interrupts(slurp(m, "proc/interrupts"), "proc/interrupts");
  for (std::size_t r = 0; r < t.rows.size(); ++r)
    if (t.rows[r].irq == irq) return t.count(r, static_cast<std::size_t>(cpu));
  return 0;
}

TEST(SimLag, SplitsTheIntervalAtTheMomentAndKeepsEffectiveStaleUntilThen) {
  auto s = small_spec();
  s.apply_lag = 2.0;
  s.seed = 3;
  SimMachine m(s);
  for (int irq = 64; irq < 72; ++irq) put(m, fmt::format("proc/irq/{}/smp_affinity_list", irq), fmt::format("{}\n", irq - 60));
  const auto r = m.step(1.0, std::vector<double>(8, 0.5));  // 50000 interrupts/s each at 10 us
  EXPECT_EQ(r.writes.affinity, 8);
  int split = 0, carried = 0;
  for (std::size_t q = 0; q < 8; ++q) {
    const int irq = 64 + static_cast<int>(q), want = irq - 60;
    const std::string dir = fmt::format("proc/irq/{}/", irq);
    EXPECT_EQ(line(m, dir + "smp_affinity_list"), std::to_string(want));  // the kernel took the mask
    const auto& runs = r.runs[q];
    ASSERT_FALSE(runs.empty());
    if (runs.size() == 2) {
      ++split;
      EXPECT_EQ(runs[0].cpu, 0);
      EXPECT_EQ(runs[1].cpu, want);
      EXPECT_DOUBLE_EQ(runs[0].t1, runs[1].t0);
      const double before = (runs[0].t1 - runs[0].t0) * 50000;
      EXPECT_NEAR(static_cast<double>(count(m, irq, 0)), before, 1.0) << irq;
      EXPECT_NEAR(static_cast<double>(count(m, irq, want)), 50000 - before, 1.0) << irq;
      EXPECT_EQ(line(m, dir + "effective_affinity_list"), std::to_string(want));
    } else {
      ++carried;  // the delay is longer than the step: still on CPU 0, and it says so
      EXPECT_EQ(runs[0].cpu, 0);
      EXPECT_EQ(count(m, irq, 0), 50000u);
      EXPECT_EQ(line(m, dir + "effective_affinity_list"), "0");
      EXPECT_EQ(m.effective_cpu(irq), 0);
    }
  }
  EXPECT_EQ(r.moves_applied, split);
  EXPECT_EQ(r.moves_pending, carried);
  EXPECT_GT(split, 0);
  EXPECT_GT(carried, 0);
  // No new write: the carried moves land during the next 1 s step or the one after.
  const auto r2 = m.step(1.0, std::vector<double>(8, 0.5));
  const auto r3 = m.step(1.0, std::vector<double>(8, 0.5));
  EXPECT_EQ(r2.writes.total() + r3.writes.total(), 0);
  EXPECT_EQ(r2.moves_applied + r3.moves_applied, carried);
  for (int irq = 64; irq < 72; ++irq) EXPECT_EQ(m.effective_cpu(irq), irq - 60);
}

TEST(SimLag, SameSeedSameDelays) {
  auto s = small_spec();
  s.apply_lag = 2.0;
  SimMachine a(s), b(s);
  for (auto* m : {&a, &b}) put(*m, "proc/irq/64/smp_affinity_list", "7\n");
  const auto ra = a.step(1.0, std::vector<double>(8, 0.1)), rb = b.step(1.0, std::vector<double>(8, 0.1));
  ASSERT_EQ(ra.runs[0].size(), rb.runs[0].size());
  EXPECT_EQ(ra.runs[0].front().t1, rb.runs[0].front().t1);
}

TEST(SimFrozen, EffectiveAffinityShowsTheBootCpuWhileInterruptsMove) {
  auto s = small_spec();
  s.effective_frozen = true;
  SimMachine m(s);
  put(m, "proc/irq/64/smp_affinity_list", "5\n");
  m.step(1.0, std::vector<double>(8, 0.5));
  EXPECT_EQ(m.effective_cpu(64), 5);
  EXPECT_EQ(count(m, 64, 5), 50000u);
  EXPECT_EQ(count(m, 64, 0), 0u);
  EXPECT_EQ(line(m, "proc/irq/64/smp_affinity_list"), "5");
  EXPECT_EQ(line(m, "proc/irq/64/effective_affinity_list"), "0");
  EXPECT_EQ(line(m, "proc/irq/64/effective_affinity"), "0001");
}

TEST(SimBatching, BusyQueuesFireFewerInterruptsForTheSameCpuTime) {
  auto s = small_spec();
  s.nics[0].napi_batching = true;  // eth0 batches, eth1 does not
  s.initial.reset();
  SimMachine m(s);
  std::vector<double> load(8, 0.0);
  load[0] = 0.3;  // eth0 rx-0: batch 61
  load[4] = 0.3;  // eth1 rx-0: one packet per interrupt
  m.step(10.0, load);
  const int c0 = m.effective_cpu(64), c4 = m.effective_cpu(68);
  ASSERT_NE(c0, c4);
  EXPECT_EQ(count(m, 68, c4), 300000u);
  EXPECT_NEAR(static_cast<double>(count(m, 64, c0)), 300000.0 / batch(0.3), 1.0);
  EXPECT_NEAR(batch(0.3), 61.0, 1e-9);
  EXPECT_EQ(batch(10.0), 64.0);
  sysfs::ProcStat stat;
  sysfs::parse_proc_stat(slurp(m, "proc/stat"), "proc/stat", stat);
  const double hz = static_cast<double>(::sysconf(_SC_CLK_TCK));
  for (int c : {c0, c4}) {
    const auto* cpu = stat.find(c);
    ASSERT_NE(cpu, nullptr);
    EXPECT_NEAR(static_cast<double>(cpu->irq + cpu->softirq), 3.0 * hz, 2.0) << "CPU " << c;
  }
}

TEST(SimNics, CostsOf1_2_8MicrosecondsGiveCountsInverseToTheCost) {
  auto s = small_spec();
  s.initial.reset();
  s.nics = {{"eth0", 0, 1, 1e-6}, {"eth1", 0, 1, 2e-6}, {"eth2", 1, 1, 8e-6}};
  SimMachine m(s);
  m.step(1.0, std::vector<double>(3, 0.4));
  EXPECT_EQ(count(m, 64, m.effective_cpu(64)), 400000u);
  EXPECT_EQ(count(m, 65, m.effective_cpu(65)), 200000u);
  EXPECT_EQ(count(m, 66, m.effective_cpu(66)), 50000u);
}

TEST(SimPeriod, TheStepIntegratesTheSwingExactly) {
  LoadModel l({.total = 8.0, .seed = 4, .period = 10.0, .amplitude = 0.3}, 8);
  for (std::size_t q = 0; q < 8; ++q) {
    // A whole period: the mean, whatever the phase.
    EXPECT_NEAR(l.mean_work(q, 3.7, 13.7), 10.0, 1e-9);
    // Any stretch: the analytic integral matches a fine Riemann sum.
    double sum = 0.0;
    const int n = 20000;
    for (int i = 0; i < n; ++i) {
      const double a = 2.0 + 11.0 * i / n, b = 2.0 + 11.0 * (i + 1) / n;
      sum += l.mean_work(q, a, b);
    }
    EXPECT_NEAR(sum, l.mean_work(q, 2.0, 13.0), 1e-9);
  }
  // 1.1 periods: beats, different from interval to interval and queue to queue.
  EXPECT_GT(std::abs(l.mean_work(0, 0, 11) - l.mean_work(0, 11, 22)), 1e-3);
  EXPECT_NE(l.mean_work(0, 0, 11), l.mean_work(1, 0, 11));
}

TEST(SimKnobs, CountsWritesPerKindAndShowsValuesAsTheKernelDoes) {
  SimMachine m(small_spec());
  const std::string q = "sys/class/net/eth0/queues/";
  EXPECT_EQ(line(m, q + "rx-0/rps_cpus"), "0000");
  EXPECT_EQ(line(m, q + "tx-0/xps_rxqs"), "0");
  put(m, q + "rx-0/rps_cpus", "6\n");
  put(m, q + "rx-1/rps_cpus", "f0\n");
  put(m, q + "rx-0/rps_flow_cnt", "100\n");
  put(m, q + "tx-0/xps_cpus", "zz\n");  // not a mask: refused
  put(m, q + "tx-1/xps_rxqs", "2\n");
  put(m, "proc/sys/net/core/rps_sock_flow_entries", "32768\n");
  put(m, "proc/irq/70/smp_affinity_list", "3\n");
  auto r = m.step(1.0, std::vector<double>(8, 0.0));
  EXPECT_EQ(r.writes.affinity, 1);
  EXPECT_EQ(r.writes.rps_cpus, 2);
  EXPECT_EQ(r.writes.rps_flow_cnt, 1);
  EXPECT_EQ(r.writes.xps_cpus, 1);
  EXPECT_EQ(r.writes.xps_rxqs, 1);
  EXPECT_EQ(r.writes.sysctl, 1);
  EXPECT_EQ(r.writes.total(), 7);
  EXPECT_EQ(r.rejected_writes, 1);
  EXPECT_EQ(line(m, q + "rx-0/rps_cpus"), "0006");
  EXPECT_EQ(line(m, q + "rx-0/rps_flow_cnt"), "128");  // a power of two
  EXPECT_EQ(line(m, q + "tx-0/xps_cpus"), "0000");
  EXPECT_EQ(line(m, q + "tx-1/xps_rxqs"), "2");
  // Nothing written: nothing counted. The same text written again: a write.
  EXPECT_EQ(m.step(1.0, std::vector<double>(8, 0.0)).writes.total(), 0);
  put(m, q + "rx-0/rps_cpus", "0006\n");
  EXPECT_EQ(m.step(1.0, std::vector<double>(8, 0.0)).writes.rps_cpus, 1);
  EXPECT_EQ(m.total_writes().total(), 8);
}

TEST(SimTopology, The1152CpuMachineHas16NodesOf72) {
  SimSpec s;
  s.topology_synthetic = k1152Cpus;
  s.nics = {{"eth0", 5, 4}};
  SimMachine m(s);
  EXPECT_EQ(m.machine().online.count(), 1152);
  int nodes = 0;
  for (const auto& n : m.machine().nodes)
    if (!n.cpus.empty()) {
      ++nodes;
      EXPECT_EQ(n.cpus.count(), 72);
    }
  EXPECT_EQ(nodes, 16);
  // The XML the daemon loads says the same.
  const auto loaded = topology::load_xml(m.spec_topology());
  EXPECT_EQ(loaded.online.count(), 1152);
  EXPECT_EQ(loaded.nodes.size(), 16u);
  EXPECT_EQ(loaded.node_cpus(5), m.machine().node_cpus(5));
}

TEST(SimOtherIrqs, NvmeQueuesAreNotNetworkAndCountLikeTheOthers) {
  auto s = small_spec();
  s.other_irqs = 6;
  s.other_load = 0.6;
  SimMachine m(s);
  ASSERT_EQ(m.other_irq_numbers().size(), 6u);
  const auto found = discover(sysfs::SysRoot(m.root()), {.use_netlink = false});
  int nvme = 0;
  for (const auto& irq : found.inventory.irqs) {
    if (irq.name.rfind("nvme0q", 0) != 0) continue;
    ++nvme;
    EXPECT_NE(irq.cls, sysfs::IrqClass::kQueue) << irq.name;
    EXPECT_NE(irq.cls, sysfs::IrqClass::kNetMisc) << irq.name;
    EXPECT_TRUE(irq.device.empty()) << irq.name;
  }
  EXPECT_EQ(nvme, 6);
  const auto r = m.step(10.0, std::vector<double>(8, 0.0));
  const int irq = m.other_irq_numbers()[0], cpu = m.other_irq_cpus()[0];
  EXPECT_EQ(count(m, irq, cpu), 100000u);  // 0.1 CPU s/s at 10 us
  EXPECT_GE(r.cpu_load[static_cast<std::size_t>(cpu)], 0.1 - 1e-9);
  // A write to one is refused (kernel-managed): counted, and the mask stays.
  put(m, fmt::format("proc/irq/{}/smp_affinity_list", irq), "9\n");
  const auto r2 = m.step(1.0, std::vector<double>(8, 0.0));
  EXPECT_EQ(r2.writes.affinity, 1);
  EXPECT_EQ(r2.rejected_writes, 1);
  EXPECT_EQ(line(m, fmt::format("proc/irq/{}/smp_affinity_list", irq)), std::to_string(cpu));
}

}  // namespace
}  // namespace irqd::sim
