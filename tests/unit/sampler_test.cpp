// Sampler: each CPU's IRQ time is charged to the IRQs that fired there, in proportion to their
// counts; counter wrap, new and vanished IRQs, EWMA.
#include "irqd/engine/sampler.hpp"

#include <gtest/gtest.h>

#include <fmt/format.h>

#include <array>

#include "sysfs/error.hpp"
#include "tests/support/fixtures.hpp"

namespace irqd {
namespace {

// /proc/interrupts with 2 CPUs; rows: {irq, count on CPU0, count on CPU1}.
sysfs::InterruptTable interrupts(const std::vector<std::array<std::uint64_t, 3>>& rows) {
  std::string t = "           CPU0       CPU1\n";
  for (const auto& r : rows)
    t += fmt::format("{:>3}: {:>10} {:>10}   PCI-MSI 1-edge      eth0-TxRx-{}\n", r[0], r[1], r[2], r[0]);
  t += "LOC:     999999     999999   Local timer interrupts\n";
  return sysfs::parse_interrupts(t, "interrupts");
}

// /proc/stat with irq and softirq ticks per CPU.
sysfs::ProcStat stat(std::uint64_t irq0, std::uint64_t soft0, std::uint64_t irq1, std::uint64_t soft1) {
  std::string t = fmt::format("cpu  1 0 1 100 0 {} {} 0 0 0\n", irq0 + irq1, soft0 + soft1);
  t += fmt::format("cpu0 1 0 1 100 0 {} {} 0 0 0\ncpu1 1 0 1 100 0 {} {} 0 0 0\nintr 0\n", irq0, soft0, irq1, soft1);
  sysfs::ProcStat s;
  sysfs::parse_proc_stat(t, "stat", s);
  return s;
}

TEST(SamplerTest, ChargesCpuTimeWhereInterruptsFired) {
  Sampler s(1.0, 100);
  EXPECT_FALSE(s.update(interrupts({{{40, 1000, 0}}, {{41, 0, 50}}}), stat(0, 0, 0, 0), 1.0));
  // 1 s later: CPU0 spent 10 ticks (0.1 s) in IRQs, 300 from IRQ 40 and 100 from IRQ 41 fired
  // there; CPU1 spent 20 ticks, all IRQ 41's.
  ASSERT_TRUE(s.update(interrupts({{{40, 1300, 0}}, {{41, 100, 150}}}), stat(4, 6, 5, 15), 1.0));
  const auto& l = s.load().irqs;
  EXPECT_NEAR(l.at(40).cost, 0.075, 1e-9);
  EXPECT_NEAR(l.at(41).cost, 0.025 + 0.2, 1e-9);
  EXPECT_NEAR(l.at(40).rate, 300.0, 1e-9);
  EXPECT_NEAR(l.at(41).rate, 200.0, 1e-9);
  EXPECT_NEAR(s.cpu_irq_time().at(0), 0.1, 1e-9);
  EXPECT_NEAR(s.cpu_irq_time().at(1), 0.2, 1e-9);
}

TEST(SamplerTest, LearnedCostPerInterruptSplitsASharedCpu) {
  // IRQ 40 costs 8 ms per 100 interrupts (80 us each), IRQ 41 10 us each. Measured alone on
  // their CPUs first, then both on CPU 0 with 100 interrupts each: 9 ms of CPU 0's time. A split
  // by counts would charge each half; the learned costs charge 8 and 1.
  Sampler s(1.0, 100);
  s.update(interrupts({{{40, 0, 0}}, {{41, 0, 0}}}), stat(0, 0, 0, 0), 1.0);
  ASSERT_TRUE(s.update(interrupts({{{40, 1000, 0}}, {{41, 0, 1000}}}), stat(80, 0, 10, 0), 1.0));
  EXPECT_NEAR(s.load().irqs.at(40).cost, 0.8, 1e-9);
  EXPECT_NEAR(s.load().irqs.at(41).cost, 0.1, 1e-9);
  ASSERT_TRUE(s.update(interrupts({{{40, 2000, 0}}, {{41, 1000, 1000}}}), stat(170, 0, 10, 0), 1.0));
  EXPECT_NEAR(s.load().irqs.at(40).cost, 0.8, 1e-9);
  EXPECT_NEAR(s.load().irqs.at(41).cost, 0.1, 1e-9);
}

TEST(SamplerTest, CostIsPerSecondOfInterval) {
  Sampler s(1.0, 100);
  s.update(interrupts({{{40, 0, 0}}}), stat(0, 0, 0, 0), 2.0);
  ASSERT_TRUE(s.update(interrupts({{{40, 10, 0}}}), stat(20, 0, 0, 0), 2.0));
  EXPECT_NEAR(s.load().irqs.at(40).cost, 0.1, 1e-9);  // 0.2 s over 2 s
  EXPECT_NEAR(s.load().irqs.at(40).rate, 5.0, 1e-9);
}

TEST(SamplerTest, ThirtyTwoBitCounterWrap) {
  Sampler s(1.0, 100);
  s.update(interrupts({{{40, 4294967000ULL, 0}}}), stat(0, 0, 0, 0), 1.0);
  ASSERT_TRUE(s.update(interrupts({{{40, 704, 0}}}), stat(1, 0, 0, 0), 1.0));
  EXPECT_NEAR(s.load().irqs.at(40).rate, 1000.0, 1e-9);  // 296 before the wrap + 704 after
}

TEST(SamplerTest, NewAndVanishedIrqs) {
  Sampler s(1.0, 100);
  s.update(interrupts({{{40, 0, 0}}, {{41, 0, 0}}}), stat(0, 0, 0, 0), 1.0);
  ASSERT_TRUE(s.update(interrupts({{{40, 10, 0}}, {{42, 500, 0}}}), stat(1, 0, 0, 0), 1.0));
  EXPECT_EQ(s.load().irqs.count(41), 0u);  // gone
  EXPECT_EQ(s.load().irqs.count(42), 0u);  // new: no delta yet
  EXPECT_NEAR(s.load().irqs.at(40).cost, 0.01, 1e-9);
  ASSERT_TRUE(s.update(interrupts({{{40, 10, 0}}, {{42, 600, 0}}}), stat(2, 0, 0, 0), 1.0));
  EXPECT_NEAR(s.load().irqs.at(42).cost, 0.01, 1e-9);
  EXPECT_NEAR(s.load().irqs.at(40).cost, 0.0, 1e-9);
}

TEST(SamplerTest, EwmaSmoothsSpikes) {
  Sampler s(0.5, 100);
  s.update(interrupts({{{40, 0, 0}}}), stat(0, 0, 0, 0), 1.0);
  s.update(interrupts({{{40, 10, 0}}}), stat(40, 0, 0, 0), 1.0);  // 0.4
  s.update(interrupts({{{40, 20, 0}}}), stat(40, 0, 0, 0), 1.0);  // 0.0
  EXPECT_NEAR(s.load().irqs.at(40).cost, 0.2, 1e-9);
}

TEST(SamplerTest, ReadsATree) {
  testing::TempDir t;
  t.write("proc/interrupts", "           CPU0       CPU1\n 40:          5          0   PCI-MSI 1-edge      eth0-TxRx-0\n");
  t.write("proc/stat", "cpu  0 0 0 0 0 0 0 0 0 0\ncpu0 0 0 0 0 0 0 0 0 0 0\ncpu1 0 0 0 0 0 0 0 0 0 0\n");
  Sampler s;
  sysfs::SysRoot root(t.path());
  EXPECT_FALSE(s.sample(root, 1.0));
  EXPECT_TRUE(s.sample(root, 1.0));
}


TEST(SamplerTest, CounterResetIsNotAWrap) {
  // 900000 -> 100: as after a driver reload re-requested the IRQ. A wrap would be ~4.29e9.
  Sampler s(1.0, 100);
  s.update(interrupts({{{40, 900000, 0}}}), stat(0, 0, 0, 0), 1.0);
  ASSERT_TRUE(s.update(interrupts({{{40, 100, 0}}}), stat(1, 0, 0, 0), 1.0));
  EXPECT_NEAR(s.load().irqs.at(40).rate, 100.0, 1e-9);
}

TEST(SamplerTest, CpuColumnsChangingBetweenReadings) {
  // CPU1 goes offline: its column vanishes; CPU0's delta is still matched by CPU number.
  Sampler s(1.0, 100);
  s.update(interrupts({{{40, 100, 50}}}), stat(0, 0, 0, 0), 1.0);
  std::string t = "           CPU0\n 40:        400   PCI-MSI 1-edge      eth0-TxRx-40\n";
  sysfs::ProcStat one;
  sysfs::parse_proc_stat("cpu  0 0 0 0 0 5 0 0 0 0\ncpu0 0 0 0 0 0 5 0 0 0 0\n", "stat", one);
  ASSERT_TRUE(s.update(sysfs::parse_interrupts(t, "interrupts"), one, 1.0));
  EXPECT_NEAR(s.load().irqs.at(40).rate, 300.0, 1e-9);
  EXPECT_NEAR(s.load().irqs.at(40).cost, 0.05, 1e-9);
  EXPECT_EQ(s.cpu_irq_time().count(1), 0u);
}

TEST(SamplerTest, FiredOnTellsWhereAnIrqFired) {
  Sampler s(1.0, 100);
  s.update(interrupts({{{40, 0, 0}}, {{41, 0, 0}}, {{42, 0, 0}}}), stat(0, 0, 0, 0), 1.0);
  ASSERT_TRUE(s.update(interrupts({{{40, 0, 5}}, {{41, 3, 4}}, {{42, 0, 0}}}), stat(1, 0, 1, 0), 1.0));
  ASSERT_EQ(s.fired().size(), 3u);
  EXPECT_EQ(s.fired()[0].first_cpu, 1);
  EXPECT_EQ(s.fired()[0].ncpus, 1);
  EXPECT_EQ(s.fired()[1].first_cpu, 0);
  EXPECT_EQ(s.fired()[1].ncpus, 2);
  EXPECT_EQ(s.fired()[2].ncpus, 0);
}

// A tree with /proc/interrupts and /proc/stat, and optionally softirqs and softnet_stat.
void write_net(const testing::TempDir& t, std::uint64_t rx0, std::uint64_t rx1, std::uint64_t drops1,
               std::uint64_t squeeze0) {
  t.write("proc/softirqs", fmt::format("                    CPU0       CPU1\n          HI:          3          0\n"
                                       "      NET_TX:         {:>2}          7\n      NET_RX: {:>10} {:>10}\n",
                                       rx0 / 2, rx0, rx1));
  t.write("proc/net/softnet_stat",
          fmt::format("{:08x} 00000000 {:08x} 00000000 00000000 00000000 00000000 00000000 00000000 00000000\n"
                      "{:08x} {:08x} 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000\n",
                      rx0, squeeze0, rx1, drops1));
}

TEST(SamplerTest, NetworkRatesFromSoftirqsAndSoftnetStat) {
  testing::TempDir t;
  t.write("proc/interrupts", "           CPU0       CPU1\n 40:          5          0   PCI-MSI 1-edge      eth0-TxRx-0\n");
  t.write("proc/stat", "cpu  0 0 0 0 0 0 0 0 0 0\ncpu0 0 0 0 0 0 0 0 0 0 0\ncpu1 0 0 0 0 0 0 0 0 0 0\n");
  write_net(t, 100, 4294967290ULL, 10, 1);
  Sampler s(1.0, 100);
  sysfs::SysRoot root(t.path());
  s.sample(root, 2.0);
  EXPECT_TRUE(s.cpu_net().empty());  // one reading: no rates yet
  write_net(t, 300, 10, 30, 5);
  s.sample(root, 2.0);
  ASSERT_EQ(s.cpu_net().size(), 2u);
  const auto& c0 = s.cpu_net()[0];
  const auto& c1 = s.cpu_net()[1];
  EXPECT_EQ(c0.cpu, 0);
  EXPECT_TRUE(c0.has_softirqs);
  EXPECT_TRUE(c0.has_softnet);
  EXPECT_NEAR(c0.net_rx, 100.0, 1e-9);        // 200 over 2 s
  EXPECT_NEAR(c0.net_tx, 50.0, 1e-9);
  EXPECT_NEAR(c0.processed, 100.0, 1e-9);
  EXPECT_NEAR(c0.time_squeeze, 2.0, 1e-9);
  EXPECT_NEAR(c1.net_rx, 8.0, 1e-9);          // wrapped: 6 before 2^32, 10 after, over 2 s
  EXPECT_NEAR(c1.dropped, 10.0, 1e-9);
  EXPECT_EQ(s.net_error(), "");
}

TEST(SamplerTest, MissingNetworkFilesAreTolerated) {
  testing::TempDir t;
  t.write("proc/interrupts", "           CPU0       CPU1\n 40:          5          0   PCI-MSI 1-edge      eth0-TxRx-0\n");
  t.write("proc/stat", "cpu  0 0 0 0 0 0 0 0 0 0\ncpu0 0 0 0 0 0 0 0 0 0 0\ncpu1 0 0 0 0 0 0 0 0 0 0\n");
  t.write("proc/softirqs", "                    CPU0       CPU1\n      NET_TX:          1          7\n      NET_RX:          2          3\n");
  Sampler s(1.0, 100);
  sysfs::SysRoot root(t.path());
  EXPECT_FALSE(s.sample(root, 1.0));
  EXPECT_TRUE(s.sample(root, 1.0));
  ASSERT_EQ(s.cpu_net().size(), 2u);
  EXPECT_TRUE(s.cpu_net()[1].has_softirqs);
  EXPECT_FALSE(s.cpu_net()[1].has_softnet);  // no softnet_stat in this tree
  EXPECT_EQ(s.net_error(), "");
}

TEST(SamplerTest, MalformedNetworkFileDropsOnlyTheRates) {
  testing::TempDir t;
  t.write("proc/interrupts", "           CPU0       CPU1\n 40:          5          0   PCI-MSI 1-edge      eth0-TxRx-0\n");
  t.write("proc/stat", "cpu  0 0 0 0 0 0 0 0 0 0\ncpu0 0 0 0 0 0 0 0 0 0 0\ncpu1 0 0 0 0 0 0 0 0 0 0\n");
  write_net(t, 1, 2, 3, 4);
  Sampler s(1.0, 100);
  sysfs::SysRoot root(t.path());
  s.sample(root, 1.0);
  t.write("proc/softirqs", "                    CPU0       CPU1\n      NET_RX:        12x          3\n");
  EXPECT_TRUE(s.sample(root, 1.0));  // the IRQ sampling goes on
  EXPECT_TRUE(s.cpu_net().empty());
  EXPECT_NE(s.net_error().find("softirqs"), std::string::npos) << s.net_error();
  write_net(t, 5, 6, 7, 8);
  s.sample(root, 1.0);
  EXPECT_TRUE(s.cpu_net().empty());  // the reading after a bad one has nothing to diff against
  write_net(t, 6, 6, 7, 8);
  s.sample(root, 1.0);
  ASSERT_EQ(s.cpu_net().size(), 2u);
  EXPECT_NEAR(s.cpu_net()[0].net_rx, 1.0, 1e-9);
}

// The daemon's readings: in place while the file keeps its shape, a fresh table when it changes,
// and a failed reading (torn by CPU hotplug) leaving the previous one to take the deltas from.
TEST(SamplerTest, ReadingsInPlaceShapeChangesAndTornReads) {
  testing::TempDir t;
  auto write = [&](const std::vector<std::array<std::uint64_t, 3>>& rows, std::uint64_t irq_ticks0) {
    std::string x = "           CPU0       CPU1\n";
    for (const auto& r : rows)
      x += fmt::format("{:>3}: {:>10} {:>10}   PCI-MSI 1-edge      eth0-TxRx-{}\n", r[0], r[1], r[2], r[0]);
    t.write("proc/interrupts", x + "LOC:     999999     999999   Local timer interrupts\n");
    t.write("proc/stat", fmt::format("cpu  0 0 0 0 0 {} 0 0 0 0\ncpu0 0 0 0 0 0 {} 0 0 0 0\n"
                                     "cpu1 0 0 0 0 0 0 0 0 0 0\n", irq_ticks0, irq_ticks0));
  };
  Sampler s(1.0, 100);
  sysfs::SysRoot root(t.path());
  write({{{40, 100, 0}}, {{41, 0, 0}}}, 0);
  EXPECT_FALSE(s.sample(root, 1.0));
  write({{{40, 400, 0}}, {{41, 100, 0}}}, 10);  // in place
  ASSERT_TRUE(s.sample(root, 1.0));
  EXPECT_NEAR(s.load().irqs.at(40).rate, 300.0, 1e-9);
  EXPECT_NEAR(s.load().irqs.at(40).cost, 0.075, 1e-9);
  EXPECT_NEAR(s.load().irqs.at(41).cost, 0.025, 1e-9);
  EXPECT_EQ(s.fired()[0].first_cpu, 0);
  // Torn: IRQ 41 lost a column after IRQ 40's counter was already read.
  t.write("proc/interrupts", "           CPU0       CPU1\n 40:        999          0   PCI-MSI 1-edge   eth0-TxRx-40\n"
                             " 41:        555\n");
  EXPECT_THROW(s.sample(root, 1.0), sysfs::ParseError);
  EXPECT_EQ(s.interrupts().find(40), &s.interrupts().rows[0]);
  EXPECT_EQ(s.interrupts().count(0, 0), 400u);  // the previous reading, intact
  write({{{40, 500, 0}}, {{41, 100, 0}}}, 20);
  ASSERT_TRUE(s.sample(root, 2.0));  // deltas from the last good reading
  EXPECT_NEAR(s.load().irqs.at(40).rate, 50.0, 1e-9);
  EXPECT_NEAR(s.load().irqs.at(41).rate, 0.0, 1e-9);
  EXPECT_EQ(s.fired()[1].ncpus, 0);
  // IRQ 42 appears between them: a fresh table, remapped by IRQ number.
  write({{{40, 600, 0}}, {{42, 50, 0}}, {{41, 110, 0}}}, 30);
  ASSERT_TRUE(s.sample(root, 1.0));
  EXPECT_NEAR(s.load().irqs.at(40).rate, 100.0, 1e-9);
  EXPECT_NEAR(s.load().irqs.at(41).rate, 10.0, 1e-9);
  EXPECT_EQ(s.load().irqs.count(42), 0u);  // new: no delta yet
  write({{{40, 600, 0}}, {{42, 60, 0}}, {{41, 110, 0}}}, 40);
  ASSERT_TRUE(s.sample(root, 1.0));
  EXPECT_NEAR(s.load().irqs.at(42).rate, 10.0, 1e-9);
  EXPECT_NEAR(s.load().irqs.at(42).cost, 0.1, 1e-9);  // all of CPU0's 10 ticks
  ASSERT_EQ(s.numbered_rows().size(), 3u);
  EXPECT_EQ(s.fired()[1].first_cpu, 0);  // IRQ 42, second in file order
}

TEST(SamplerTest, ReusedTableMatchesAFreshParse) {
  // The daemon parses into one table every cycle; a different file must not leave stale rows.
  std::string big = "           CPU0       CPU1\n 40:   1   2   PCI-MSI 1-edge      eth0-TxRx-0\n"
                    " 41:   3   4   PCI-MSI 2-edge      a-very-long-action-name-beyond-sso\nNMI:   0   0   Non-maskable interrupts\n";
  std::string small = "           CPU0\n  7:   9   IO-APIC   7-edge      i8042\n";
  sysfs::InterruptTable t;
  sysfs::parse_interrupts(big, "a", t);
  sysfs::parse_interrupts(small, "b", t);
  auto fresh = sysfs::parse_interrupts(small, "b");
  ASSERT_EQ(t.rows.size(), 1u);
  EXPECT_EQ(t.cpus, fresh.cpus);
  EXPECT_EQ(t.matrix(), fresh.matrix());
  EXPECT_EQ(t.rows[0].name, "i8042");
  EXPECT_EQ(t.rows[0].chip, "IO-APIC");
  EXPECT_EQ(t.rows[0].hwirq, "7-edge");
  EXPECT_EQ(t.rows[0].chip_pci, "");
  // A torn file leaves only rows that fit the counts parsed so far.
  EXPECT_THROW(sysfs::parse_interrupts(big.substr(0, big.find(" 41:") + 8), "c", t), std::exception);
  for (const auto& r : t.rows) EXPECT_LE(r.first_count + (r.dense ? t.cpus.size() : 2 * std::size_t{r.stored}), t.cells.size());
}

}  // namespace
}  // namespace irqd

