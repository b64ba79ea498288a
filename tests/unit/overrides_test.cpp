// Run-time overrides: argument parsing (what D-Bus callers see as InvalidArgument), the overlay
// onto the configuration, the state file round trip, and a corrupt state file moved aside.
#include "irqd/daemon/overrides.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "irqd/daemon/override_args.hpp"
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

TEST(OverrideArgs, CpulistsNameTheMissingCpu) {
  CpuSet online = CpuSet::range(0, 1);
  EXPECT_EQ(parse_cpus_arg("0-1", online), online);
  EXPECT_EQ(error_of([&] { parse_cpus_arg("0-999", online); }),
            "cpulist '0-999': CPUs 2-999 do not exist (online CPUs: 0-1)");
  EXPECT_EQ(error_of([&] { parse_cpus_arg("5", online); }),
            "cpulist '5': CPU 5 does not exist (online CPUs: 0-1)");
  EXPECT_EQ(error_of([&] { parse_cpus_arg("", online); }), "cpulist '': names no CPU");
  EXPECT_NE(error_of([&] { parse_cpus_arg("zero", online); }).find("cpulist 'zero': not a cpulist"),
            std::string::npos);
  EXPECT_NE(
      error_of([&] { parse_cpus_arg(std::string(5000, '1')); }).find("longer than 4096 bytes"),
      std::string::npos);
}

// Found by fuzz_dbus_args: the messages quoted whole lists (and raw bytes), so a crafted argument
// made a multi-kilobyte, possibly invalid UTF-8 D-Bus error string.
TEST(OverrideArgs, MessagesStayShortAndPrintable) {
  std::string stride = error_of([] { parse_cpus_arg("0-2790:2/8", CpuSet::range(0, 63)); });
  EXPECT_LT(stride.size(), 400u) << stride;
  EXPECT_NE(stride.find("do not exist"), std::string::npos) << stride;
  std::string junk = error_of([] { parse_cpus_arg(std::string(200, '\xff') + "K3,3117,1"); });
  EXPECT_LT(junk.size(), 400u) << junk;
  for (char c : junk + stride) EXPECT_TRUE(c >= 0x20 && c < 0x7f) << junk;
}

TEST(OverrideArgs, QueueNames) {
  EXPECT_TRUE(parse_queue_name("rx-0").rx);
  EXPECT_EQ(parse_queue_name("rx-0").index, 0);
  EXPECT_FALSE(parse_queue_name("tx-12").rx);
  EXPECT_EQ(parse_queue_name("tx-12").index, 12);
  EXPECT_EQ(queue_name(false, 12), "tx-12");
  for (const char* bad :
       {"", "rx", "rx-", "rx-01", "rx-a", "rxx-1", "Rx-1", "rx-65536", "rx--1", "rx-1 "})
    EXPECT_EQ(error_of([&] { parse_queue_name(bad); }),
              std::string("queue '") + bad + "': expected rx-N or tx-N (e.g. rx-0)")
        << bad;
}

TEST(OverrideArgs, DeviceAndPolicyNames) {
  check_device_name("eth0");
  check_device_name("enp1s0f1np1");
  for (const char* bad : {"", ".", "..", "a/b", "a:b", "a b", "sixteen-chars-xx"})
    EXPECT_NE(error_of([&] { check_device_name(bad); }).find("not a network interface name"),
              std::string::npos)
        << bad;
  check_policy_name("spread");
  EXPECT_EQ(error_of([&] { check_policy_name("Spread!"); }), "policy 'Spread!': not a policy name");
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
