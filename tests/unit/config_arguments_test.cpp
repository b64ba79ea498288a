// The validator of run-time request arguments (config/arguments.hpp) that the daemon's control
// API, its overrides state file and irqctl share: what D-Bus callers see as InvalidArgument and
// irqctl prints with exit 4.
#include "config/arguments.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "tests/support/error_of.hpp"

namespace irqd::config {
namespace {

using sysfs::CpuSet;

using irqd::testing::error_of;

TEST(Arguments, CpulistsNameTheMissingCpu) {
  CpuSet online = CpuSet::range(0, 1);
  EXPECT_EQ(parse_cpus_arg("0-1", online), online);
  EXPECT_EQ(error_of([&] { parse_cpus_arg("0-999", online); }),
            "cpulist '0-999': CPUs 2-999 do not exist (online CPUs: 0-1)");
  EXPECT_EQ(error_of([&] { parse_cpus_arg("5", online); }),
            "cpulist '5': CPU 5 does not exist (online CPUs: 0-1)");
  EXPECT_EQ(error_of([&] { parse_cpus_arg("", online); }), "cpulist '': names no CPU");
  EXPECT_NE(error_of([&] { parse_cpus_arg("zero", online); }).find("cpulist 'zero': not a cpulist"),
            std::string::npos);
  EXPECT_EQ(error_of([&] { parse_cpus_arg("0x3", online); }),
            "cpulist '0x3': not a cpulist such as 0-3,8 (looks like a hex CPU mask; irqd takes CPU lists: \"0-1\")");
  EXPECT_NE(
      error_of([&] { parse_cpus_arg(std::string(5000, '1')); }).find("longer than 4096 bytes"),
      std::string::npos);
}

// Found by fuzz_dbus_args: the messages quoted whole lists (and raw bytes), so a crafted argument
// made a multi-kilobyte, possibly invalid UTF-8 D-Bus error string.
TEST(Arguments, MessagesStayShortAndPrintable) {
  std::string stride = error_of([] { parse_cpus_arg("0-2790:2/8", CpuSet::range(0, 63)); });
  EXPECT_LT(stride.size(), 400u) << stride;
  EXPECT_NE(stride.find("do not exist"), std::string::npos) << stride;
  std::string junk = error_of([] { parse_cpus_arg(std::string(200, '\xff') + "K3,3117,1"); });
  EXPECT_LT(junk.size(), 400u) << junk;
  for (char c : junk + stride) EXPECT_TRUE(c >= 0x20 && c < 0x7f) << junk;
}

TEST(Arguments, QueueNames) {
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

TEST(Arguments, DeviceAndPolicyNames) {
  check_device_name("eth0");
  check_device_name("enp1s0f1np1");
  for (const char* bad : {"", ".", "..", "a/b", "a:b", "a b", "sixteen-chars-xx"})
    EXPECT_NE(error_of([&] { check_device_name(bad); }).find("not a network interface name"),
              std::string::npos)
        << bad;
  check_policy_name("spread");
  EXPECT_EQ(error_of([&] { check_policy_name("Spread!"); }), "policy 'Spread!': not a policy name");
}

}  // namespace
}  // namespace irqd::config
