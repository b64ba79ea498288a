// Checks of command-line arguments irqctl can make before asking the daemon, so a typo gets a
// precise message and exit 4 even when the daemon is not running. The daemon checks again
// (against the machine: CPUs that exist, devices it knows).
#pragma once

#include <string>

namespace irqd::irqctl {

// A kernel cpulist ("0-3,8"); throws CommandError(kExitInvalid) naming the text and the problem.
// `allow_empty`: "" is a valid (empty) set.
void check_cpulist(const std::string& text, bool allow_empty = false);

// "rx-N" or "tx-N" as under /sys/class/net/DEV/queues; throws CommandError(kExitInvalid).
void check_queue_name(const std::string& text);

// A network interface name as the kernel accepts it (1-15 bytes, no '/', ':' or whitespace).
void check_device_name(const std::string& text);

}  // namespace irqd::irqctl
