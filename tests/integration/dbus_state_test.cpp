// The D-Bus service's state and lifecycle: overrides (NAPI settings too) surviving a restart and a
// kill -9, a corrupt state file moved aside, the signals, a bus that goes away or restarts (served
// again once it is back), and a daemon that cannot reach a bus (or is told not to).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "tests/integration/dbus_harness.hpp"

namespace irqd::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

std::string affinity(const TestMachine& m, int irq) {
  return m.read("proc/irq/" + std::to_string(irq) + "/smp_affinity_list");
}

void pin_and_ban(Irqd1Client& c) {
  c.PinIrq(101, "3");
  c.PinQueue("eth0", "rx-1", "0-1");
  c.BanCpus("2");
  c.SetDevicePolicy("eth0", "balanced");
  c.SetDeviceNapi("eth0", {{"defer_hard_irqs", "2"}, {"threaded", "keep"}});
}

void expect_pinned_and_banned(Irqd1Client& c) {
  auto o = c.GetOverrides();
  ASSERT_EQ(std::get<0>(o).size(), 1u);
  EXPECT_EQ(std::get<1>(std::get<0>(o)[0]), "3");
  ASSERT_EQ(std::get<1>(o).size(), 1u);
  EXPECT_EQ(std::get<1>(std::get<1>(o)[0]), "rx-1");
  EXPECT_EQ(std::get<2>(o), "2");
  ASSERT_EQ(std::get<3>(o).size(), 1u);
  auto napi = c.GetNapiOverrides();
  ASSERT_EQ(napi.size(), 1u);
  EXPECT_EQ(std::get<1>(napi[0]),
            (std::map<std::string, std::string>{{"defer_hard_irqs", "2"}, {"threaded", "keep"}}));
  // In force again: over the (absent) configuration, in the plan of the restarted daemon.
  using Settings = std::map<std::string, std::string>;
  auto in_force = std::get<8>(c.ListDevices().at(0)).at("napi_settings").get<Settings>();
  EXPECT_EQ(in_force.at("defer_hard_irqs"), "2");
}

class DbusStateTest : public ::testing::TestWithParam<int> {};

// Overrides come back after a clean stop (SIGTERM) and after kill -9, and are applied again: a
// knob reset behind irqd's back while it was down is pinned again by the first cycle.
TEST_P(DbusStateTest, OverridesSurviveARestart) {
  DbusWorld w;
  {
    auto first = start_served(w);
    Irqd1Client c;
    pin_and_ban(c);
    EXPECT_TRUE(eventually([&] { return affinity(w.machine, 101) == "3"; })) << first->log();
    first->child().signal(GetParam());
    EXPECT_EQ(first->child().wait(5000), GetParam() == SIGKILL ? 128 + SIGKILL : 0) << first->log();
  }
  w.machine.write("proc/irq/101/smp_affinity_list", "0-3\n");
  auto second = start_served(w);
  Irqd1Client c;
  expect_pinned_and_banned(c);
  EXPECT_TRUE(eventually([&] { return affinity(w.machine, 101) == "3"; })) << second->log();
  EXPECT_THAT(second->log(), HasSubstr("run-time overrides loaded from"));
  EXPECT_NE(affinity(w.machine, 102), "2");  // the ban holds too
}

INSTANTIATE_TEST_SUITE_P(StopSignals, DbusStateTest, ::testing::Values(SIGTERM, SIGKILL),
                         [](const auto& p) {
                           return p.param == SIGKILL ? std::string("Kill9") : std::string("Term");
                         });

TEST(DbusState, CorruptStateFileIsReportedMovedAsideAndIgnored) {
  DbusWorld w;
  w.state.write("overrides.json", R"({"schema": 1, "irq_pins": [{"irq": 101, "cpus": "banana"}]})");
  auto d = start_served(w);
  Irqd1Client c;
  EXPECT_TRUE(std::get<0>(c.GetOverrides()).empty());
  EXPECT_THAT(d->log(),
              HasSubstr("overrides.json is corrupt (irq_pins[0]: cpulist 'banana': not a cpulist"));
  EXPECT_THAT(d->log(), HasSubstr("starting without run-time overrides"));
  EXPECT_FALSE(fs::exists(w.state.path() / "overrides.json"));
  int aside = 0;
  for (const auto& e : fs::directory_iterator(w.state.path()))
    aside += e.path().filename().string().rfind("overrides.json.corrupt-", 0) == 0;
  EXPECT_EQ(aside, 1);
  // The daemon works normally and a new override is saved in a fresh file.
  c.PinIrq(102, "2");
  EXPECT_TRUE(eventually([&] { return affinity(w.machine, 102) == "2"; }));
  EXPECT_TRUE(fs::exists(w.state.path() / "overrides.json"));
}

