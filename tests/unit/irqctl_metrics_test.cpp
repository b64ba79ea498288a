// irqctl metrics (Prometheus text exposition) and the per-CPU load it shares with top.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <regex>
#include <sstream>

#include "irqd/irqctl/cpu_load.hpp"
#include "irqd/irqctl/metrics.hpp"

namespace irqd::irqctl {
namespace {

Status status() {
  return Status{.version = "0.1.0",
                .policy = "spread",
                .interval_seconds = 10,
                .cycles = 7,
                .last_cycle_ms = 2.5,
                .placed = 3,
                .unchangeable = 1,
                .failed = 2,
                .last_error = "",
                .dry_run = false};
}

std::vector<Irq> irqs() {
  return {
      Irq{.number = 38,
          .name = "eth0-TxRx-0",
          .device = "eth0",
          .queue = "rx-0",
          .effective_cpu = 0,
          .rate = 100,
          .cost = 0.25},
      Irq{.number = 39,
          .name = "eth0-TxRx-1",
          .device = "eth0",
          .queue = "rx-1",
          .effective_cpu = 2,
          .rate = 50,
          .cost = 0.5},
      Irq{.number = 40, .name = "weird \"name\"\\", .effective_cpu = 0, .rate = 10, .cost = 0.05}};
}

CpuNodes two_nodes() {
  return CpuNodes{.online = {0, 1, 2, 3}, .node_of = {{0, 0}, {1, 0}, {2, 1}, {3, 1}}};
}

TEST(IrqctlCpuLoad, SumsIrqsOnTheirEffectiveCpuAndKeepsIdleOnlineCpus) {
  auto loads = cpu_loads(irqs(), two_nodes());
  ASSERT_EQ(loads.size(), 4u);
  EXPECT_EQ(loads[0].cpu, 0);
  EXPECT_DOUBLE_EQ(loads[0].cost, 0.30);
  EXPECT_DOUBLE_EQ(loads[0].rate, 110);
  EXPECT_EQ(loads[0].irqs, 2);
  EXPECT_EQ(loads[1].cpu, 1);
  EXPECT_EQ(loads[1].irqs, 0);
  EXPECT_EQ(loads[2].node, 1);
  EXPECT_DOUBLE_EQ(loads[2].cost, 0.5);
}

TEST(IrqctlCpuLoad, CpusOutsideEveryNodeComeLastWithNodeMinusOne) {
  auto v = irqs();
  v.push_back(Irq{.number = 50, .effective_cpu = 9, .rate = 1});
  v.push_back(Irq{.number = 51, .effective_cpu = -1, .rate = 1000});  // unknown CPU: not counted
  auto loads = cpu_loads(v, two_nodes());
  ASSERT_EQ(loads.size(), 5u);
  EXPECT_EQ(loads.back().cpu, 9);
  EXPECT_EQ(loads.back().node, -1);
  double total = 0;
  for (const auto& l : loads) total += l.rate;
  EXPECT_DOUBLE_EQ(total, 161);
}

TEST(IrqctlMetrics, EveryFamilyHasHelpAndTypeBeforeItsSamples) {
  std::string text = metrics_text(status(), irqs(), two_nodes());
  std::istringstream in(text);
  std::string line, family;
  std::set<std::string> typed;
  const std::regex sample(R"(^([a-z_]+)(\{[^}]*\})? (-?[0-9.e+-]+|NaN|[+-]Inf)$)");
  while (std::getline(in, line)) {
    if (line.rfind("# HELP ", 0) == 0) continue;
    if (line.rfind("# TYPE ", 0) == 0) {
      typed.insert(line.substr(7, line.find(' ', 7) - 7));
      continue;
    }
    std::smatch m;
    ASSERT_TRUE(std::regex_match(line, m, sample)) << "not a sample line: " << line;
    EXPECT_TRUE(typed.count(m[1])) << "sample before its TYPE: " << line;
  }
  for (const char* f : {"irqd_cycles_total", "irqd_last_cycle_seconds", "irqd_irq_rate",
                        "irqd_cpu_irq_load", "irqd_irqs", "irqd_info"}) {
    EXPECT_TRUE(typed.count(f)) << f;
  }
}

TEST(IrqctlMetrics, SamplesCarryTheValuesAndLabels) {
  std::string text = metrics_text(status(), irqs(), two_nodes());
  EXPECT_NE(text.find("# TYPE irqd_cycles_total counter\nirqd_cycles_total 7\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("irqd_last_cycle_seconds 0.0025\n"), std::string::npos) << text;
  EXPECT_NE(text.find("irqd_irqs{state=\"placed\"} 3\n"), std::string::npos) << text;
  EXPECT_NE(text.find("irqd_irqs{state=\"kernel_managed\"} 1\n"), std::string::npos) << text;
  EXPECT_EQ(text.find("state=\"managed\""), std::string::npos) << "one word for one thing: " << text;
  EXPECT_NE(text.find("irqd_irqs{state=\"failed\"} 2\n"), std::string::npos);
  EXPECT_NE(
      text.find(
          "irqd_irq_rate{irq=\"38\",name=\"eth0-TxRx-0\",device=\"eth0\",queue=\"rx-0\"} 100\n"),
      std::string::npos)
      << text;
  EXPECT_NE(text.find("irqd_cpu_irq_load{cpu=\"2\",node=\"1\"} 0.5\n"), std::string::npos) << text;
  EXPECT_NE(text.find("irqd_cpu_irq_rate{cpu=\"1\",node=\"0\"} 0\n"), std::string::npos) << text;
  EXPECT_NE(text.find("irqd_last_cycle_ok 1\n"), std::string::npos);
}

TEST(IrqctlMetrics, EscapesLabelValues) {
  EXPECT_EQ(prom_escape("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
  std::string text = metrics_text(status(), irqs(), two_nodes());
  EXPECT_NE(text.find("name=\"weird \\\"name\\\"\\\\\""), std::string::npos) << text;
}

TEST(IrqctlMetrics, FailedCycleNonFiniteValuesAndUnknownNodes) {
  Status s = status();
  s.last_error = "boom";
  std::vector<Irq> v{Irq{.number = 1,
                         .effective_cpu = 5,
                         .rate = std::numeric_limits<double>::quiet_NaN(),
                         .cost = std::numeric_limits<double>::infinity()}};
  std::string text = metrics_text(s, v, CpuNodes{});
  EXPECT_NE(text.find("irqd_last_cycle_ok 0\n"), std::string::npos);
  EXPECT_NE(text.find("queue=\"\"} NaN\n"), std::string::npos) << text;
  EXPECT_NE(text.find("irqd_cpu_irq_load{cpu=\"5\",node=\"\"} +Inf\n"), std::string::npos) << text;
}

}  // namespace
}  // namespace irqd::irqctl
