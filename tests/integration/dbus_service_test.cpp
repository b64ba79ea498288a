// The D-Bus service end to end: the real irqd --foreground on a synthetic machine, a private system
// bus with the contrib policy, and clients (the generated proxy as root, dbus-send as `nobody`).
// Every read method, every write method and its effect on the kernel files, every error.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <mutex>
#include <string>

#include "tests/integration/dbus_harness.hpp"

namespace irqd::testing {
namespace {

using ::testing::HasSubstr;

class DbusServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    daemon_ = std::make_unique<IrqdProcess>(machine_, state_.path());
    ASSERT_TRUE(wait_ready()) << daemon_->log();
    client_ = std::make_unique<Irqd1Client>();
  }
  void TearDown() override {
    client_.reset();
    if (daemon_ && HasFailure()) std::cerr << daemon_->log();
  }

  // An IRQ's row from ListIrqs.
  auto irq_row(std::uint32_t n) {
    auto rows = client_->ListIrqs();
    auto it =
        std::find_if(rows.begin(), rows.end(), [&](const auto& r) { return std::get<0>(r) == n; });
    EXPECT_NE(it, rows.end()) << "IRQ " << n << " not listed";
    return it == rows.end() ? decltype(rows)::value_type{} : *it;
  }
  std::string affinity(int irq) {
    return machine_.read("proc/irq/" + std::to_string(irq) + "/smp_affinity_list");
  }
  std::string eth0(const std::string& queue_knob) {
    return machine_.read("sys/devices/pci0000:00/0000:03:00.0/net/eth0/queues/" + queue_knob);
  }

  TestSystemBus bus_;
  TestMachine machine_;
  TempDir state_;
  std::unique_ptr<IrqdProcess> daemon_;
  std::unique_ptr<Irqd1Client> client_;
};

TEST_F(DbusServiceTest, StatusAndProperties) {
  auto s = client_->GetStatus();
  EXPECT_EQ(std::get<0>(s), "0.1.0");
  EXPECT_EQ(std::get<1>(s), "balanced");
  EXPECT_DOUBLE_EQ(std::get<2>(s), 3600.0);
  EXPECT_GE(std::get<3>(s), 1u);
  EXPECT_EQ(std::get<5>(s), 2u);  // IRQs 101 and 102 are placed
  EXPECT_EQ(std::get<7>(s), 0u);
  EXPECT_EQ(std::get<8>(s), "");
  EXPECT_FALSE(std::get<9>(s));
  EXPECT_EQ(std::get<10>(s).at("vanished").get<std::uint32_t>(), 0u);
  EXPECT_EQ(client_->ApiVersion(), 2u);
  EXPECT_EQ(client_->Version(), "0.1.0");
  // The same status as properties.
  EXPECT_EQ(client_->Policy(), "balanced");
  EXPECT_DOUBLE_EQ(client_->IntervalSeconds(), 3600.0);
  EXPECT_GE(client_->Cycles(), 1u);
  EXPECT_EQ(client_->Managed(), 2u);
  EXPECT_EQ(client_->FailedWrites(), 0u);
  EXPECT_EQ(client_->LastError(), "");
  EXPECT_FALSE(client_->DryRun());
}

TEST_F(DbusServiceTest, ACycleAnnouncesItsStatusWithPropertiesChanged) {
  // A watcher on its own connection (and event loop thread), as a desktop applet would be.
  std::mutex mu;
  std::vector<std::map<std::string, sdbus::Variant>> seen;
  auto watcher = sdbus::createProxy("io.github.irqd.Irqd1", "/io/github/irqd/Irqd1");
  watcher->uponSignal("PropertiesChanged")
      .onInterface("org.freedesktop.DBus.Properties")
      .call([&](const std::string& iface, const std::map<std::string, sdbus::Variant>& changed,
                const std::vector<std::string>&) {
        if (iface != "io.github.irqd.Irqd1") return;
        std::lock_guard lock(mu);
        seen.push_back(changed);
      });
  watcher->finishRegistration();
  const std::uint64_t before = client_->Cycles();
  client_->Rebalance();
  ASSERT_TRUE(eventually([&] {
    std::lock_guard lock(mu);
    return !seen.empty();
  }));
  std::lock_guard lock(mu);
  const auto& changed = seen.front();
  ASSERT_TRUE(changed.count("Cycles")) << "PropertiesChanged without Cycles";
  EXPECT_EQ(changed.at("Cycles").get<std::uint64_t>(), before + 1);
  EXPECT_TRUE(changed.count("LastCycleMs"));
  EXPECT_FALSE(changed.count("Policy"));  // unchanged values are not announced again
}

