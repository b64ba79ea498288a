// The D-Bus read replies built from daemon state, without a bus: GetPlan's change rows (kind,
// subject, cpulists instead of masks), ListIrqs' current-after-the-cycle values and cost shares,
// and names from kernel files made valid UTF-8.
#include <gtest/gtest.h>

#include "irqd/dbus/views.hpp"
#include "topology/hwloc_loader.hpp"

namespace irqd::dbus {
namespace {

TEST(DbusViews, ChangeRowsNameKindSubjectAndShowCpulists) {
  Diff d;
  d.knobs.push_back({"proc/irq/38/smp_affinity_list", "1", "0-3", 38, "IRQ 38"});
  d.knobs.push_back({"proc/irq/40/smp_affinity", "00000004", "0000000f", 40, "IRQ 40"});
  d.knobs.push_back({"sys/devices/pci0000:00/0000:03:00.0/net/eth0/queues/rx-2/rps_cpus", "c", "0",
                     -1, "eth0 rx-2 rps_cpus"});
  d.knobs.push_back({"sys/devices/pci0000:00/0000:03:00.0/net/eth0/queues/rx-2/rps_flow_cnt",
                     "4096", "0", -1, ""});
  d.knobs.push_back(
      {"proc/sys/net/core/rps_sock_flow_entries", "32768", "0", -1, "rps_sock_flow_entries"});
  auto rows = change_rows(d);
  ASSERT_EQ(rows.size(), 5u);
  EXPECT_EQ(std::get<0>(rows[0]), "affinity");
  EXPECT_EQ(std::get<1>(rows[0]), "irq 38");
  EXPECT_EQ(std::get<2>(rows[0]), "proc/irq/38/smp_affinity_list");
  EXPECT_EQ(std::get<3>(rows[0]), "0-3");
  EXPECT_EQ(std::get<4>(rows[0]), "1");
  EXPECT_TRUE(std::get<5>(rows[0]).empty());  // no IRQ row in this diff: no reason to give
  EXPECT_EQ(std::get<3>(rows[1]), "0-3");  // a mask shown as a cpulist
  EXPECT_EQ(std::get<4>(rows[1]), "2");
  EXPECT_EQ(std::get<0>(rows[2]), "rps_cpus");
  EXPECT_EQ(std::get<1>(rows[2]), "eth0 rx-2");
  EXPECT_EQ(std::get<4>(rows[2]), "2-3");
  EXPECT_EQ(std::get<4>(rows[3]), "4096");
  EXPECT_EQ(std::get<1>(rows[4]), "system");
}

TEST(DbusViews, IrqRowsShowTheValueAfterTheCycleCostShareAndSafeNames) {
  PlanResult p;
  sysfs::IrqInfo a;
  a.irq = 38;
  a.name = "eth0-TxRx-0";
  a.device = "eth0";
  a.cls = sysfs::IrqClass::kQueue;
  a.role = sysfs::QueueRole::kCombined;
  a.queue = 0;
  a.affinity = sysfs::CpuSet::range(0, 3);
  sysfs::IrqInfo b;
  b.irq = 39;
  b.name = "odd\xff\xfename";
  b.cls = sysfs::IrqClass::kOther;
  auto found = std::make_shared<Discovery>();
  found->inventory.irqs = {a, b};
  p.discovery = found;
  auto plan = std::make_shared<policies::Plan>();
  plan->set_irq({38, sysfs::CpuSet::of({1}), "spread"});
  p.plan = plan;
  p.diff.knobs.push_back({"proc/irq/38/smp_affinity_list", "1", "0-3", 38, "IRQ 38"});
  config::Config eff;
  eff.irq_pins[38] = sysfs::CpuSet::of({1});
  policies::LoadInfo load;
  load.irqs[38] = {0.03, 1000.0};
  load.irqs[39] = {0.01, 10.0};
  std::set<int> unchangeable{39};
  std::map<std::string, std::string> now{{"proc/irq/38/smp_affinity_list", "1"}};
  auto rows = irq_rows({p, eff, load, unchangeable, now});
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(std::get<3>(rows[0]), "rxtx-0");
  EXPECT_EQ(std::get<4>(rows[0]), "combined");
  EXPECT_EQ(std::get<6>(rows[0]), "1");  // re-read after the cycle wrote it
  EXPECT_EQ(std::get<7>(rows[0]), "1");
  EXPECT_DOUBLE_EQ(std::get<9>(rows[0]), 1000.0);
  EXPECT_DOUBLE_EQ(std::get<11>(rows[0]), 0.75);
  EXPECT_TRUE(std::get<12>(rows[0]));
  EXPECT_EQ(std::get<1>(rows[1]), "odd\xEF\xBF\xBD\xEF\xBF\xBDname");  // U+FFFD for each bad byte
  EXPECT_EQ(std::get<6>(rows[1]), "");  // affinity unknown
  EXPECT_TRUE(std::get<13>(rows[1]));   // found unchangeable
}

TEST(DbusViews, RecordsCarryTheirFurtherFieldsByName) {
  // The trailing a{sv} of each record (io.github.irqd.Irqd1.xml "Versions"): a change and an IRQ
  // say why the plan moves it, a device where its NUMA node came from.
  PlanResult p;
  sysfs::IrqInfo a;
  a.irq = 38;
  a.name = "eth0-TxRx-0";
  a.device = "eth0";
  a.cls = sysfs::IrqClass::kQueue;
  a.affinity = sysfs::CpuSet::range(0, 3);
  sysfs::NicInfo nic;
  nic.name = "eth0";
  nic.numa_node = 1;
  nic.numa_source = sysfs::NumaSource::kIrq;
  auto found = std::make_shared<Discovery>();
  found->inventory.irqs = {a};
  found->inventory.nics = {nic};
  p.discovery = found;
  auto plan = std::make_shared<policies::Plan>();
  plan->set_irq({38, sysfs::CpuSet::of({1}), "the busiest queue of eth0: a core of its own"});
  p.plan = plan;
  p.diff.irqs.push_back({&found->inventory.irqs[0], plan->irq(38), true});
  p.diff.knobs.push_back({"proc/irq/38/smp_affinity_list", "1", "0-3", 38, "IRQ 38"});
  config::Config eff;
  policies::LoadInfo load;
  std::set<int> unchangeable;
  std::map<std::string, std::string> now;
  StateView view{p, eff, load, unchangeable, now};

  auto changes = change_rows(p.diff);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(std::get<5>(changes[0]).at("reason").get<std::string>(),
            "the busiest queue of eth0: a core of its own");
  auto irqs = irq_rows(view);
  ASSERT_EQ(irqs.size(), 1u);
  EXPECT_EQ(std::get<14>(irqs[0]).at("reason").get<std::string>(),
            "the busiest queue of eth0: a core of its own");
  auto devices = device_rows(view);
  ASSERT_EQ(devices.size(), 1u);
  EXPECT_EQ(std::get<8>(devices[0]).at("numa_source").get<std::string>(), "irq");
  using Settings = std::map<std::string, std::string>;
  EXPECT_EQ(std::get<8>(devices[0]).at("napi_settings").get<Settings>(),
            (Settings{{"threaded", "keep"}, {"thread_cpus", "sibling"}}));
  // The settings in force: the device's resolved settings (rules with run-time overrides).
  eff.devices["eth0"].napi_defer_hard_irqs = 2;
  eff.devices["eth0"].napi_threaded = config::NapiThreaded::kOn;
  devices = device_rows(view);
  EXPECT_EQ(std::get<8>(devices[0]).at("napi_settings").get<Settings>(),
            (Settings{{"threaded", "on"}, {"thread_cpus", "sibling"}, {"defer_hard_irqs", "2"}}));
}

// A queue's NAPI shows what the kernel has after the cycle: the values the cycle wrote, read back
// with napi-get, over those discovered at its start (a NAPI write rediscovers only next cycle).
TEST(DbusViews, QueueNapisShowTheValuesAfterTheCycle) {
  PlanResult p;
  sysfs::NicInfo nic;
  nic.name = "eth0";
  sysfs::QueueInfo rx;
  rx.rx = true;
  rx.index = 0;
  rx.napi_id = 8193;
  nic.rx = {rx};
  sysfs::NicNapi napi;
  napi.id = 8193;
  napi.pid = 501;
  napi.threaded = true;
  napi.defer_hard_irqs = 0;
  napi.gro_flush_timeout = 0;
  napi.irq_suspend_timeout = 0;
  napi.thread_cpus = sysfs::CpuSet::of({0});
  nic.napis = {napi};
  auto found = std::make_shared<Discovery>();
  found->inventory.nics = {nic};
  p.discovery = found;
  p.plan = std::make_shared<policies::Plan>();
  config::Config eff;
  policies::LoadInfo load;
  std::set<int> unchangeable;
  std::map<std::string, std::string> now{{"netdev/napi/8193/defer-hard-irqs", "3"},
                                         {"netdev/napi/8193/threaded", "0"},
                                         {"task/501/cpus", "1"}};
  auto rows = device_rows({p, eff, load, unchangeable, now});
  const auto& more = std::get<6>(std::get<7>(rows.at(0)).at(0));
  EXPECT_EQ(more.at("napi_id").get<std::int32_t>(), 8193);
  EXPECT_EQ(more.at("napi_defer_hard_irqs").get<std::uint64_t>(), 3u);    // written
  EXPECT_EQ(more.at("napi_gro_flush_timeout").get<std::uint64_t>(), 0u);  // as discovered
  EXPECT_FALSE(more.at("napi_threaded").get<bool>());
  EXPECT_EQ(more.at("napi_thread_pid").get<std::int32_t>(), 501);
  EXPECT_EQ(more.at("napi_thread_cpus").get<std::string>(), "1");
  // The device lists its NAPIs too, with their IRQ: also those no queue names.
  nic.rx.front().napi_id = -1;
  found->inventory.nics = {nic};
  rows = device_rows({p, eff, load, unchangeable, now});
  EXPECT_EQ(std::get<6>(std::get<7>(rows.at(0)).at(0)).count("napi_id"), 0u);
  auto napis = std::get<8>(rows.at(0)).at("napis").get<std::vector<More>>();
  ASSERT_EQ(napis.size(), 1u);
  EXPECT_EQ(napis[0].at("napi_id").get<std::int32_t>(), 8193);
  EXPECT_EQ(napis[0].at("napi_irq").get<std::int32_t>(), -1);
  EXPECT_EQ(napis[0].at("napi_defer_hard_irqs").get<std::uint64_t>(), 3u);
}

TEST(DbusViews, TopologyRowsGiveEveryOnlineCpuItsNodeAndCore) {
  auto m = topology::load_synthetic("pack:2 numa:1 l3:1 core:2 pu:2");
  m.isolated = sysfs::CpuSet::of({7});
  m.online.reset(6);
  auto rows = topology_rows(m);
  ASSERT_EQ(rows.size(), 7u);  // CPU 6 is offline
  EXPECT_EQ(rows[0].get<0>(), 0);
  EXPECT_EQ(rows[0].get<1>(), m.node_of(0));
  EXPECT_EQ(rows[0].get<2>(), rows[1].get<2>()) << "SMT siblings share a core";
  EXPECT_NE(rows[1].get<2>(), rows[2].get<2>());
  EXPECT_EQ(rows[5].get<1>(), m.node_of(5));
  EXPECT_EQ(rows[6].get<0>(), 7);
  EXPECT_TRUE(rows[6].get<3>().at("isolated").get<bool>());
  EXPECT_FALSE(rows[0].get<3>().at("isolated").get<bool>());
  EXPECT_EQ(rows[1].get<3>().at("smt_rank").get<std::int32_t>(), 1);
}

TEST(DbusViews, NapiOverridesAsSetDeviceNapiTakesThem) {
  Overrides o;
  o.device_napi["eth0"].gro_flush_timeout = 20000;
  o.device_napi["eth0"].napi_thread_cpus = config::NapiThreadCpus::kSameL3;
  o.device_napi["eth1"].napi_threaded = config::NapiThreaded::kOff;
  auto rows = napi_override_rows(o);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(std::get<0>(rows[0]), "eth0");
  EXPECT_EQ(std::get<1>(rows[0]), (std::map<std::string, std::string>{
                                      {"gro_flush_timeout", "20000"}, {"thread_cpus", "same-l3"}}));
  EXPECT_EQ(std::get<1>(rows[1]), (std::map<std::string, std::string>{{"threaded", "off"}}));
  EXPECT_TRUE(napi_override_rows(Overrides{}).empty());
}

// Byte sequences that look like UTF-8 but that sd-bus refuses (a UTF-16 surrogate, an overlong
// '/', a code point past U+10FFFF, the noncharacter U+FFFE): replaced too, so the reply is sent.
TEST(DbusViews, DeviceRowsCarryOnlyStringsSdBusAccepts) {
  PlanResult p;
  sysfs::NicInfo nic;
  nic.name = "eth\xed\xa0\x80";
  nic.driver = "drv\xc0\xaf";
  nic.pci = "\xf4\x90\x80\x80";
  auto found = std::make_shared<Discovery>();
  found->inventory.nics = {nic, sysfs::NicInfo{.name = "\xef\xbf\xbe-\xc3\xa9"}};
  p.discovery = found;
  p.plan = std::make_shared<policies::Plan>();
  config::Config eff;
  policies::LoadInfo load;
  std::set<int> unchangeable;
  std::map<std::string, std::string> now;
  auto rows = device_rows({p, eff, load, unchangeable, now});
  ASSERT_EQ(rows.size(), 2u);
  const std::string r = "\xEF\xBF\xBD";
  EXPECT_EQ(std::get<0>(rows[0]), "eth" + r + r + r);
  EXPECT_EQ(std::get<1>(rows[0]), "drv" + r + r);
  EXPECT_EQ(std::get<2>(rows[0]), r + r + r + r);
  EXPECT_EQ(std::get<0>(rows[1]), r + "-\xc3\xa9");  // a valid é stays
}

}  // namespace
}  // namespace irqd::dbus
