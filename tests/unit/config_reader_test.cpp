// TOML reader: every kind of error with its exact text and line:column, all errors collected,
// values and rules read, defaults, and describe() reading back as the same configuration.
#include <gtest/gtest.h>

#include "config/cpu_spec.hpp"
#include "config/loader.hpp"
#include "config/rules.hpp"
#include "config/schema.hpp"
#include "config/toml_reader.hpp"

namespace irqd::config {
namespace {

LoadResult read(const std::string& text) {
  LoadResult r;
  r.config.sources.push_back("t.toml");
  read_toml(text, "t.toml", ReadOptions{{"spread", "balanced"}}, r);
  check_conflicts(r);
  r.sort_errors();
  return r;
}

std::vector<std::string> errors(const LoadResult& r) {
  std::vector<std::string> out;
  for (const auto& e : r.errors) out.push_back(e.to_string());
  return out;
}

using Lines = std::vector<std::string>;

TEST(ConfigReader, EmptyDocumentGivesTheDefaults) {
  auto r = read("");
  EXPECT_TRUE(r.ok());
  Config d;
  EXPECT_EQ(describe(r.config).substr(describe(r.config).find('\n')), describe(d).substr(describe(d).find('\n')));
  EXPECT_EQ(r.config.policy, Config{}.policy);
  EXPECT_EQ(r.config.interval_seconds, 10.0);
  EXPECT_TRUE(r.config.device_rules.empty());
}

TEST(ConfigReader, ReadsEverySection) {
  auto r = read(R"(
[daemon]
interval = 2.5
policy = "balanced"
banned_cpus = "0,2-3"
honour_isolcpus = false
honour_nohz_full = false
restore_on_exit = true
ignore_irqbalance = true
state_dir = "/var/lib/x"
run_dir = "/run/x"
log_level = "debug"
rps_sock_flow_entries = 65536

[balance]
margin = 0.25
max_moves = 4
cooldown_cycles = 0

[[device]]
name = "ens*"
driver = "mlx5_core"
rps = "off"
xps = "rxqs"

[[device]]
pci = "0000:45:00.0"
mac = "52:54:00:AB:cd:01"
allowed_cpus = "4-7"
rfs = "off"
policy = "spread"

[[irq]]
number = 38
pin = "1"

[[irq]]
name = "nvme*"
ignore = true
)");
  ASSERT_TRUE(r.ok()) << r.error_text();
  const Config& c = r.config;
  EXPECT_EQ(c.interval_seconds, 2.5);
  EXPECT_EQ(c.policy, "balanced");
  EXPECT_EQ(c.banned_cpus.to_list(), "0,2-3");
  EXPECT_FALSE(c.honour_isolcpus);
  EXPECT_FALSE(c.honour_nohz_full);
  EXPECT_TRUE(c.restore_on_exit);
  EXPECT_TRUE(c.ignore_irqbalance);
  EXPECT_EQ(c.state_dir, "/var/lib/x");
  EXPECT_EQ(c.run_dir, "/run/x");
  EXPECT_EQ(c.log_level, "debug");
  EXPECT_EQ(c.rps_sock_flow_entries, 65536);
  EXPECT_EQ(c.balance.margin, 0.25);
  EXPECT_EQ(c.balance.max_moves, 4);
  EXPECT_EQ(c.balance.cooldown_cycles, 0);
  ASSERT_EQ(c.device_rules.size(), 2u);
  EXPECT_EQ(c.device_rules[0].name, "ens*");
  EXPECT_EQ(c.device_rules[0].driver, "mlx5_core");
  EXPECT_EQ(c.device_rules[0].set.rps, RpsMode::kOff);
  EXPECT_EQ(c.device_rules[0].set.xps, XpsMode::kRxqs);
  EXPECT_FALSE(c.device_rules[0].set.rfs);
  EXPECT_EQ(c.device_rules[0].where.to_string(), "t.toml:20:1");
  EXPECT_EQ(c.device_rules[1].pci, "0000:45:00.0");
  EXPECT_EQ(c.device_rules[1].mac, "52:54:00:AB:cd:01");
  EXPECT_EQ(c.device_rules[1].set.allowed_cpus->to_list(), "4-7");
  EXPECT_EQ(c.device_rules[1].set.rfs, RfsMode::kOff);
  EXPECT_EQ(*c.device_rules[1].set.policy, "spread");
  ASSERT_EQ(c.irq_rules.size(), 2u);
  EXPECT_EQ(c.irq_rules[0].number, 38);
  EXPECT_EQ(c.irq_rules[0].pin->to_list(), "1");
  EXPECT_EQ(c.irq_rules[1].name, "nvme*");
  EXPECT_TRUE(c.irq_rules[1].ignore);
}

TEST(ConfigReader, IntegerIntervalIsSeconds) {
  auto r = read("[daemon]\ninterval = 3\n");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.config.interval_seconds, 3.0);
}

TEST(ConfigReader, UnknownKeysSuggestTheClosestOne) {
  auto r = read("[daemon]\nintervall = 5\nbaned_cpus = \"1\"\nzzzz = 1\n[balanse]\nmargin = 1\n[[device]]\nnmae = \"eth0\"\nrps = \"off\"\n");
  EXPECT_EQ(errors(r), (Lines{
                           "t.toml:2:1: daemon.intervall: unknown key (did you mean 'interval'?)",
                           "t.toml:3:1: daemon.baned_cpus: unknown key (did you mean 'banned_cpus'?)",
                           "t.toml:4:1: daemon.zzzz: unknown key (expected one of: interval, policy, banned_cpus, "
                           "honour_isolcpus, honour_nohz_full, restore_on_exit, ignore_irqbalance, "
                           "honour_default_smp_affinity, other_irqs, state_dir, "
                           "run_dir, log_level, rps_sock_flow_entries, devices, exclude_devices, plan_down_devices)",
                           "t.toml:5:2: balanse: unknown key (did you mean 'balance'?)",
                           "t.toml:7:1: device: the rule matches nothing (expected at least one of name, driver, pci, mac)",
                           "t.toml:8:1: device.nmae: unknown key (did you mean 'name'?)",
                       }));
}

TEST(ConfigReader, WrongTypesNameWhatWasGivenAndWhatIsExpected) {
  auto r = read("[daemon]\ninterval = \"10\"\nrestore_on_exit = 1\nbanned_cpus = [1, 2]\n[balance]\nmax_moves = 2.5\n");
  EXPECT_EQ(errors(r), (Lines{
                           "t.toml:2:12: daemon.interval: is a string (expected a number of seconds from 0.05 to 3600)",
                           "t.toml:3:19: daemon.restore_on_exit: is an integer (expected true or false)",
                           "t.toml:4:15: daemon.banned_cpus: is an array (expected a cpulist such as \"0-3,8\" or items all, nodeN, packageN, first-of-each-node, smt-siblings-of:N)",
                           "t.toml:6:13: balance.max_moves: is a float (expected an integer from 1 to 100000)",
                       }));
}

TEST(ConfigReader, SectionsOfTheWrongShape) {
  auto r = read("daemon = 1\n[device]\nname = \"x\"\n");
  EXPECT_EQ(errors(r), (Lines{"t.toml:1:10: daemon: is an integer (expected a table [daemon])",
                              "t.toml:2:1: device: is a table (expected an array of tables [[device]])"}));
}

TEST(ConfigReader, OutOfRangeValues) {
  auto r = read(
      "[daemon]\ninterval = 0.01\nrps_sock_flow_entries = -1\n[balance]\nmargin = 11\nmax_moves = 0\n"
      "cooldown_cycles = 100001\n[[irq]]\nnumber = -3\nignore = true\n");
  EXPECT_EQ(errors(r), (Lines{
                           "t.toml:2:12: daemon.interval: 0.01 is out of range (expected a number of seconds from 0.05 to 3600)",
                           "t.toml:3:25: daemon.rps_sock_flow_entries: -1 is out of range (expected an integer from 0 to 1073741824)",
                           "t.toml:5:10: balance.margin: 11 is out of range (expected a number from 0 to 10)",
                           "t.toml:6:13: balance.max_moves: 0 is out of range (expected an integer from 1 to 100000)",
                           "t.toml:7:19: balance.cooldown_cycles: 100001 is out of range (expected an integer from 0 to 100000)",
                           "t.toml:9:10: irq.number: -3 is out of range (expected an IRQ number from 0 to 1048575)",
                       }));
}

TEST(ConfigReader, BadValues) {
  auto r = read(R"([daemon]
policy = "sprad"
log_level = "verbose"
banned_cpus = "0-x"
run_dir = "run"
state_dir = ""
[[device]]
name = "eth0"
pci = "45:00"
mac = "52:54:00"
rps = "sometimes"
rfs = "on"
xps = "all"
allowed_cpus = ""
)");
  ASSERT_EQ(errors(r).size(), 11u) << r.error_text();
  EXPECT_EQ(errors(r)[0], "t.toml:2:10: daemon.policy: unknown policy 'sprad' (did you mean 'spread'? expected one of: spread, balanced)");
  EXPECT_EQ(errors(r)[1], "t.toml:3:13: daemon.log_level: unknown level 'verbose' (expected one of trace, debug, info, warn, error, critical, off)");
  EXPECT_TRUE(errors(r)[2].starts_with("t.toml:4:15: daemon.banned_cpus: ")) << errors(r)[2];
  EXPECT_TRUE(errors(r)[2].ends_with("(expected a cpulist such as \"0-3,8\" or items all, nodeN, packageN, "
                                     "first-of-each-node, smt-siblings-of:N)")) << errors(r)[2];
  EXPECT_EQ(errors(r)[3], "t.toml:5:11: daemon.run_dir: 'run' is not absolute (expected an absolute directory path)");
  EXPECT_EQ(errors(r)[4], "t.toml:6:13: daemon.state_dir: is empty or holds a NUL character (expected an absolute directory path)");
  EXPECT_EQ(errors(r)[5], "t.toml:9:7: device.pci: '45:00' is not a PCI address (expected a PCI address or glob such as \"0000:45:00.0\")");
  EXPECT_EQ(errors(r)[6], "t.toml:10:7: device.mac: '52:54:00' is not a MAC address (expected a MAC address such as \"52:54:00:12:34:56\")");
  EXPECT_EQ(errors(r)[7], "t.toml:11:7: device.rps: 'sometimes' is not valid (expected auto, off or a cpulist such as \"0-3,8\")");
  EXPECT_EQ(errors(r)[8], "t.toml:12:7: device.rfs: 'on' is not valid (expected auto or off)");
  EXPECT_EQ(errors(r)[9], "t.toml:13:7: device.xps: 'all' is not valid (expected auto, cpus, rxqs or off)");
  EXPECT_EQ(errors(r)[10], "t.toml:14:16: device.allowed_cpus: is empty (expected a non-empty value: a cpulist such as \"0-3,8\" or items "
            "all, nodeN, packageN, first-of-each-node, smt-siblings-of:N)");
  EXPECT_TRUE(r.config.device_rules.empty());  // a rule with an error is not used at all
}

TEST(ConfigReader, ValidValuesNextToErrorsStillApply) {
  auto r = read("[daemon]\ninterval = 5\npolicy = \"nope\"\n");
  EXPECT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.config.interval_seconds, 5.0);
  EXPECT_EQ(r.config.policy, Config{}.policy);  // the bad value did not replace the default
}

