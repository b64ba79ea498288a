// Run-time overrides: the overlay onto the configuration, the state file round trip (its values
// checked by config/arguments.hpp and config/napi_settings.hpp, see config_arguments_test.cpp and
// config_napi_settings_test.cpp), and a corrupt state file moved aside.
#include "irqd/daemon/overrides.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "config/rules.hpp"
#include "tests/support/error_of.hpp"
#include "tests/support/fixtures.hpp"

namespace irqd::testing {
namespace {

using sysfs::CpuSet;

Overrides sample() {
  Overrides o;
  o.irq_pins[38] = CpuSet::of({1});
  o.queue_pins[{"eth0", true, 0}] = CpuSet::range(0, 1);
  o.queue_pins[{"eth0", false, 3}] = CpuSet::of({0});
  o.banned_cpus = CpuSet::of({3});
  o.device_policies["eth0"] = "balanced";
  return o;
}

TEST(Overrides, OverlayWinsOverTheConfiguration) {
  config::Config c;
  c.irq_pins[38] = CpuSet::of({0});
  c.irq_pins[40] = CpuSet::of({0});
  c.banned_cpus = CpuSet::of({2});
  c.device_defaults.xps = config::XpsMode::kRxqs;
  apply_overrides(sample(), c);
  EXPECT_EQ(c.irq_pins[38], CpuSet::of({1}));
  EXPECT_EQ(c.irq_pins[40], CpuSet::of({0}));
  EXPECT_EQ(c.banned_cpus, CpuSet::of({2, 3}));
  EXPECT_EQ(c.device("eth0").policy, "balanced");
  EXPECT_EQ(c.device("eth0").xps, config::XpsMode::kRxqs);  // other settings from the defaults
  EXPECT_EQ((c.queue_pins[{"eth0", false, 3}]), CpuSet::of({0}));
}

Overrides with_napi() {
  Overrides o = sample();
  config::DevicePatch& p = o.device_napi["eth0"];
  p.napi_threaded = config::NapiThreaded::kKeep;
  p.napi_thread_cpus = config::NapiThreadCpus::kSameCore;
  p.napi_defer_hard_irqs = 2;
  p.gro_flush_timeout = 20000;
  p.irq_suspend_timeout = 0;
  o.device_napi["eth1"].gro_flush_timeout = 5000;
  return o;
}

// A NAPI override wins over [[device]] field by field, also when it names the built-in default;
// what it does not set stays the configuration's.
TEST(Overrides, NapiSettingsWinOverDeviceRules) {
  config::Config c;
  config::DeviceRule rule;
  rule.name = "eth*";
  rule.set.napi_threaded = config::NapiThreaded::kOn;
  rule.set.napi_defer_hard_irqs = 9;
  rule.set.irq_suspend_timeout = 100;
  c.device_rules.push_back(rule);
  apply_overrides(with_napi(), c);
  sysfs::NicInfo eth0, eth1;
  eth0.name = "eth0";
  eth1.name = "eth1";
  auto s = config::resolve_device(c, eth0);
  EXPECT_EQ(s.napi_threaded, config::NapiThreaded::kKeep);
  EXPECT_EQ(s.napi_thread_cpus, config::NapiThreadCpus::kSameCore);
  EXPECT_EQ(s.napi_defer_hard_irqs, 2);
  EXPECT_EQ(s.irq_suspend_timeout, 0);
  EXPECT_EQ(s.policy, "balanced");  // the policy override too
  s = config::resolve_device(c, eth1);
  EXPECT_EQ(s.gro_flush_timeout, 5000);
  EXPECT_EQ(s.napi_threaded, config::NapiThreaded::kOn);  // the rule's
  EXPECT_EQ(s.napi_defer_hard_irqs, 9);
}

TEST(Overrides, FileRoundTrip) {
  Overrides o = sample();
  EXPECT_EQ(parse_overrides(serialize_overrides(o)), o);
  EXPECT_EQ(parse_overrides(serialize_overrides(Overrides{})), Overrides{});
  EXPECT_EQ(parse_overrides(serialize_overrides(with_napi())), with_napi());
  EXPECT_FALSE(with_napi().empty());
  Overrides only_napi;
  only_napi.device_napi["eth0"].napi_threaded = config::NapiThreaded::kOff;
  EXPECT_FALSE(only_napi.empty());
  EXPECT_EQ(parse_overrides(serialize_overrides(only_napi)), only_napi);
}

// The NAPI settings are written as SetDeviceNapi takes them; a file without them (an older
// irqd's, or one without NAPI overrides) has no "device_napi" key, so an older irqd still reads it.
TEST(Overrides, NapiSettingsInTheFile) {
  std::string text = serialize_overrides(with_napi());
  EXPECT_NE(text.find(R"("device_napi": [
    {
      "device": "eth0",
      "settings": {
        "defer_hard_irqs": "2",)"),
            std::string::npos)
      << text;
  EXPECT_EQ(serialize_overrides(sample()).find("device_napi"), std::string::npos);
  Overrides old = parse_overrides(
      R"({"schema": 1, "irq_pins": [], "queue_pins": [], "banned_cpus": "", "device_policies": []})");
  EXPECT_TRUE(old.device_napi.empty());
}

TEST(Overrides, ParserNamesWhatIsWrong) {
  auto err = [](const std::string& text) { return error_of([&] { parse_overrides(text); }); };
  const std::string tail = R"(, "queue_pins": [], "banned_cpus": "", "device_policies": []})";
  EXPECT_EQ(err("{"), "not valid JSON");
  EXPECT_EQ(err("[]"), "not a JSON object");
  EXPECT_EQ(err(R"({"schema": 2})"), "not an irqd overrides file (schema 1)");
  EXPECT_EQ(err(R"({"schema": 1e30})"), "not an irqd overrides file (schema 1)");
  EXPECT_EQ(err(R"({"schema": 1, "irq_pins": [{"irq": -1, "cpus": "0"}])" + tail),
            "irq_pins[0]: 'irq' is not an IRQ number");
  EXPECT_EQ(
      err(R"({"schema": 1, "irq_pins": [{"irq": 8888888888888888888888, "cpus": "0"}])" + tail),
      "irq_pins[0]: 'irq' is not an IRQ number");
  EXPECT_EQ(err(R"({"schema": 1, "irq_pins": [{"irq": 3, "cpus": ""}])" + tail),
            "irq_pins[0]: cpulist '': names no CPU");
  EXPECT_EQ(err(R"({"schema": 1, "irq_pins": [{"irq": 3, "cpus": "1", "x": 1}])" + tail),
            "irq_pins[0]: unknown key 'x'");
  EXPECT_EQ(
      err(R"({"schema": 1, "irq_pins": [], "queue_pins": [{"device": "eth0", "queue": "rx0", "cpus": "1"}],
                   "banned_cpus": "", "device_policies": []})"),
      "queue_pins[0]: queue 'rx0': expected rx-N or tx-N (e.g. rx-0)");
  EXPECT_EQ(
      err(R"({"schema": 1, "irq_pins": [], "queue_pins": [], "banned_cpus": 3, "device_policies": []})"),
      "file: 'banned_cpus' is not a string");
  EXPECT_EQ(
      err(R"({"schema": 1, "irq_pins": [], "queue_pins": [], "banned_cpus": "", "device_policies": [], "y": 0})"),
      "unknown key 'y'");
}

TEST(Overrides, ParserRefusesBadNapiSettings) {
  auto err = [](const std::string& napi) {
    return error_of([&] {
      parse_overrides(
          R"({"schema": 1, "irq_pins": [], "queue_pins": [], "banned_cpus": "", "device_policies": [],
              "device_napi": )" +
          napi + "}");
    });
  };
  EXPECT_EQ(err(R"([{"device": "eth0", "settings": {"defer_hard_irqs": "-1"}}])"),
            "device_napi[0]: defer_hard_irqs '-1': expected an integer from 0 to 2147483647");
  EXPECT_EQ(err(R"([{"device": "eth0", "settings": {"defer_hard_irqs": 2}}])"),
            "device_napi[0]: 'defer_hard_irqs' is not a string");
  EXPECT_EQ(err(R"([{"device": "eth0", "settings": {"threaded": "yes"}}])"),
            "device_napi[0]: threaded 'yes': expected keep, on or off");
  EXPECT_EQ(err(R"([{"device": "eth0", "settings": {"busy_poll": "1"}}])"),
            "device_napi[0]: unknown NAPI setting 'busy_poll' (expected threaded, thread_cpus, "
            "defer_hard_irqs, gro_flush_timeout or irq_suspend_timeout)");
  EXPECT_EQ(err(R"([{"device": "eth0", "settings": {"threaded": "default"}}])"),
            "device_napi[0]: threaded 'default': expected keep, on or off");
  EXPECT_EQ(err(R"([{"device": "eth0", "settings": {}}])"), "device_napi[0]: no settings");
  EXPECT_EQ(err(R"([{"device": "eth0", "settings": []}])"),
            "device_napi[0]: 'settings' is not an object");
  EXPECT_EQ(err(R"([{"device": "a/b", "settings": {"threaded": "on"}}])"),
            "device_napi[0]: device 'a/b': not a network interface name (1-15 bytes, no '/', ':' "
            "or spaces)");
  EXPECT_EQ(err(R"([{"device": "eth0", "settings": {"threaded": "on"}, "x": 1}])"),
            "device_napi[0]: unknown key 'x'");
  EXPECT_EQ(err(R"([{"device": "eth0", "settings": {"threaded": "on"}},
                    {"device": "eth0", "settings": {"threaded": "off"}}])"),
            "device_napi[1]: device eth0 is listed twice");
  EXPECT_EQ(err(R"({"eth0": {}})"), "'device_napi' is not a list");
}

TEST(OverrideStore, SavesAtomicallyAndLoadsBack) {
  TempDir dir;
  OverrideStore store(dir.path() / "state" / "overrides.json");
  EXPECT_EQ(store.load(), "");  // no file: no overrides, no complaint
  EXPECT_TRUE(store.get().empty());
  store.replace(with_napi());
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "state" / "overrides.json.tmp"));
  OverrideStore again(dir.path() / "state" / "overrides.json");
  EXPECT_EQ(again.load(), "");
  EXPECT_EQ(again.get(), with_napi());
}

TEST(OverrideStore, CorruptFileIsMovedAsideAndReported) {
  TempDir dir;
  dir.write("overrides.json", "{\"schema\": 1, \"irq_pins\": [");
  OverrideStore store(dir.path() / "overrides.json");
  std::string msg = store.load();
  EXPECT_NE(msg.find("overrides.json is corrupt (not valid JSON); moved to "), std::string::npos)
      << msg;
  EXPECT_NE(msg.find("starting without run-time overrides"), std::string::npos) << msg;
  EXPECT_TRUE(store.get().empty());
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "overrides.json"));
  int aside = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir.path()))
    aside += e.path().filename().string().rfind("overrides.json.corrupt-", 0) == 0;
  EXPECT_EQ(aside, 1);
}

TEST(OverrideStore, FailedSaveKeepsThePreviousOverrides) {
  TempDir dir;
  dir.write("blocker", "a file where the state directory should be");
  OverrideStore store(dir.path() / "blocker" / "overrides.json");
  EXPECT_THROW(store.replace(sample()), std::runtime_error);
  EXPECT_TRUE(store.get().empty());
}

}  // namespace
}  // namespace irqd::testing