namespace irqd {
namespace {

// NAPI: IRQ 40 is a busy queue polling 64 packets per interrupt, IRQ 41 an idle one with one
// packet per interrupt; both fired 100 times on CPU 0, which spent 2 ticks in hard IRQs and 65 in
// softirqs. By interrupts each would get half; by work (hard by interrupts, softirq by packets)
// IRQ 40 gets 1 + 64 ticks and IRQ 41 gets 1 + 1.
TEST(SamplerWork, ASharedCpuIsSplitByPacketsAndHardTimeByInterrupts) {
  Sampler s(1.0, 100);
  s.update(interrupts({{{40, 0, 0}}, {{41, 0, 0}}}), stat(0, 0, 0, 0), 1.0);
  s.set_work({{40, 6400.0}, {41, 100.0}});
  ASSERT_TRUE(s.update(interrupts({{{40, 100, 0}}, {{41, 100, 0}}}), stat(2, 65, 0, 0), 1.0));
  EXPECT_NEAR(s.load().irqs.at(40).cost, 0.65, 1e-9);
  EXPECT_NEAR(s.load().irqs.at(41).cost, 0.02, 1e-9);
  EXPECT_EQ(s.load().irqs.at(40).source, policies::LoadSource::kPackets);
  // The work is for one interval: without it the next split is by interrupts again.
  ASSERT_TRUE(s.update(interrupts({{{40, 200, 0}}, {{41, 200, 0}}}), stat(4, 130, 0, 0), 1.0));
  EXPECT_NEAR(s.load().irqs.at(40).cost, 0.335, 1e-9);
  EXPECT_NE(s.load().irqs.at(40).source, policies::LoadSource::kPackets);
}

// A CPU where an IRQ without work fired (an NVMe queue next to a NIC queue) keeps the split by
// interrupts; a CPU of work-reporting IRQs alone is split by work.
TEST(SamplerWork, ACpuWithAnIrqWithoutWorkIsSplitByInterrupts) {
  Sampler s(1.0, 100);
  s.update(interrupts({{{40, 0, 0}}, {{41, 0, 0}}, {{42, 0, 0}}}), stat(0, 0, 0, 0), 1.0);
  s.set_work({{40, 6400.0}, {41, 100.0}});  // 42 has none
  ASSERT_TRUE(s.update(interrupts({{{40, 100, 0}}, {{41, 0, 100}}, {{42, 0, 100}}}), stat(0, 10, 0, 10), 1.0));
  EXPECT_NEAR(s.load().irqs.at(40).cost, 0.1, 1e-9);   // alone on CPU 0
  EXPECT_NEAR(s.load().irqs.at(41).cost, 0.05, 1e-9);  // CPU 1 split by interrupts with 42
  EXPECT_NEAR(s.load().irqs.at(42).cost, 0.05, 1e-9);
  EXPECT_EQ(s.load().irqs.at(41).source, policies::LoadSource::kCounts);
}

}  // namespace
}  // namespace irqd