TEST_F(DbusServiceTest, ListIrqsShowsQueuesManagedAndOther) {
  auto q = irq_row(101);
  EXPECT_EQ(std::get<1>(q), "eth0-TxRx-0");
  EXPECT_EQ(std::get<2>(q), "eth0");
  EXPECT_EQ(std::get<3>(q), "rxtx-0");
  EXPECT_EQ(std::get<4>(q), "combined");
  EXPECT_EQ(std::get<6>(q), affinity(101));  // current = what the kernel has after the cycle
  EXPECT_EQ(std::get<7>(q), affinity(101));  // planned
  EXPECT_FALSE(std::get<12>(q));
  EXPECT_FALSE(std::get<13>(q));
  auto m = irq_row(120);
  EXPECT_EQ(std::get<4>(m), "managed");
  EXPECT_TRUE(std::get<13>(m));
  EXPECT_EQ(std::get<7>(m), "");
  EXPECT_EQ(std::get<4>(irq_row(1)), "other");
}

TEST_F(DbusServiceTest, ListDevicesShowsQueuesAndPolicy) {
  auto devs = client_->ListDevices();
  ASSERT_EQ(devs.size(), 1u);
  const auto& d = devs[0];
  EXPECT_EQ(std::get<0>(d), "eth0");
  EXPECT_EQ(std::get<2>(d), "0000:03:00.0");
  EXPECT_EQ(std::get<4>(d), 2u);
  EXPECT_EQ(std::get<5>(d), 2u);
  EXPECT_EQ(std::get<6>(d), "balanced");
  const auto& queues = std::get<7>(d);
  ASSERT_EQ(queues.size(), 4u);
  EXPECT_EQ(std::get<0>(queues[0]), "rx-0");
  EXPECT_EQ(std::get<1>(queues[0]), 101);
  EXPECT_EQ(std::get<0>(queues[3]), "tx-1");
}

TEST_F(DbusServiceTest, GetPlanIsADryRunOfNowAndRebalanceFixesDrift) {
  EXPECT_TRUE(client_->GetPlan().empty());  // converged after the first cycle
  std::string placed = affinity(101);
  machine_.write("proc/irq/101/smp_affinity_list", "0-3\n");  // someone else moved it
  auto plan = client_->GetPlan();
  ASSERT_EQ(plan.size(), 1u);
  EXPECT_EQ(std::get<0>(plan[0]), "affinity");
  EXPECT_EQ(std::get<1>(plan[0]), "irq 101");
  EXPECT_EQ(std::get<2>(plan[0]), "proc/irq/101/smp_affinity_list");
  EXPECT_EQ(std::get<3>(plan[0]), "0-3");
  EXPECT_EQ(std::get<4>(plan[0]), placed);
  EXPECT_EQ(affinity(101), "0-3");  // GetPlan wrote nothing
  client_->Rebalance();
  EXPECT_TRUE(eventually([&] { return affinity(101) == placed; }));
}

TEST_F(DbusServiceTest, PinAndUnpinIrq) {
  client_->PinIrq(101, "3");
  EXPECT_TRUE(eventually([&] { return affinity(101) == "3"; }));
  EXPECT_TRUE(std::get<12>(irq_row(101)));
  EXPECT_EQ(std::get<7>(irq_row(101)), "3");
  auto o = client_->GetOverrides();
  ASSERT_EQ(std::get<0>(o).size(), 1u);
  EXPECT_EQ(std::get<0>(std::get<0>(o)[0]), 101u);
  EXPECT_EQ(std::get<1>(std::get<0>(o)[0]), "3");
  // Unpinned, the IRQ is the policy's again. balanced keeps it on CPU 3 while that is no worse
  // than elsewhere (a move would gain nothing), and no longer lists it as pinned.
  client_->UnpinIrq(101);
  EXPECT_TRUE(eventually([&] { return !std::get<12>(irq_row(101)); }));
  EXPECT_TRUE(std::get<0>(client_->GetOverrides()).empty());
}

