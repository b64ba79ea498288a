// Settings given on irqd's command line that a configuration file can set too (--policy,
// --banned-cpus, --log-level, --run-dir, --state-dir, --rps, --rfs, --xps), held to the files'
// rules: each value is read by the TOML reader itself (the same checks and messages), its CPU
// numbers join the files' in LoadResult::cpu_refs (check_cpus: the same check against the
// machine), and every error names the option where a file's names file:line and key:
//   command line: --rps: CPU 16 does not exist (expected CPUs of this machine: 0-15)
// Valid values win over the files: scalars and banned_cpus replace, --rps/--rfs/--xps apply to
// every device (override_all_devices).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "config/load_result.hpp"
#include "config/toml_reader.hpp"

namespace irqd::config {

// Where command-line errors are said to be.
inline constexpr const char* kCommandLine = "command line";

// The options above, as given: (option name such as "--rps", its text). Throws
// std::invalid_argument for an option that is not one of them (a programming error).
using CommandLineSettings = std::vector<std::pair<std::string, std::string>>;

// Checks `given` and merges what is valid into r.config; problems go to r.errors.
void apply_command_line(const CommandLineSettings& given, const ReadOptions& opts, LoadResult& r);

}  // namespace irqd::config