namespace irqd {
namespace {

// A tree with 2 CPUs: IRQ 40 (eth0 rx-0, RPS to CPU 1) and IRQ 41 (eth0 rx-1, no RPS) fire on
// CPU 0; softnet_stat counts the packets each CPU's stack handled.
void write_rps_tree(testing::TempDir& t, std::uint64_t n40, std::uint64_t n41, std::uint64_t soft0,
                    std::uint64_t soft1, std::uint64_t processed0, std::uint64_t processed1) {
  t.write("proc/interrupts", fmt::format("           CPU0       CPU1\n 40: {:>10} {:>10}   PCI-MSI 1-edge      eth0-TxRx-0\n"
                                         " 41: {:>10} {:>10}   PCI-MSI 2-edge      eth0-TxRx-1\n",
                                         n40, 0, n41, 0));
  t.write("proc/stat", fmt::format("cpu  0 0 0 0 0 0 {} 0 0 0\ncpu0 0 0 0 0 0 0 {} 0 0 0\ncpu1 0 0 0 0 0 0 {} 0 0 0\n",
                                   soft0 + soft1, soft0, soft1));
  t.write("proc/net/softnet_stat",
          fmt::format("{:08x} 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 "
                      "00000000 00000000 00000000\n"
                      "{:08x} 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 "
                      "00000000 00000000 00000001\n",
                      processed0, processed1));
}

// CPU 1 runs only what RPS steered there from IRQ 40's queue: its time is that queue's (as
// IrqLoad::rps, and LoadInfo::cpu_fixed for CPU 1), never an IRQ's that happens to fire there, and
// not in IRQ 40's cost, which is its poll on CPU 0.
TEST(SamplerRps, WorkSteeredToACpuIsChargedToTheRpsQueueAsFixedLoadThere) {
  testing::TempDir t;
  sysfs::SysRoot root(t.path());
  Sampler s(1.0, 100);
  s.set_rx_queues({{40, sysfs::CpuSet::of({1})}, {41, sysfs::CpuSet{}}});
  write_rps_tree(t, 0, 0, 0, 0, 0, 0);
  s.sample(root, 1.0);
  write_rps_tree(t, 100, 100, 20, 30, 1000, 5000);
  ASSERT_TRUE(s.sample(root, 1.0));
  const auto& l = s.load();
  EXPECT_NEAR(l.irqs.at(40).cost + l.irqs.at(41).cost, 0.2, 1e-9);  // CPU 0's time, split as before
  EXPECT_NEAR(l.irqs.at(40).rps, 0.3, 1e-9);                          // all of CPU 1's
  EXPECT_NEAR(l.irqs.at(41).rps, 0.0, 1e-9);
  ASSERT_EQ(l.cpu_fixed.size(), 2u);
  EXPECT_NEAR(l.cpu_fixed[0], 0.0, 1e-9);
  EXPECT_NEAR(l.cpu_fixed[1], 0.3, 1e-9);
  EXPECT_NEAR(s.cpu_irq_time().at(1), 0.3, 1e-9);  // the status views still see CPU 1's whole time

  // RPS off again: nothing is fixed any more.
  s.set_rx_queues({{40, sysfs::CpuSet{}}, {41, sysfs::CpuSet{}}});
  write_rps_tree(t, 200, 200, 40, 30, 2000, 5000);
  ASSERT_TRUE(s.sample(root, 1.0));
  EXPECT_TRUE(s.load().cpu_fixed.empty());
  EXPECT_NEAR(s.load().irqs.at(40).rps, 0.0, 1e-9);
}

// Without softnet_stat the split is as it always was.
TEST(SamplerRps, WithoutSoftnetStatNothingIsSteered) {
  testing::TempDir t;
  sysfs::SysRoot root(t.path());
  Sampler s(1.0, 100);
  s.set_rx_queues({{40, sysfs::CpuSet::of({1})}});
  write_rps_tree(t, 0, 0, 0, 0, 0, 0);
  std::filesystem::remove(t.path() / "proc/net/softnet_stat");
  s.sample(root, 1.0);
  write_rps_tree(t, 100, 100, 20, 30, 1000, 5000);
  std::filesystem::remove(t.path() / "proc/net/softnet_stat");
  ASSERT_TRUE(s.sample(root, 1.0));
  EXPECT_NEAR(s.load().irqs.at(40).rps, 0.0, 1e-9);
  EXPECT_TRUE(s.load().cpu_fixed.empty());
}

}  // namespace
}  // namespace irqd