TEST_F(DbusServiceTest, PinAndUnpinQueues) {
  client_->PinQueue("eth0", "rx-0", "2-3");
  client_->PinQueue("eth0", "tx-1", "1");
  EXPECT_TRUE(eventually([&] {
    return eth0("rx-0/rps_cpus") == "c" && eth0("tx-1/xps_cpus") == "2";
  })) << eth0("rx-0/rps_cpus")
      << " " << eth0("tx-1/xps_cpus");
  auto queues = std::get<7>(client_->ListDevices()[0]);
  EXPECT_EQ(std::get<2>(queues[0]), "2-3");
  EXPECT_EQ(std::get<4>(queues[3]), "1");
  EXPECT_EQ(std::get<1>(client_->GetOverrides()).size(), 2u);
  client_->UnpinQueue("eth0", "rx-0");
  client_->UnpinQueue("eth0", "tx-1");
  EXPECT_TRUE(std::get<1>(client_->GetOverrides()).empty());
}

TEST_F(DbusServiceTest, BanAndUnbanCpus) {
  client_->BanCpus("0");
  EXPECT_TRUE(eventually([&] { return affinity(101) != "0" && affinity(102) != "0"; }));
  EXPECT_EQ(std::get<2>(client_->GetOverrides()), "0");
  EXPECT_THAT(dbus_error([&] { client_->BanCpus("1-3"); }),
              HasSubstr("io.github.irqd.Irqd1.Error.InvalidArgument: cpulist '1-3': banning it "
                        "would leave no usable CPU"));
  EXPECT_EQ(std::get<2>(client_->GetOverrides()), "0");  // the refused ban changed nothing
  EXPECT_EQ(dbus_error([&] { client_->UnbanCpus("2"); }),
            "io.github.irqd.Irqd1.Error.NotFound: CPUs 2 are not banned at run time (run-time "
            "bans: '0'; configured "
            "bans stay)");
  client_->UnbanCpus("0");
  EXPECT_EQ(std::get<2>(client_->GetOverrides()), "");
}

TEST_F(DbusServiceTest, DevicePolicy) {
  client_->SetDevicePolicy("eth0", "spread");
  EXPECT_EQ(std::get<6>(client_->ListDevices()[0]), "spread");
  EXPECT_EQ(std::get<1>(std::get<3>(client_->GetOverrides())[0]), "spread");
  EXPECT_THAT(dbus_error([&] { client_->SetDevicePolicy("eth0", "fastest"); }),
              HasSubstr("io.github.irqd.Irqd1.Error.InvalidArgument: "));
  EXPECT_THAT(dbus_error([&] { client_->SetDevicePolicy("eth0", "fastest"); }),
              HasSubstr("spread"));
  EXPECT_EQ(dbus_error([&] { client_->SetDevicePolicy("eth9", "balanced"); }),
            "io.github.irqd.Irqd1.Error.NotFound: device 'eth9': no such network device");
  client_->SetDevicePolicy("eth0", "");
  EXPECT_EQ(std::get<6>(client_->ListDevices()[0]), "balanced");
  EXPECT_TRUE(std::get<3>(client_->GetOverrides()).empty());
}