TEST(ConfigReader, SyntaxErrorHasItsPosition) {
  auto r = read("[daemon]\ninterval = = 3\n");
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_TRUE(errors(r)[0].starts_with("t.toml:2:")) << errors(r)[0];
  EXPECT_NE(errors(r)[0].find("TOML syntax error: "), std::string::npos) << errors(r)[0];
}

TEST(ConfigReader, ControlCharacterInATableHeaderIsASyntaxError) {
  // Found by fuzz_config (toml++'s debug build asserts here; the release build reports it).
  auto r = read(std::string("[\x18\0\0\0on]\ninterval = = 3\n", 24));
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_TRUE(errors(r)[0].starts_with("t.toml:1:2: TOML syntax error: ")) << errors(r)[0];
}

TEST(ConfigReader, NonAsciiTextIsHandledWithoutReachingTomlPlusPlusBugs) {
  // Found by fuzz_config: toml++ 3.3 reaches __builtin_unreachable on these characters after a
  // bare key or value; irqd hands it a stand-in of the same length and reports the original place.
  auto r = read("[daemon]\ninterval = 5\u00fc\n");
  ASSERT_EQ(errors(r).size(), 1u);
  EXPECT_TRUE(errors(r)[0].starts_with("t.toml:2:")) << errors(r)[0];
  EXPECT_EQ(errors(r)[0].find("\u05d0"), std::string::npos) << errors(r)[0];
  r = read("[daemon\u0223]\n");
  ASSERT_EQ(errors(r).size(), 1u);
  EXPECT_TRUE(errors(r)[0].starts_with("t.toml:1:8: TOML syntax error: ")) << errors(r)[0];
  r = read(std::string("[[dev2ce]]\npci = \"0000:00:03.*\"\nps = 1<<<<<<<<<<<<<<<<<<<<<<<<<<\":2\xc6\xa4\x96\x89true\n"));
  EXPECT_EQ(errors(r).size(), 1u) << r.error_text();
  // In comments non-ASCII is fine; in values irqd expects ASCII and says so.
  r = read("# Z\u00fcrich \u4e00\n[[device]] # caf\u00e9\nname = \"Z\u00fcrich\"\nrps = \"off\"\n");
  EXPECT_EQ(errors(r), (Lines{"t.toml:3:8: device.name: holds non-ASCII characters (expected an interface name or glob "
                              "such as \"ens*\" in ASCII)"}));
}

