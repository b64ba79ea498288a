// Checks of command-line arguments irqctl can make before asking the daemon, so a typo gets a
// precise message and exit 4 even when the daemon is not running. They are the daemon's own
// validator (config/arguments.hpp): the same rules and the same messages. The daemon checks again
// against the machine (CPUs that exist, devices it knows).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace irqd::irqctl {

// A kernel cpulist naming at least one CPU ("0-3,8"); throws CommandError(kExitInvalid) with the
// daemon's message, e.g. "cpulist '': names no CPU".
void check_cpulist(const std::string& text);

// "rx-N" or "tx-N" as under /sys/class/net/DEV/queues (N without leading zeros, < 65536); throws
// CommandError(kExitInvalid).
void check_queue_name(const std::string& text);

// A network interface name as the kernel accepts it (1-15 bytes, no '/', ':', whitespace or
// control characters); throws CommandError(kExitInvalid).
void check_device_name(const std::string& text);

// A policy name's syntax (1-32 of [a-z0-9_-]); whether the policy exists is the daemon's to say.
void check_policy_name(const std::string& text);

// irqctl napi's NAME=VALUE arguments as SetDeviceNapi takes them (name -> value), each checked
// with the daemon's validator (config/napi_settings.hpp); NAME=default drops that setting and is
// passed on as it is. Throws CommandError(kExitInvalid) for an argument without '=', a name given
// twice, an unknown name or a bad value.
std::map<std::string, std::string> parse_napi_settings(const std::vector<std::string>& args);

// top's --size "COLSxROWS" (at least 20x10, at most 10000 each); nullopt when malformed.
std::optional<std::pair<int, int>> parse_size(std::string_view text);

}  // namespace irqd::irqctl
