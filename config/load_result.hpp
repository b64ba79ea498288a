// What reading configuration files produced: the merged configuration and every error found, each
// with the file, line and column it is about, plus the CPU lists to check against the machine.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "config/config.hpp"

namespace irqd::config {

struct ConfigError {
  SourceLocation where;
  std::string key;      // "daemon.interval", "device.rps"; "" for file-level errors
  std::string message;  // what is wrong (expected ...)
  // "file:line:column: key: message"
  std::string to_string() const;
};

// A CPU list as written in a file, checked against the machine's CPUs once that is known.
// Lenient ones (banned_cpus, allowed_cpus: a fleet's file names CPUs some hosts lack) make a
// warning for CPUs this host lacks; the others (pins, rps lists) an error.
struct CpuRef {
  SourceLocation where;
  std::string key;
  sysfs::CpuSet cpus;
  bool lenient = false;
};

// A CPU set with topology words (config/cpu_spec.hpp), resolved once the machine is known:
// into Config::banned_cpus (rule < 0) or into device_rules[rule]'s allowed_cpus.
struct CpuSpecRef {
  SourceLocation where;
  std::string key;
  std::string text;
  int rule = -1;
};

struct LoadResult {
  Config config;                    // everything that was valid, merged onto the defaults
  std::vector<ConfigError> errors;  // every error, in file order
  std::vector<CpuRef> cpu_refs;
  std::vector<CpuSpecRef> cpu_specs;
  // What is valid but likely not meant on this host (CPUs it lacks in banned_cpus, rules that
  // match nothing): printed by --check-config and logged at start and reload; never fatal.
  std::vector<ConfigError> warnings;
  // Errors past this many are counted, not kept: a garbage file must not make megabytes of text.
  static constexpr std::size_t kMaxErrors = 100;
  std::size_t dropped_errors = 0;

  bool ok() const { return errors.empty(); }
  void add(SourceLocation where, std::string key, std::string message);
  void warn(SourceLocation where, std::string key, std::string message);
  // Puts errors in reading order: by file (as read), then line and column; unlocated ones last.
  void sort_errors();
  // Every error, one per line (with a closing count of dropped ones).
  std::string error_text() const;
  // Every warning, one per line, each starting "warning: ".
  std::string warning_text() const;
};

// Thrown when a configuration is needed and the files had errors; what() lists them all.
class ConfigErrors : public std::runtime_error {
 public:
  explicit ConfigErrors(const LoadResult& r);
  const std::vector<ConfigError>& errors() const { return errors_; }

 private:
  std::vector<ConfigError> errors_;
};

// The configuration when `r` has no errors; throws ConfigErrors otherwise.
Config require_valid(LoadResult r);

}  // namespace irqd::config