TEST(ConfigReader, RulesThatDoNothingOrTooMuch) {
  auto r = read(R"([[device]]
name = "eth0"
[[irq]]
number = 1
name = "x"
ignore = true
[[irq]]
number = 2
ignore = true
pin = "0"
[[irq]]
number = 3
[[irq]]
number = 4
ignore = false
[[device]]
name = "eth1"
allowed_cpus = "0-1"
rps = "2-3"
)");
  EXPECT_EQ(errors(r), (Lines{
                           "t.toml:1:1: device: the rule sets nothing (expected at least one of ignore, policy, allowed_cpus, rps, rfs, "
                           "xps, napi_threaded, napi_thread_cpus, napi_defer_hard_irqs, gro_flush_timeout, irq_suspend_timeout)",
                           "t.toml:3:1: irq: the rule has both number and name (expected exactly one of them)",
                           "t.toml:7:1: irq: the rule both ignores and pins (expected ignore = true or pin, not both)",
                           "t.toml:11:1: irq: the rule does nothing (expected ignore = true or pin = \"cpulist\")",
                           "t.toml:15:10: irq.ignore: is false (expected true, or leave ignore out)",
                           "t.toml:16:1: device.rps: CPUs 2-3 are outside allowed_cpus 0-1 (expected rps within allowed_cpus)",
                       }));
}

