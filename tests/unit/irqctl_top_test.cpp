// irqctl top's frame (bars per busy CPU, idle ones collapsed, busiest IRQs, filters and keys) and
// the exit-code mapping of D-Bus errors (argument checks: irqctl_arguments_test.cpp; frames that
// fit a terminal on a 128-CPU machine: irqctl_top_fit_test.cpp).
#include <gtest/gtest.h>

#include "irqd/irqctl/errors.hpp"
#include "irqd/irqctl/top_frame.hpp"

namespace irqd::irqctl {
namespace {

Status status() {
  return Status{.version = "0.1.0",
                .policy = "balanced",
                .interval_seconds = 1,
                .cycles = 9,
                .last_cycle_ms = 1.5,
                .placed = 2,
                .unchangeable = 0,
                .failed = 0,
                .last_error = "",
                .dry_run = false};
}

std::vector<Irq> irqs() {
  return {Irq{.number = 40,
              .name = "mlx5_comp1",
              .device = "ens1",
              .queue = "rx-1",
              .effective_cpu = 2,
              .rate = 900,
              .cost = 0.1},
          Irq{.number = 41,
              .name = "mlx5_comp0",
              .device = "ens1",
              .queue = "rx-0",
              .effective_cpu = 0,
              .rate = 5000,
              .cost = 0.5},
          Irq{.number = 7, .name = "timer", .effective_cpu = 0, .rate = 1}};
}

CpuNodes nodes() {
  return CpuNodes{.online = {0, 1, 2, 3}, .node_of = {{0, 0}, {1, 0}, {2, 1}, {3, 1}}};
}

TEST(IrqctlTop, LoadBarFillsInProportionAndClamps) {
  EXPECT_EQ(load_bar(0.5, 10), "[#####.....]");
  EXPECT_EQ(load_bar(0, 4), "[....]");
  EXPECT_EQ(load_bar(2.0, 4), "[####]");
  EXPECT_EQ(load_bar(-1, 4), "[....]");
}

TEST(IrqctlTop, FrameListsBusyCpusWithNodeAndCoreAndBusiestIrqsFirst) {
  std::string f = top_frame(status(), irqs(), nodes(), TopOptions{.width = 80, .max_irqs = 2});
  // 50% of a 30-cell bar (80 columns less the 50 around it).
  EXPECT_NE(f.find("CPU    0 node  0 core   - [" + std::string(15, '#') + std::string(15, '.') +
                   "]  50.0%     5001 irq/s"),
            std::string::npos)
      << f;
  EXPECT_LT(f.find("CPU    0 node"), f.find("CPU    2 node")) << "by load:\n" << f;
  EXPECT_NE(f.find("CPU 1 idle (1 CPU, node 0)"), std::string::npos) << f;  // per node, after
  EXPECT_NE(f.find("Busiest IRQs (2 of 3)"), std::string::npos) << f;
  auto first = f.find("mlx5_comp0"), second = f.find("mlx5_comp1");
  ASSERT_NE(first, std::string::npos);
  EXPECT_LT(first, second) << f;
  EXPECT_EQ(f.find("timer"), std::string::npos) << "only the 2 busiest IRQs:\n" << f;
  EXPECT_NE(f.find("irqd 0.1.0  balanced  cycle 9"), std::string::npos) << f;
}

TEST(IrqctlTop, SortByCpuCollapsesEachIdleRunWhereItFalls) {
  CpuNodes n{.online = {0, 1, 2, 3, 4, 5, 6, 7}, .node_of = {}};
  for (int c = 0; c < 8; ++c) n.node_of[c] = c / 4;
  std::string f = top_frame(status(), irqs(), n,
                            TopOptions{.view = TopView{.sort = TopSort::kCpu}});
  auto cpu0 = f.find("CPU    0 node"), idle1 = f.find("CPU 1 idle (1 CPU, node 0)"),
       cpu2 = f.find("CPU    2 node"), idle3 = f.find("CPU 3 idle (1 CPU, node 0)"),
       idle4 = f.find("CPU 4-7 idle (4 CPUs, node 1)");
  ASSERT_NE(idle4, std::string::npos) << f;
  EXPECT_TRUE(cpu0 < idle1 && idle1 < cpu2 && cpu2 < idle3 && idle3 < idle4) << f;
}

TEST(IrqctlTop, LoadTiesBeforeAnyCpuTimeFallBackToTheRate) {
  std::vector<Irq> v{Irq{.number = 1, .effective_cpu = 0, .rate = 10},
                     Irq{.number = 2, .effective_cpu = 3, .rate = 900}};
  std::string f = top_frame(status(), v, nodes(), TopOptions{});
  EXPECT_LT(f.find("CPU    3 node"), f.find("CPU    0 node")) << f;
}

TEST(IrqctlTop, NodeAndDeviceFiltersNarrowCpusAndIrqs) {
  std::string f = top_frame(status(), irqs(), nodes(), TopOptions{.view = TopView{.node = 1}});
  EXPECT_EQ(f.find("CPU    0 node"), std::string::npos) << f;
  EXPECT_NE(f.find("CPU    2 node  1"), std::string::npos) << f;
  EXPECT_NE(f.find("Busiest IRQs (1 of 1)"), std::string::npos) << f;
  f = top_frame(status(), irqs(), nodes(), TopOptions{.view = TopView{.device = "ens1"}});
  EXPECT_NE(f.find("Busiest IRQs (2 of 2)"), std::string::npos) << f;
  EXPECT_EQ(f.find("timer"), std::string::npos) << f;
}

TEST(IrqctlTop, KeysSortAndStepFiltersBackToAll) {
  TopView v;
  std::vector<int> n{0, 1};
  std::vector<std::string> d{"ens1"};
  EXPECT_EQ(apply_top_key(v, 'c', n, d), KeyAction::kRedraw);
  EXPECT_EQ(v.sort, TopSort::kCpu);
  apply_top_key(v, 'r', n, d);
  EXPECT_EQ(v.sort, TopSort::kRate);
  apply_top_key(v, 'n', n, d);
  EXPECT_EQ(v.node, 0);
  apply_top_key(v, 'n', n, d);
  EXPECT_EQ(v.node, 1);
  apply_top_key(v, 'n', n, d);
  EXPECT_FALSE(v.node);
  apply_top_key(v, 'd', n, d);
  EXPECT_EQ(v.device, "ens1");
  apply_top_key(v, 'n', n, d);
  apply_top_key(v, 'a', n, d);
  EXPECT_FALSE(v.node);
  EXPECT_EQ(v.device, "");
  EXPECT_EQ(apply_top_key(v, 'q', n, d), KeyAction::kQuit);
  EXPECT_LE(top_keys_help().size(), 80u);
}

TEST(IrqctlTop, WithoutNodeInformationCpusShowADashNotAQuestionMark) {
  std::string f = top_frame(status(), irqs(), CpuNodes{}, TopOptions{});
  EXPECT_EQ(f.find("node ?"), std::string::npos) << f;
  EXPECT_NE(f.find("CPU    2 node  - core   -"), std::string::npos) << f;  // from an IRQ's CPU
}

TEST(IrqctlTop, FrameShowsAFailedCycleAndCutsLinesToNarrowTerminals) {
  Status s = status();
  s.last_error = "torn /proc/interrupts";
  std::string f = top_frame(s, {}, nodes(), TopOptions{.width = 30, .max_irqs = 5});
  EXPECT_NE(f.find("last cycle failed: torn /proc…"), std::string::npos) << f;
  EXPECT_NE(f.find("Busiest IRQs (0 of 0)"), std::string::npos) << f;
  EXPECT_EQ(fit_width("abcdef", 4), "abc…");
  EXPECT_EQ(fit_width("abcd", 4), "abcd");
  EXPECT_EQ(fit_width("éééz", 3), "éé…");
}

TEST(IrqctlTop, JsonFrameUsesTheNamesOfStatusAndIrqs) {
  auto j = top_json(status(), irqs(), nodes(), TopOptions{.max_irqs = 1});
  EXPECT_EQ(j["schema"], 2);
  EXPECT_EQ(j["status"]["policy"], "balanced");
  EXPECT_EQ(j["view"]["sort"], "load");
  ASSERT_EQ(j["cpus"].size(), 4u);
  EXPECT_EQ(j["cpus"][0]["cpu"], 0);
  EXPECT_EQ(j["cpus"][0]["numa_node"], 0);
  ASSERT_EQ(j["busiest_irqs"].size(), 1u);
  EXPECT_EQ(j["busiest_irqs"][0]["irq"], 41);
}

TEST(IrqctlTop, BusiestOrdersByCostThenRateThenNumber) {
  std::vector<Irq> v{Irq{.number = 3, .rate = 5}, Irq{.number = 1, .rate = 5},
                     Irq{.number = 2, .rate = 9}, Irq{.number = 4, .cost = 0.1}};
  auto b = busiest_irqs(v);
  EXPECT_EQ(b[0].number, 4u);
  EXPECT_EQ(b[1].number, 2u);
  EXPECT_EQ(b[2].number, 1u);
  EXPECT_EQ(b[3].number, 3u);
}

TEST(IrqctlErrors, DbusErrorNamesMapToDocumentedExitCodes) {
  EXPECT_EQ(exit_code_for_dbus_error("io.github.irqd.Irqd1.Error.InvalidArgument"), kExitInvalid);
  EXPECT_EQ(exit_code_for_dbus_error("io.github.irqd.Irqd1.Error.NotFound"), kExitInvalid);
  EXPECT_EQ(exit_code_for_dbus_error("io.github.irqd.Irqd1.Error.Unchangeable"), kExitUnchangeable);
  EXPECT_EQ(exit_code_for_dbus_error("io.github.irqd.Irqd1.Error.Failed"), kExitFailed);
  EXPECT_EQ(exit_code_for_dbus_error("org.freedesktop.DBus.Error.AccessDenied"), kExitDenied);
  EXPECT_EQ(exit_code_for_dbus_error("org.freedesktop.DBus.Error.ServiceUnknown"),
            kExitUnreachable);
  EXPECT_EQ(exit_code_for_dbus_error("org.freedesktop.DBus.Error.NoReply"), kExitUnreachable);
  EXPECT_EQ(exit_code_for_dbus_error("org.freedesktop.DBus.Error.UnknownMethod"), kExitFailed);
  EXPECT_EQ(exit_code_for_dbus_error(""), kExitFailed);
  EXPECT_EQ(exit_code_for_dbus_error("io.github.irqd.Irqd1.Error."), kExitFailed);
}

TEST(IrqctlErrors, MessagesKeepTheDaemonsWordsAndExplainBusErrors) {
  EXPECT_EQ(describe_dbus_error("io.github.irqd.Irqd1.Error.InvalidArgument",
                                "cpulist '0-999': CPU 999 does not exist"),
            "cpulist '0-999': CPU 999 does not exist (InvalidArgument)");
  EXPECT_NE(describe_dbus_error("org.freedesktop.DBus.Error.AccessDenied", "").find("needs root"),
            std::string::npos);
  EXPECT_NE(describe_dbus_error("org.freedesktop.DBus.Error.ServiceUnknown",
                                "The name is not activatable")
                .find("not reachable"),
            std::string::npos);
}

}  // namespace
}  // namespace irqd::irqctl
