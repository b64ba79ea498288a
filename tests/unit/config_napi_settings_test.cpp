// NAPI settings by name (config/napi_settings.hpp): what SetDeviceNapi, irqctl napi and the
// overrides file accept is what [[device]] accepts, with the same limits and "expected" text.
#include "config/napi_settings.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "config/schema.hpp"
#include "tests/support/error_of.hpp"

namespace irqd::config {
namespace {

using irqd::testing::error_of;

std::string set_error(const std::string& name, const std::string& value) {
  DevicePatch p;
  return error_of([&] { set_napi_setting(p, name, value); });
}

TEST(NapiSettings, EveryNameStandsForADeviceKey) {
  ASSERT_EQ(napi_setting_names().size(), 5u);
  for (auto name : napi_setting_names())
    EXPECT_NE(find_key("device", napi_setting_key(name)), nullptr) << name;
  EXPECT_EQ(napi_setting_key("threaded"), "napi_threaded");
  EXPECT_EQ(napi_setting_key("defer_hard_irqs"), "napi_defer_hard_irqs");
}

TEST(NapiSettings, SetsEachFieldFromText) {
  DevicePatch p;
  set_napi_setting(p, "threaded", "on");
  set_napi_setting(p, "thread_cpus", "same-core");
  set_napi_setting(p, "defer_hard_irqs", "2");
  set_napi_setting(p, "gro_flush_timeout", "20000");
  set_napi_setting(p, "irq_suspend_timeout", "0");
  EXPECT_EQ(p.napi_threaded, NapiThreaded::kOn);
  EXPECT_EQ(p.napi_thread_cpus, NapiThreadCpus::kSameCore);
  EXPECT_EQ(p.napi_defer_hard_irqs, 2);
  EXPECT_EQ(p.gro_flush_timeout, 20000);
  EXPECT_EQ(p.irq_suspend_timeout, 0);
  EXPECT_FALSE(p.policy || p.rps || p.xps);  // nothing else
  EXPECT_EQ(napi_settings(p), (std::map<std::string, std::string>{{"threaded", "on"},
                                                                  {"thread_cpus", "same-core"},
                                                                  {"defer_hard_irqs", "2"},
                                                                  {"gro_flush_timeout", "20000"},
                                                                  {"irq_suspend_timeout", "0"}}));
  clear_napi_setting(p, "gro_flush_timeout");
  clear_napi_setting(p, "threaded");
  EXPECT_FALSE(p.gro_flush_timeout);
  EXPECT_FALSE(p.napi_threaded);
  EXPECT_EQ(napi_settings(p).size(), 3u);
}

// "keep" and "sibling" are values like any other: an override can name them.
TEST(NapiSettings, TheBuiltInDefaultsCanBeSet) {
  DevicePatch p;
  set_napi_setting(p, "threaded", "keep");
  set_napi_setting(p, "thread_cpus", "sibling");
  EXPECT_EQ(p.napi_threaded, NapiThreaded::kKeep);
  EXPECT_EQ(p.napi_thread_cpus, NapiThreadCpus::kSibling);
}

TEST(NapiSettings, TheLimitsAreTheConfigurationsOwn) {
  DevicePatch p;
  set_napi_setting(p, "defer_hard_irqs", std::to_string(kMaxNapiDeferHardIrqs));
  set_napi_setting(p, "gro_flush_timeout", std::to_string(kMaxNapiTimeoutNs));
  EXPECT_EQ(p.gro_flush_timeout, kMaxNapiTimeoutNs);
  EXPECT_EQ(set_error("defer_hard_irqs", std::to_string(kMaxNapiDeferHardIrqs + 1)),
            "defer_hard_irqs '2147483648': expected " +
                std::string(find_key("device", "napi_defer_hard_irqs")->expected));
  EXPECT_EQ(set_error("irq_suspend_timeout", std::to_string(kMaxNapiTimeoutNs + 1)),
            "irq_suspend_timeout '3600000000001': expected nanoseconds, an integer from 0 to "
            "3600000000000 (an hour)");
}

TEST(NapiSettings, BadValuesNameTheSettingTheValueAndWhatIsExpected) {
  EXPECT_EQ(set_error("threaded", "yes"), "threaded 'yes': expected keep, on or off");
  EXPECT_EQ(set_error("thread_cpus", "numa"),
            "thread_cpus 'numa': expected sibling, same-cpu, same-core or same-l3");
  for (const char* bad : {"", "-1", "+1", " 1", "1 ", "1e3", "0x10", "2.5", "99999999999999999999"})
    EXPECT_EQ(set_error("defer_hard_irqs", bad), std::string("defer_hard_irqs '") + bad +
                                                     "': expected an integer from 0 to 2147483647")
        << bad;
  // Quoted short and printable, as every argument message.
  std::string long_one = set_error("gro_flush_timeout", std::string(300, '\xff'));
  EXPECT_LT(long_one.size(), 200u) << long_one;
  for (char c : long_one) EXPECT_TRUE(c >= 0x20 && c < 0x7f) << long_one;
}

TEST(NapiSettings, UnknownNamesListTheKnownOnesAndSuggest) {
  EXPECT_EQ(set_error("defer_hard_irq", "1"),
            "unknown NAPI setting 'defer_hard_irq' (did you mean 'defer_hard_irqs'? expected "
            "threaded, thread_cpus, defer_hard_irqs, gro_flush_timeout or irq_suspend_timeout)");
  EXPECT_EQ(set_error("napi_threaded", "on"),
            "unknown NAPI setting 'napi_threaded' (expected threaded, thread_cpus, "
            "defer_hard_irqs, gro_flush_timeout or irq_suspend_timeout)");
  DevicePatch p;
  EXPECT_THROW(clear_napi_setting(p, "policy"), std::invalid_argument);
  EXPECT_THROW(napi_setting_key("rps"), std::invalid_argument);
}

TEST(NapiSettings, DefaultMeansDrop) {
  EXPECT_TRUE(is_napi_default(""));
  EXPECT_TRUE(is_napi_default("default"));
  EXPECT_FALSE(is_napi_default("keep"));
  EXPECT_FALSE(is_napi_default("0"));
}

TEST(NapiSettings, InForceShowsThreadingAlwaysAndNumbersWhenSet) {
  DeviceSettings s;
  EXPECT_EQ(napi_settings(s),
            (std::map<std::string, std::string>{{"threaded", "keep"}, {"thread_cpus", "sibling"}}));
  s.gro_flush_timeout = 5000;
  EXPECT_EQ(napi_settings(s).at("gro_flush_timeout"), "5000");
}

}  // namespace
}  // namespace irqd::config