TEST(ConfigReader, ConflictingIrqRules) {
  auto r = read("[[irq]]\nnumber = 38\nignore = true\n[[irq]]\nnumber = 38\npin = \"0\"\n[[irq]]\nnumber = 38\nignore = true\n"
                "[[irq]]\nname = \"eth0-*\"\npin = \"0\"\n[[irq]]\nname = \"eth0-*\"\npin = \"1\"\n");
  EXPECT_EQ(errors(r), (Lines{
                           "t.toml:4:1: irq.pin: IRQ 38 conflicts with the rule at t.toml:1:1 (ignore) (expected one action per IRQ)",
                           "t.toml:13:1: irq.pin: IRQs named 'eth0-*' conflicts with the rule at t.toml:10:1 (pin 0) (expected one action per IRQ)",
                       }));
  EXPECT_EQ(r.config.irq_rules.size(), 3u);  // the repeated identical rule is fine
}

TEST(ConfigReader, CpusThatDoNotExist) {
  auto r = read("[daemon]\nbanned_cpus = \"1,64\"\n[[device]]\nname = \"e*\"\nrps = \"0-9\"\nallowed_cpus = \"0-9\"\n[[irq]]\nnumber = 5\npin = \"3\"\n");
  ASSERT_TRUE(r.ok());
  check_cpus(r, sysfs::CpuSet::range(0, 3));
  r.sort_errors();
  // rps lists and pins stay strict; banned_cpus and allowed_cpus name CPUs a fleet's other hosts have.
  EXPECT_EQ(errors(r), (Lines{
                           "t.toml:5:7: device.rps: CPUs 4-9 do not exist (expected CPUs of this machine: 0-3)",
                       }));
  std::vector<std::string> warnings;
  for (const auto& w : r.warnings) warnings.push_back(w.to_string());
  EXPECT_EQ(warnings, (Lines{
                          "t.toml:2:15: daemon.banned_cpus: CPU 64 does not exist on this host (its CPUs: 0-3): left out here",
                          "t.toml:6:16: device.allowed_cpus: CPUs 4-9 do not exist on this host (its CPUs: 0-3): left out here",
                      }));
}

