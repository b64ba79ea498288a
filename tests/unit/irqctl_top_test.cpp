// irqctl top's frame (bars per CPU grouped by NUMA node, busiest IRQs) and the exit-code mapping of
// D-Bus errors (argument checks: irqctl_arguments_test.cpp).
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
                .managed = 2,
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

TEST(IrqctlTop, FrameGroupsCpusByNodeAndListsBusiestFirst) {
  std::string f = top_frame(status(), irqs(), nodes(), TopOptions{.width = 80, .max_irqs = 2});
  auto node0 = f.find("node 0\n"), node1 = f.find("node 1\n");
  ASSERT_NE(node0, std::string::npos) << f;
  ASSERT_NE(node1, std::string::npos) << f;
  EXPECT_LT(node0, f.find("cpu   0")) << f;
  EXPECT_LT(f.find("cpu   1"), node1) << f;
  EXPECT_LT(node1, f.find("cpu   2")) << f;
  EXPECT_NE(f.find("cpu   0 [" + std::string(23, '#')), std::string::npos)
      << f;  // 50% of a 46-cell bar
  EXPECT_NE(f.find(" 50.0%     5001 irq/s"), std::string::npos) << f;
  EXPECT_NE(f.find("Busiest IRQs (2 of 3)"), std::string::npos) << f;
  auto first = f.find("mlx5_comp0"), second = f.find("mlx5_comp1");
  ASSERT_NE(first, std::string::npos);
  EXPECT_LT(first, second) << f;
  EXPECT_EQ(f.find("timer"), std::string::npos) << "only the 2 busiest IRQs:\n" << f;
  EXPECT_NE(f.find("policy balanced  cycle 9"), std::string::npos) << f;
}

TEST(IrqctlTop, WithoutNodeInformationAllCpusFormOneGroup) {
  std::string f = top_frame(status(), irqs(), CpuNodes{}, TopOptions{});
  EXPECT_NE(f.find("all CPUs (NUMA nodes not known)"), std::string::npos) << f;
  EXPECT_EQ(f.find("node 0"), std::string::npos) << f;
  EXPECT_NE(f.find("cpu   2"), std::string::npos) << f;  // known from an IRQ's effective CPU
}

TEST(IrqctlTop, FrameShowsAFailedCycleAndNarrowTerminalsKeepAMinimumBar) {
  Status s = status();
  s.last_error = "torn /proc/interrupts";
  std::string f = top_frame(s, {}, nodes(), TopOptions{.width = 20, .max_irqs = 5});
  EXPECT_NE(f.find("last cycle failed: torn /proc/interrupts"), std::string::npos) << f;
  EXPECT_NE(f.find("[..........]"), std::string::npos) << f;
  EXPECT_NE(f.find("Busiest IRQs (0 of 0)"), std::string::npos) << f;
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
