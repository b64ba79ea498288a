// Rule matching and resolution: which [[device]] rules match a NIC, the order
// defaults < rules < run-time overrides, [[irq]] ignore and pin, and the plan that results.
#include <gtest/gtest.h>

#include "config/rules.hpp"
#include "config/toml_reader.hpp"
#include "tests/unit/steering_support.hpp"

namespace irqd::config {
namespace {

sysfs::NicInfo nic(std::string name, std::string driver = "", std::string pci = "", std::string mac = "") {
  sysfs::NicInfo n;
  n.name = std::move(name);
  n.driver = std::move(driver);
  n.pci = std::move(pci);
  n.mac = std::move(mac);
  return n;
}

Config parse(const std::string& text) {
  LoadResult r;
  read_toml(text, "t.toml", {}, r);
  check_conflicts(r);
  EXPECT_TRUE(r.ok()) << r.error_text();
  return r.config;
}

TEST(ConfigRules, MatchByNameDriverPciAndMac) {
  DeviceRule r;
  r.name = "ens*";
  EXPECT_TRUE(rule_matches(r, nic("ens1f0")));
  EXPECT_FALSE(rule_matches(r, nic("eth0")));
  r = {};
  r.driver = "mlx5*";
  EXPECT_TRUE(rule_matches(r, nic("x", "mlx5_core")));
  EXPECT_FALSE(rule_matches(r, nic("x", "ixgbe")));
  EXPECT_FALSE(rule_matches(r, nic("x")));  // no driver known: a driver rule does not match
  r = {};
  r.pci = "0000:45:00.*";
  EXPECT_TRUE(rule_matches(r, nic("x", "", "0000:45:00.1")));
  EXPECT_FALSE(rule_matches(r, nic("x", "", "0000:46:00.1")));
  EXPECT_FALSE(rule_matches(r, nic("veth0")));
  r = {};
  r.mac = "52:54:00:AB:CD:EF";
  EXPECT_TRUE(rule_matches(r, nic("x", "", "", "52:54:00:ab:cd:ef")));  // case does not matter
  EXPECT_FALSE(rule_matches(r, nic("x", "", "", "52:54:00:ab:cd:00")));
  EXPECT_FALSE(rule_matches(r, nic("x")));
  r = {};
  r.name = "eth*";
  r.driver = "virtio_net";  // every criterion must match
  EXPECT_TRUE(rule_matches(r, nic("eth0", "virtio_net")));
  EXPECT_FALSE(rule_matches(r, nic("eth0", "e1000")));
}

TEST(ConfigRules, DefaultsThenRulesInFileOrderThenOverrides) {
  Config c = parse(R"([[device]]
name = "eth*"
rps = "off"
xps = "rxqs"
[[device]]
driver = "virtio_net"
rps = "0-1"
allowed_cpus = "0-3"
[[device]]
name = "eth9"
policy = "balanced"
)");
  c.device_defaults.rfs = RfsMode::kOff;
  auto s = resolve_device(c, nic("eth0", "virtio_net"));
  EXPECT_EQ(s.rfs, RfsMode::kOff);       // defaults
  EXPECT_EQ(s.xps, XpsMode::kRxqs);      // first rule
  EXPECT_EQ(s.rps, RpsMode::kList);      // second rule wins over the first
  EXPECT_EQ(s.rps_cpus.to_list(), "0-1");
  EXPECT_EQ(s.allowed_cpus.to_list(), "0-3");
  EXPECT_EQ(s.policy, "");
  s = resolve_device(c, nic("eth1", "e1000"));
  EXPECT_EQ(s.rps, RpsMode::kOff);
  EXPECT_TRUE(s.allowed_cpus.empty());
  // A run-time override (D-Bus SetDevicePolicy) changes only what it sets.
  c.devices["eth0"].policy = "balanced";
  s = resolve_device(c, nic("eth0", "virtio_net"));
  EXPECT_EQ(s.policy, "balanced");
  EXPECT_EQ(s.rps, RpsMode::kList);
  EXPECT_EQ(s.xps, XpsMode::kRxqs);
  // Nothing matches: the defaults.
  s = resolve_device(c, nic("wlan0"));
  EXPECT_EQ(s.rps, RpsMode::kAuto);
  EXPECT_EQ(s.rfs, RfsMode::kOff);
}

// Run-time NAPI settings (D-Bus SetDeviceNapi) win over [[device]], field by field, even when
// they name the built-in default, and survive a second resolution.
TEST(ConfigRules, DeviceOverridesWinOverRulesEvenWithTheDefaults) {
  Config c = parse(R"([[device]]
name = "eth*"
napi_threaded = "on"
napi_thread_cpus = "same-l3"
napi_defer_hard_irqs = 5
gro_flush_timeout = 10000
)");
  DevicePatch o;
  o.napi_threaded = NapiThreaded::kKeep;
  o.napi_thread_cpus = NapiThreadCpus::kSibling;
  o.napi_defer_hard_irqs = 2;
  c.device_overrides["eth0"] = o;
  for (int round = 0; round < 2; ++round) {
    auto s = resolve_device(c, nic("eth0"));
    EXPECT_EQ(s.napi_threaded, NapiThreaded::kKeep);
    EXPECT_EQ(s.napi_thread_cpus, NapiThreadCpus::kSibling);
    EXPECT_EQ(s.napi_defer_hard_irqs, 2);
    EXPECT_EQ(s.gro_flush_timeout, 10000);  // not overridden: the rule's
    c.devices["eth0"] = s;                  // as resolve_rules leaves it
  }
  EXPECT_EQ(resolve_device(c, nic("eth1")).napi_defer_hard_irqs, 5);
  EXPECT_NE(describe(c).find("# run-time override\n[[device]]\nname = \"eth0\"\nnapi_threaded = \"keep\""),
            std::string::npos)
      << describe(c);
}

TEST(ConfigRules, ResolveRulesFillsDevicesAndIrqs) {
  Config c = parse(R"([[device]]
name = "eth0"
rps = "off"
[[irq]]
number = 40
pin = "1"
[[irq]]
name = "eth0-tx-*"
ignore = true
[[irq]]
name = "eth0-*"
pin = "0"
)");
  c.irq_pins[41] = sysfs::CpuSet::of({3});  // a run-time pin wins over a file pin
  c.irq_pins[42] = sysfs::CpuSet::of({3});  // an ignore wins over any pin
  sysfs::Inventory inv;
  inv.nics.push_back(nic("eth0"));
  inv.nics.push_back(nic("eth1"));
  for (auto [irq, name] : std::vector<std::pair<int, std::string>>{{40, "eth1-0"}, {41, "eth0-rx-0"}, {42, "eth0-tx-0"}}) {
    sysfs::IrqInfo i;
    i.irq = irq;
    i.name = name;
    inv.irqs.push_back(i);
  }
  // eth0-tx-0 matches both globs: check_irq_rules refuses that when the configuration is read
  // (see IrqRulesThatClashOnAnIrqAreErrors); an IRQ that appears later gets the first rule.
  resolve_rules(c, inv);
  EXPECT_EQ(c.device("eth0").rps, RpsMode::kOff);
  EXPECT_EQ(c.device("eth1").rps, RpsMode::kAuto);
  EXPECT_EQ(c.irq_pins.at(40).to_list(), "1");
  EXPECT_EQ(c.irq_pins.at(41).to_list(), "3");
  EXPECT_FALSE(c.irq_pins.contains(42));
  EXPECT_EQ(inv.irqs[2].error, "ignored by the [[irq]] rule at t.toml:7:1");
  EXPECT_EQ(inv.irqs[1].error, "");
}

std::vector<sysfs::IrqInfo> irqs(const std::vector<std::pair<int, std::string>>& list) {
  std::vector<sysfs::IrqInfo> out;
  for (const auto& [number, name] : list) {
    sysfs::IrqInfo i;
    i.irq = number;
    i.name = name;
    out.push_back(i);
  }
  return out;
}

TEST(ConfigRules, IrqRulesThatClashOnAnIrqAreErrors) {
  LoadResult r;
  read_toml("[[irq]]\nname = \"eth0-*\"\npin = \"1\"\n[[irq]]\nnumber = 45\npin = \"1\"\n"
            "[[irq]]\nname = \"*-tx-*\"\nignore = true\n",
            "t.toml", {}, r);
  check_irq_rules(r, irqs({{40, "eth0-rx-0"}, {41, "eth0-tx-0"}, {42, "eth0-tx-1"}, {43, "eth0-tx-2"},
                            {44, "eth0-tx-3"}, {45, "eth0-rx-1"}, {46, "eth1-tx-0"}}));
  EXPECT_EQ(r.error_text(),
            "t.toml:7:1: irq.ignore: IRQs 41 (eth0-tx-0), 42 (eth0-tx-1), 43 (eth0-tx-2) and 1 more conflict with "
            "the rule at t.toml:1:1 (pin 1) (expected one action per IRQ)\n");
  ASSERT_EQ(r.config.irq_rules.size(), 2u);  // the later rule is dropped
  EXPECT_EQ(r.config.irq_rules[1].number, 45);  // the same pin by number and by name: no clash

  // Rules that never meet on one of the machine's IRQs are fine.
  LoadResult apart;
  read_toml("[[irq]]\nnumber = 40\npin = \"1\"\n[[irq]]\nname = \"eth1-*\"\nignore = true\n", "t.toml", {}, apart);
  check_irq_rules(apart, irqs({{40, "eth0-rx-0"}, {46, "eth1-tx-0"}}));
  EXPECT_TRUE(apart.ok()) << apart.error_text();
  EXPECT_EQ(apart.config.irq_rules.size(), 2u);
}

TEST(ConfigRules, CommandLineSettingForEveryDeviceBeatsRules) {
  Config c = parse("[[device]]\nname = \"eth0\"\nrps = \"off\"\nxps = \"off\"\n");
  DevicePatch p;
  p.rps = RpsMode::kAuto;
  override_all_devices(c, p);
  auto s = resolve_device(c, nic("eth0"));
  EXPECT_EQ(s.rps, RpsMode::kAuto);
  EXPECT_EQ(s.xps, XpsMode::kOff);
}

TEST(ConfigRules, DevicePolicyFromARulePlansThatNicsIrqs) {
  using namespace policies::steering_test;
  Config c = parse("[[device]]\nname = \"eth1\"\npolicy = \"balanced\"\n[[device]]\nname = \"eth2\"\npolicy = \"nope\"\n");
  const auto m = pascal();
  Inventory inv;
  add_nic(inv, {.name = "eth0", .node = 0, .rx = 2, .tx = 2, .first_irq = 100});
  add_nic(inv, {.name = "eth1", .node = 1, .rx = 2, .tx = 2, .first_irq = 200});
  add_nic(inv, {.name = "eth2", .node = 1, .rx = 1, .tx = 1, .first_irq = 300});
  resolve_rules(c, inv);
  auto plan = build(m, inv, c);
  ASSERT_NE(plan.irq(100), nullptr);
  EXPECT_FALSE(contains(plan.irq(100)->reason.str(), "(policy"));
  ASSERT_NE(plan.irq(200), nullptr);
  EXPECT_TRUE(contains(plan.irq(200)->reason.str(), "(policy balanced)")) << plan.irq(200)->reason;
  EXPECT_TRUE(m.node_cpus(1).test(irq_cpu(plan, 200)));
  EXPECT_EQ(plan.irq(300), nullptr);  // an unknown policy leaves the IRQs alone, with a note
  EXPECT_TRUE(std::any_of(plan.notes.begin(), plan.notes.end(), [](const std::string& n) {
    return contains(n, "eth2: unknown policy 'nope'");
  })) << ::testing::PrintToString(plan.notes);
}

}  // namespace
}  // namespace irqd::config