TEST(ConfigReader, GarbageMakesABoundedNumberOfErrors) {
  std::string text = "[daemon]\n";
  for (int i = 0; i < 500; ++i) text += "k" + std::to_string(i) + " = 1\n";
  auto r = read(text);
  EXPECT_EQ(r.errors.size(), LoadResult::kMaxErrors);
  EXPECT_EQ(r.dropped_errors, 400u);
  EXPECT_NE(r.error_text().find("... and 400 more errors"), std::string::npos);
}

TEST(ConfigReader, DescribeReadsBackAsTheSameConfiguration) {
  auto r = read(R"([daemon]
interval = 0.5
banned_cpus = "3"
log_level = "info"
[balance]
margin = 0.3
[[device]]
name = "we\"ird\\"
mac = "aa:bb:cc:dd:ee:ff"
rps = "0-1"
[[irq]]
name = "i40e-*"
pin = "2"
)");
  ASSERT_TRUE(r.ok()) << r.error_text();
  r.config.device_defaults.xps = XpsMode::kOff;
  r.config.irq_pins[7] = sysfs::CpuSet::of({1});
  std::string once = describe(r.config);
  auto again = read(once);
  ASSERT_TRUE(again.ok()) << again.error_text() << once;
  again.config.sources = r.config.sources;
  std::string twice = describe(again.config);
  // The defaults come back as a first [[device]] name = "*" rule and the run-time pin as an
  // [[irq]] rule; a further round is then a fixed point.
  auto third = read(twice);
  third.config.sources = r.config.sources;
  EXPECT_EQ(describe(third.config), twice);
  EXPECT_NE(once.find("xps = \"off\""), std::string::npos);
  EXPECT_EQ(again.config.interval_seconds, 0.5);
  EXPECT_EQ(again.config.balance.margin, 0.3);
  EXPECT_EQ(again.config.device_rules[1].name, "we\"ird\\");
}

TEST(ConfigSchema, SuggestsOnlyCloseWords) {
  EXPECT_EQ(suggest("intreval", {"interval", "policy"}), "interval");
  EXPECT_EQ(suggest("xyz", {"interval", "policy"}), "");
  EXPECT_EQ(suggest("rps", {"rfs", "xps"}), "rfs");
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
  EXPECT_EQ(edit_distance("nmae", "name"), 1u);
  EXPECT_EQ(suggest(std::string(1000, 'a'), {"interval"}), "");
}

}  // namespace
}  // namespace irqd::config