// Run-time NAPI settings: in GetNapiOverrides as given, in force in ListDevices' napi_settings,
// dropped with "" or "default"; a bad request names the setting and value and changes nothing.
// (This machine has no netdev NAPIs; tests/integration/napi_apply_test.cpp writes them on veth.)
TEST_F(DbusServiceTest, DeviceNapi) {
  using Settings = std::map<std::string, std::string>;
  auto in_force = [&] {
    return std::get<8>(client_->ListDevices()[0]).at("napi_settings").get<Settings>();
  };
  EXPECT_EQ(in_force(), (Settings{{"threaded", "keep"}, {"thread_cpus", "sibling"}}));
  EXPECT_TRUE(client_->GetNapiOverrides().empty());
  client_->SetDeviceNapi("eth0", {{"defer_hard_irqs", "2"},
                                  {"gro_flush_timeout", "20000"},
                                  {"threaded", "on"},
                                  {"thread_cpus", "same-core"}});
  auto rows = client_->GetNapiOverrides();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(std::get<0>(rows[0]), "eth0");
  const Settings set{{"defer_hard_irqs", "2"},
                     {"gro_flush_timeout", "20000"},
                     {"threaded", "on"},
                     {"thread_cpus", "same-core"}};
  EXPECT_EQ(std::get<1>(rows[0]), set);
  EXPECT_EQ(in_force(), set);  // the cycle after the request planned with them
  EXPECT_THAT(daemon_->log(),
              HasSubstr("control: eth0: NAPI defer_hard_irqs=2 gro_flush_timeout=20000"));

  for (auto [settings, error] : std::vector<std::pair<Settings, std::string>>{
           {{{"defer_hard_irqs", "7"}, {"gro_flush_timeout", "-5"}},
            "io.github.irqd.Irqd1.Error.InvalidArgument: gro_flush_timeout '-5': expected "
            "nanoseconds, an integer from 0 to 3600000000000 (an hour)"},
           {{{"busy_poll_usecs", "50"}},
            "io.github.irqd.Irqd1.Error.InvalidArgument: unknown NAPI setting 'busy_poll_usecs' "
            "(expected threaded, thread_cpus, defer_hard_irqs, gro_flush_timeout or "
            "irq_suspend_timeout)"},
           {{{"threaded", "yes"}},
            "io.github.irqd.Irqd1.Error.InvalidArgument: threaded 'yes': expected keep, on or off"},
           {{}, "io.github.irqd.Irqd1.Error.InvalidArgument: device 'eth0': no NAPI setting given"},
       }) {
    EXPECT_EQ(dbus_error([&] { client_->SetDeviceNapi("eth0", settings); }), error);
  }
  EXPECT_EQ(dbus_error([&] { client_->SetDeviceNapi("eth9", {{"threaded", "on"}}); }),
            "io.github.irqd.Irqd1.Error.NotFound: device 'eth9': no such network device");
  EXPECT_EQ(dbus_error([&] { client_->SetDeviceNapi("eth:0", {{"threaded", "on"}}); }),
            "io.github.irqd.Irqd1.Error.InvalidArgument: device 'eth:0': not a network interface "
            "name (1-15 bytes, no '/', ':' or spaces)");
  ASSERT_EQ(client_->GetNapiOverrides().size(), 1u);
  EXPECT_EQ(std::get<1>(client_->GetNapiOverrides()[0]), set);  // untouched

  client_->SetDeviceNapi("eth0", {{"threaded", "default"}, {"gro_flush_timeout", ""}});
  EXPECT_EQ(std::get<1>(client_->GetNapiOverrides()[0]),
            (Settings{{"defer_hard_irqs", "2"}, {"thread_cpus", "same-core"}}));
  EXPECT_EQ(in_force().at("threaded"), "keep");
  client_->SetDeviceNapi("eth0", {{"defer_hard_irqs", "default"}, {"thread_cpus", "default"}});
  EXPECT_TRUE(client_->GetNapiOverrides().empty());
  EXPECT_EQ(in_force(), (Settings{{"threaded", "keep"}, {"thread_cpus", "sibling"}}));
}

TEST_F(DbusServiceTest, ErrorsNameWhatIsWrongAndChangeNothing) {
  EXPECT_EQ(dbus_error([&] { client_->PinIrq(101, "0-999"); }),
            "io.github.irqd.Irqd1.Error.InvalidArgument: cpulist '0-999': CPUs 4-999 do not exist "
            "(online CPUs: 0-3)");
  EXPECT_THAT(dbus_error([&] { client_->PinIrq(101, "two"); }),
              HasSubstr("io.github.irqd.Irqd1.Error.InvalidArgument: cpulist 'two': not a cpulist "
                        "such as 0-3,8"));
  EXPECT_EQ(dbus_error([&] { client_->PinIrq(9999, "1"); }),
            "io.github.irqd.Irqd1.Error.NotFound: IRQ 9999: no such IRQ");
  EXPECT_EQ(dbus_error([&] { client_->PinIrq(120, "1"); }),
            "io.github.irqd.Irqd1.Error.Unchangeable: IRQ 120 (nvme0q1): the kernel manages its "
            "affinity; irqd cannot "
            "pin it");
  EXPECT_EQ(dbus_error([&] { client_->UnpinIrq(101); }),
            "io.github.irqd.Irqd1.Error.NotFound: IRQ 101 is not pinned at run time (configured "
            "pins stay)");
  EXPECT_EQ(
      dbus_error([&] { client_->PinQueue("eth0", "rx0", "1"); }),
      "io.github.irqd.Irqd1.Error.InvalidArgument: queue 'rx0': expected rx-N or tx-N (e.g. rx-0)");
  EXPECT_EQ(dbus_error([&] { client_->PinQueue("eth0", "rx-9", "1"); }),
            "io.github.irqd.Irqd1.Error.NotFound: eth0 rx-9: no such queue (eth0 has 2 rx queues)");
  EXPECT_EQ(dbus_error([&] { client_->PinQueue("eth/0", "rx-0", "1"); }),
            "io.github.irqd.Irqd1.Error.InvalidArgument: device 'eth/0': not a network interface "
            "name (1-15 bytes, no "
            "'/', ':' or spaces)");
  EXPECT_EQ(dbus_error([&] { client_->UnpinQueue("eth0", "tx-0"); }),
            "io.github.irqd.Irqd1.Error.NotFound: eth0 tx-0 is not pinned at run time (configured "
            "pins stay)");
  auto o = client_->GetOverrides();
  EXPECT_TRUE(std::get<0>(o).empty() && std::get<1>(o).empty() && std::get<2>(o).empty() &&
              std::get<3>(o).empty());
}

