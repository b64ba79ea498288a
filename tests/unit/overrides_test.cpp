// Run-time overrides: the overlay onto the configuration, the state file round trip (its values
// checked by config/arguments.hpp, see config_arguments_test.cpp), and a corrupt state file moved
// aside.
#include "irqd/daemon/overrides.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "tests/support/fixtures.hpp"

namespace irqd::testing {
namespace {

using sysfs::CpuSet;

std::string error_of(auto f) {
  try {
    f();
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "(no error)";
}

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

TEST(Overrides, FileRoundTrip) {
  Overrides o = sample();
  EXPECT_EQ(parse_overrides(serialize_overrides(o)), o);
  EXPECT_EQ(parse_overrides(serialize_overrides(Overrides{})), Overrides{});
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

TEST(OverrideStore, SavesAtomicallyAndLoadsBack) {
  TempDir dir;
  OverrideStore store(dir.path() / "state" / "overrides.json");
  EXPECT_EQ(store.load(), "");  // no file: no overrides, no complaint
  EXPECT_TRUE(store.get().empty());
  store.replace(sample());
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "state" / "overrides.json.tmp"));
  OverrideStore again(dir.path() / "state" / "overrides.json");
  EXPECT_EQ(again.load(), "");
  EXPECT_EQ(again.get(), sample());
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
