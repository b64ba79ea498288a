// The one validator of the values a run-time request names — cpulists, queue names ("rx-3",
// "tx-0"), device and policy names; NAPI settings in config/napi_settings.hpp: the daemon's
// control API (D-Bus requests), its overrides state file and irqctl (before it asks the daemon)
// all check with these, so one rule and one message hold everywhere. Pure functions (no I/O), so the fuzz target calls exactly what they call. Every
// error is a std::invalid_argument whose message names the value and what was expected.
#pragma once

#include <string>
#include <string_view>

#include "sysfs/cpuset.hpp"

namespace irqd::config {

// How every message here quotes a value: at most `max` bytes, as printable ASCII ('?' for the
// rest), "..." when cut, so a huge argument does not become a huge error and a cut multi-byte
// character cannot make the D-Bus error string invalid UTF-8.
std::string shown_arg(std::string_view text, std::size_t max = 64);

// Longest argument text accepted (a cpulist of every CPU of an 8192-CPU machine is far shorter).
inline constexpr std::size_t kMaxArgLength = 4096;

// A cpulist that names at least one CPU ("0-3,8"); syntax only.
sysfs::CpuSet parse_cpus_arg(std::string_view text);
// The same, and every CPU must be in `existing` (the machine's online CPUs):
// "cpulist '0-999': CPU 999 does not exist (online CPUs: 0-1)".
sysfs::CpuSet parse_cpus_arg(std::string_view text, const sysfs::CpuSet& existing);

struct QueueName {
  bool rx = true;
  int index = -1;
};
// "rx-N" / "tx-N" as under /sys/class/net/DEV/queues/ (N a decimal without leading zeros, < 65536).
QueueName parse_queue_name(std::string_view text);
std::string queue_name(bool rx, int index);

// A network interface name as the kernel accepts it (dev_valid_name): 1-15 bytes, not "." or "..",
// no '/', ':' or whitespace.
void check_device_name(std::string_view name);
// A policy name: 1-32 of [a-z0-9_-] (whether such a policy exists is the registry's business).
void check_policy_name(std::string_view name);

}  // namespace irqd::config