namespace irqd::config {
namespace {

TEST(ConfigNapi, DeviceRulesSetNapiThreadingAndTuning) {
  auto r = read(R"([[device]]
name = "eth*"
napi_threaded = "on"
napi_thread_cpus = "same-l3"
napi_defer_hard_irqs = 100
gro_flush_timeout = 20000
irq_suspend_timeout = 2000000
)");
  ASSERT_TRUE(r.ok()) << r.error_text();
  sysfs::Inventory inv;
  for (const char* n : {"eth0", "ens1"}) {
    sysfs::NicInfo nic;
    nic.name = n;
    inv.nics.push_back(nic);
  }
  resolve_devices(r.config, inv);
  const auto& s = r.config.device("eth0");
  EXPECT_EQ(s.napi_threaded, NapiThreaded::kOn);
  EXPECT_EQ(s.napi_thread_cpus, NapiThreadCpus::kSameL3);
  EXPECT_EQ(s.napi_defer_hard_irqs, 100);
  EXPECT_EQ(s.gro_flush_timeout, 20000);
  EXPECT_EQ(s.irq_suspend_timeout, 2000000);
  // Unset: left as the kernel has it.
  const auto& other = r.config.device("ens1");
  EXPECT_EQ(other.napi_threaded, NapiThreaded::kKeep);
  EXPECT_FALSE(other.gro_flush_timeout);
  // And the configuration in effect reads back the same.
  const std::string text = describe(r.config);
  EXPECT_NE(text.find("napi_threaded = \"on\""), std::string::npos) << text;
  EXPECT_NE(text.find("gro_flush_timeout = 20000"), std::string::npos) << text;
  auto again = read(text);
  ASSERT_TRUE(again.ok()) << again.error_text() << text;
  resolve_devices(again.config, inv);
  EXPECT_EQ(again.config.device("eth0"), s);
}

TEST(ConfigNapi, BadNapiValuesSayWhatIsExpected) {
  auto r = read(R"([[device]]
name = "eth0"
napi_threaded = "yes"
napi_thread_cpus = "numa"
napi_defer_hard_irqs = -1
gro_flush_timeout = "20us"
irq_suspend_timeout = 4000000000000
)");
  EXPECT_EQ(errors(r), (Lines{
                           "t.toml:3:17: device.napi_threaded: 'yes' is not valid (expected keep, on or off)",
                           "t.toml:4:20: device.napi_thread_cpus: 'numa' is not valid (expected sibling, same-cpu, same-core or same-l3)",
                           "t.toml:5:24: device.napi_defer_hard_irqs: -1 is out of range (expected an integer from 0 to 2147483647)",
                           "t.toml:6:21: device.gro_flush_timeout: is a string (expected nanoseconds, an integer from 0 to 3600000000000 (an hour))",
                           "t.toml:7:23: device.irq_suspend_timeout: 4000000000000 is out of range (expected nanoseconds, an integer from 0 to 3600000000000 (an hour))",
                       }));
}

TEST(ConfigReader, OtherIrqsModes) {
  EXPECT_EQ(Config{}.other_irqs, OtherIrqs::kPlace);  // irqd replaces irqbalance
  for (auto [text, mode] : {std::pair{"place", OtherIrqs::kPlace}, std::pair{"keep-off-isolated", OtherIrqs::kKeepOffIsolated},
                            std::pair{"ignore", OtherIrqs::kIgnore}}) {
    auto r = read(std::string("[daemon]\nother_irqs = \"") + text + "\"\n");
    ASSERT_TRUE(r.ok()) << r.error_text();
    EXPECT_EQ(r.config.other_irqs, mode);
    EXPECT_NE(describe(r.config).find(std::string("other_irqs = \"") + text + "\""), std::string::npos);
  }
  auto bad = read("[daemon]\nother_irqs = \"keep-off-isolatd\"\n");
  EXPECT_EQ(errors(bad), (Lines{"t.toml:2:14: daemon.other_irqs: unknown mode 'keep-off-isolatd' (did you mean "
                                "'keep-off-isolated'? expected place, keep-off-isolated or ignore)"}));
}

}  // namespace
}  // namespace irqd::config
