// Sampler: each CPU's IRQ time is charged to the IRQs that fired there, in proportion to their
// counts; counter wrap, new and vanished IRQs, EWMA.
#include "irqd/sampler.hpp"

#include <gtest/gtest.h>

#include <fmt/format.h>

#include <array>

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

}  // namespace
}  // namespace irqd
