// irqctl's client-side argument checks: the daemon's rules and the daemon's messages, so a typo is
// refused the same way (exit 4) whether irqctl or the daemon catches it.
#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <stdexcept>
#include <string>

#include "config/arguments.hpp"
#include "irqd/irqctl/arguments.hpp"
#include "irqd/irqctl/errors.hpp"

namespace irqd::irqctl {
namespace {

ExitCode code_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const CommandError& e) {
    return e.code();
  }
  return kExitOk;
}

// The message of the kExitInvalid refusal, or "(accepted)".
std::string refusal(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const CommandError& e) {
    return e.code() == kExitInvalid ? e.what() : "(exit " + std::to_string(e.code()) + ")";
  }
  return "(accepted)";
}

TEST(IrqctlArguments, CpulistsQueuesAndDeviceNames) {
  EXPECT_EQ(code_of([] { check_cpulist("0-3,8"); }), kExitOk);
  EXPECT_EQ(code_of([] { check_cpulist("0-x"); }), kExitInvalid);
  EXPECT_EQ(code_of([] { check_cpulist(""); }), kExitInvalid);
  try {
    check_cpulist("3-1");
    FAIL() << "3-1 accepted";
  } catch (const CommandError& e) {
    EXPECT_NE(std::string(e.what()).find("'3-1'"), std::string::npos) << e.what();
  }
  EXPECT_EQ(code_of([] { check_queue_name("rx-0"); }), kExitOk);
  EXPECT_EQ(code_of([] { check_queue_name("tx-15"); }), kExitOk);
  for (const char* bad : {"rx-", "rx0", "rx-a", "ab-1", "", "rx-1234567"}) {
    EXPECT_EQ(code_of([&] { check_queue_name(bad); }), kExitInvalid) << bad;
  }
  EXPECT_EQ(code_of([] { check_device_name("eth0"); }), kExitOk);
  for (const char* bad : {"", "a/b", "a b", "..", "0123456789abcdef"}) {
    EXPECT_EQ(code_of([&] { check_device_name(bad); }), kExitInvalid) << bad;
  }
}

// The daemon refuses these (tests/unit/overrides_test.cpp, OverrideArgs); irqctl used to send
// some of them on (rx-00, tx-65536, a control character in a device name) or word them differently.
TEST(IrqctlArguments, RefusedWithTheDaemonsRulesAndMessages) {
  EXPECT_EQ(refusal([] { check_queue_name("rx-00"); }), "queue 'rx-00': expected rx-N or tx-N (e.g. rx-0)");
  EXPECT_EQ(refusal([] { check_queue_name("rx-01"); }), "queue 'rx-01': expected rx-N or tx-N (e.g. rx-0)");
  EXPECT_EQ(refusal([] { check_queue_name("tx-65536"); }),
            "queue 'tx-65536': expected rx-N or tx-N (e.g. rx-0)");
  EXPECT_EQ(refusal([] { check_queue_name("tx-65535"); }), "(accepted)");
  EXPECT_EQ(refusal([] { check_cpulist(""); }), "cpulist '': names no CPU");
  EXPECT_EQ(refusal([] { check_cpulist("zero"); }).rfind("cpulist 'zero': not a cpulist such as 0-3,8 (", 0), 0u)
      << refusal([] { check_cpulist("zero"); });
  EXPECT_NE(refusal([] { check_cpulist(std::string(5000, '1')); }).find("longer than 4096 bytes"), std::string::npos);
  EXPECT_EQ(refusal([] { check_device_name("eth\x01"); }),
            "device 'eth?': not a network interface name (1-15 bytes, no '/', ':' or spaces)");
  EXPECT_EQ(refusal([] { check_device_name("a:b"); }),
            "device 'a:b': not a network interface name (1-15 bytes, no '/', ':' or spaces)");
  EXPECT_EQ(refusal([] { check_policy_name("Spread!"); }), "policy 'Spread!': not a policy name");
  EXPECT_EQ(refusal([] { check_policy_name("balanced"); }), "(accepted)");
}

// Whatever the text, irqctl and the daemon's validator agree: both accept, or both refuse with
// the same words.
TEST(IrqctlArguments, AgreeWithTheDaemonsValidatorOnEveryInput) {
  auto daemon = [](auto check) -> std::string {
    try {
      check();
    } catch (const std::invalid_argument& e) {
      return e.what();
    }
    return "(accepted)";
  };
  for (const std::string text : {"", "0", "0-3,8", "3-1", "1-", "0-2790:2/8", "rx-0", "rx-00", "tx-9",
                                 "tx-65535", "tx-65536", "Rx-1", "eth0", "a b", "..", "a\x7f", "spread",
                                 "Spread!", "sixteen-chars-xx", "\xff\xfe"}) {
    SCOPED_TRACE(text);
    EXPECT_EQ(refusal([&] { check_cpulist(text); }), daemon([&] { config::parse_cpus_arg(text); }));
    EXPECT_EQ(refusal([&] { check_queue_name(text); }), daemon([&] { config::parse_queue_name(text); }));
    EXPECT_EQ(refusal([&] { check_device_name(text); }), daemon([&] { config::check_device_name(text); }));
    EXPECT_EQ(refusal([&] { check_policy_name(text); }), daemon([&] { config::check_policy_name(text); }));
  }
}

// irqctl napi's NAME=VALUE arguments, checked with config/napi_settings.hpp.
TEST(IrqctlArguments, NapiSettingsAreNameValuePairs) {
  EXPECT_EQ(parse_napi_settings({"defer_hard_irqs=2", "threaded=on", "thread_cpus=same-core",
                                 "gro_flush_timeout=default", "irq_suspend_timeout="}),
            (std::map<std::string, std::string>{{"defer_hard_irqs", "2"},
                                                {"threaded", "on"},
                                                {"thread_cpus", "same-core"},
                                                {"gro_flush_timeout", "default"},
                                                {"irq_suspend_timeout", ""}}));
  EXPECT_EQ(refusal([] { parse_napi_settings({"defer_hard_irqs"}); }),
            "'defer_hard_irqs': expected NAME=VALUE, e.g. defer_hard_irqs=2 or threaded=default");
  EXPECT_EQ(refusal([] { parse_napi_settings({"defer_hard_irqs=-1"}); }),
            "defer_hard_irqs '-1': expected an integer from 0 to 2147483647");
  EXPECT_EQ(refusal([] { parse_napi_settings({"threaded=yes"}); }),
            "threaded 'yes': expected keep, on or off");
  EXPECT_EQ(refusal([] { parse_napi_settings({"gro_flush=1"}); }),
            "unknown NAPI setting 'gro_flush' (expected threaded, thread_cpus, defer_hard_irqs, "
            "gro_flush_timeout or irq_suspend_timeout)");
  EXPECT_EQ(
      refusal([] { parse_napi_settings({"bogus=default"}); }).rfind("unknown NAPI setting", 0), 0u);
  EXPECT_EQ(refusal([] {
              parse_napi_settings({"threaded=on", "threaded=off"});
            }),
            "threaded is given twice");
  EXPECT_EQ(refusal([] { parse_napi_settings({"gro_flush_timeout=1=2"}); }),
            "gro_flush_timeout '1=2': expected nanoseconds, an integer from 0 to 3600000000000 (an "
            "hour)");
}

}  // namespace
}  // namespace irqd::irqctl