TEST(DbusState, SignalsCycleCompletedAndDevicesChanged) {
  DbusWorld w;
  auto d = start_served(w);
  TestMachine& machine = w.machine;
  Irqd1Client c;
  auto before = std::get<3>(c.GetStatus());
  c.Rebalance();
  EXPECT_TRUE(eventually([&] {
    auto seen = c.cycles_seen();
    return std::find(seen.begin(), seen.end(), before + 1) != seen.end();
  })) << d->log();
  EXPECT_TRUE(c.device_changes().empty());
  machine.add_eth1();
  c.Rebalance();
  EXPECT_TRUE(eventually([&] { return !c.device_changes().empty(); })) << d->log();
  auto changes = c.device_changes();
  ASSERT_FALSE(changes.empty());
  EXPECT_EQ(changes.back(), (std::vector<std::string>{"eth0", "eth1"}));
  EXPECT_EQ(c.ListDevices().size(), 2u);
}

TEST(DbusState, LosingTheBusLeavesTheDaemonRunning) {
  DbusWorld w;
  auto d = start_served(w);
  {
    Irqd1Client c;
    c.PinIrq(101, "3");
  }
  w.bus.stop();
  EXPECT_TRUE(eventually([&] {
    return d->log().find("connection to the bus is lost") != std::string::npos;
  })) << d->log();
  // Still steering: a drift is put back by the next cycle (SIGHUP runs one at once).
  w.machine.write("proc/irq/101/smp_affinity_list", "0-3\n");
  d->child().signal(SIGHUP);
  EXPECT_TRUE(eventually([&] { return affinity(w.machine, 101) == "3"; })) << d->log();
  EXPECT_TRUE(d->child().running());
}

TEST(DbusState, AfterTheBusRestartsTheServiceComesBackAndCyclesGoOnMeanwhile) {
  DbusWorld w;
  auto d = start_served(w, {"--interval", "0.2"});
  std::uint64_t cycles_before = 0;
  {
    Irqd1Client c;
    c.PinIrq(101, "3");
    cycles_before = std::get<3>(c.GetStatus());
  }
  w.bus.stop();
  ASSERT_TRUE(eventually([&] {
    return d->log().find("connection to the bus is lost") != std::string::npos;
  })) << d->log();
  // Without a bus the timed cycles go on: a drift is put back (no SIGHUP here).
  w.machine.write("proc/irq/101/smp_affinity_list", "0-3\n");
  EXPECT_TRUE(eventually([&] { return affinity(w.machine, 101) == "3"; })) << d->log();

  // It keeps trying (1 s, then doubling) while there is no bus.
  ASSERT_TRUE(eventually([&] { return d->log().find("reconnecting failed") != std::string::npos; }))
      << d->log();
  w.bus.restart();
  // Back on the new bus by the next attempt, with the name owned again.
  ASSERT_TRUE(wait_ready(20000)) << d->log();
  Irqd1Client c;
  EXPECT_GT(std::get<3>(c.GetStatus()), cycles_before);
  EXPECT_FALSE(c.ListIrqs().empty());  // the read replies are there before the next cycle
  EXPECT_EQ(std::get<1>(std::get<0>(c.GetOverrides()).at(0)), "3");
  c.PinIrq(102, "2");  // and it takes writes again
  EXPECT_TRUE(eventually([&] { return affinity(w.machine, 102) == "2"; })) << d->log();
  EXPECT_THAT(d->log(), HasSubstr("D-Bus: reconnected"));
  EXPECT_TRUE(d->child().running());
}

TEST(DbusState, WithoutABusTheDaemonWarnsAndRunsWithOverridesApplied) {
  TestMachine machine;
  TempDir state, nobus;
  state.write("overrides.json",
              R"({"schema": 1, "irq_pins": [{"irq": 101, "cpus": "2"}], "queue_pins": [],
                                    "banned_cpus": "", "device_policies": []})");
  ::setenv("DBUS_SYSTEM_BUS_ADDRESS",
           ("unix:path=" + (nobus.path() / "no-such-socket").string()).c_str(), 1);
  IrqdProcess d(machine, state.path());
  ::unsetenv("DBUS_SYSTEM_BUS_ADDRESS");
  EXPECT_TRUE(eventually([&] { return affinity(machine, 101) == "2"; })) << d.log();
  EXPECT_TRUE(d.child().running());
  EXPECT_THAT(d.log(), HasSubstr("D-Bus: cannot serve io.github.irqd.Irqd1 on the system bus"));
  EXPECT_THAT(d.log(), HasSubstr("running without the D-Bus service"));
}

TEST(DbusState, NoDbusRunsQuietlyWithOverridesApplied) {
  DbusWorld w;
  const TestMachine& machine = w.machine;
  w.state.write("overrides.json",
                R"({"schema": 1, "irq_pins": [{"irq": 102, "cpus": "3"}], "queue_pins": [],
                                    "banned_cpus": "", "device_policies": []})");
  IrqdProcess d(machine, w.state.path(), {"--no-dbus"});
  EXPECT_TRUE(eventually([&] { return affinity(machine, 102) == "3"; })) << d.log();
  EXPECT_THAT(d.log(), ::testing::Not(HasSubstr("D-Bus")));
  EXPECT_FALSE(wait_ready(500));  // nobody answers on the bus
}

}  // namespace
}  // namespace irqd::testing