TEST_F(DbusServiceTest, ReloadAnswers) {
  client_->Reload();
  EXPECT_TRUE(eventually([&] { return std::get<3>(client_->GetStatus()) >= 2; }));
}

TEST_F(DbusServiceTest, NobodyMayReadButNotWrite) {
  auto read = dbus_send_as("nobody", {"io.github.irqd.Irqd1.GetStatus"});
  EXPECT_EQ(read.exit_code, 0) << read.err;
  EXPECT_THAT(read.out, HasSubstr("0.1.0"));
  auto props = dbus_send_as("nobody", {"org.freedesktop.DBus.Properties.Get",
                                       "string:io.github.irqd.Irqd1", "string:ApiVersion"});
  EXPECT_EQ(props.exit_code, 0) << props.err;
  auto intro = dbus_send_as("nobody", {"org.freedesktop.DBus.Introspectable.Introspect"});
  EXPECT_THAT(intro.out, HasSubstr("PinIrq"));
  for (auto call : std::vector<std::vector<std::string>>{
           {"io.github.irqd.Irqd1.PinIrq", "uint32:101", "string:1"},
           {"io.github.irqd.Irqd1.BanCpus", "string:1"},
           {"io.github.irqd.Irqd1.SetDeviceNapi", "string:eth0", "dict:string:string:threaded,on"},
           {"io.github.irqd.Irqd1.Rebalance"},
           {"io.github.irqd.Irqd1.Reload"}}) {
    auto w = dbus_send_as("nobody", call);
    EXPECT_NE(w.exit_code, 0) << call[0];
    EXPECT_THAT(w.err, HasSubstr("org.freedesktop.DBus.Error.AccessDenied")) << call[0];
  }
  EXPECT_TRUE(std::get<0>(client_->GetOverrides()).empty());
  EXPECT_TRUE(client_->GetNapiOverrides().empty());
  auto napi = dbus_send_as("nobody", {"io.github.irqd.Irqd1.GetNapiOverrides"});
  EXPECT_EQ(napi.exit_code, 0) << napi.err;
}

// Without the bus policy (a misconfigured bus), irqd itself still refuses non-root writers.
TEST(DbusOwnCheck, DaemonRefusesNonRootWritersEvenWhenTheBusAllowsThem) {
  TestSystemBus bus(/*with_irqd_policy=*/false);
  TestMachine machine;
  TempDir state;
  IrqdProcess daemon(machine, state.path());
  ASSERT_TRUE(wait_ready()) << daemon.log();
  auto w = dbus_send_as("nobody", {"io.github.irqd.Irqd1.PinIrq", "uint32:101", "string:1"});
  EXPECT_THAT(
      w.err,
      HasSubstr(
          "Error org.freedesktop.DBus.Error.AccessDenied: PinIrq changes irqd: only root may call "
          "it (caller UID 65534)"));
  auto r = dbus_send_as("nobody", {"io.github.irqd.Irqd1.GetOverrides"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_FALSE(std::filesystem::exists(state.path() / "overrides.json"));
}

}  // namespace
}  // namespace irqd::testing
