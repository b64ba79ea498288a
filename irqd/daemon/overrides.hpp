// Run-time overrides: what root set over D-Bus (IRQ pins, queue pins, banned CPUs, per-device
// policies and NAPI settings), layered onto the configuration before every plan
// (Daemon::set_overlay) and kept in STATE_DIR/overrides.json so they survive a restart, a crash or
// kill -9. The file format:
//   {"schema": 1, "irq_pins": [{"irq": 38, "cpus": "1"}],
//    "queue_pins": [{"device": "eth0", "queue": "rx-0", "cpus": "0-1"}],
//    "banned_cpus": "3", "device_policies": [{"device": "eth0", "policy": "spread"}],
//    "device_napi": [{"device": "eth0", "settings": {"defer_hard_irqs": "2", "threaded": "on"}}]}
// "device_napi" (names and values as config/napi_settings.hpp spells them) is written only when
// there are NAPI overrides, so a file without them stays readable by an irqd from before them.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <string_view>

#include "config/config.hpp"
#include "sysfs/cpuset.hpp"

namespace irqd {

struct Overrides {
  std::map<int, sysfs::CpuSet> irq_pins;
  std::map<config::QueueKey, sysfs::CpuSet> queue_pins;  // rx: rps_cpus, tx: xps_cpus
  sysfs::CpuSet banned_cpus;                             // added to the configuration's
  std::map<std::string, std::string> device_policies;    // device -> policy name
  // device -> its NAPI settings (only the NAPI fields of the patch are ever set)
  std::map<std::string, config::DevicePatch> device_napi;

  bool empty() const;
  bool operator==(const Overrides& o) const = default;
};

// Layers the overrides onto a configuration: pins replace configured pins of the same IRQ or queue,
// banned CPUs are added, a device policy sets that device's policy, NAPI settings win over the
// device's [[device]] rules (Config::device_overrides).
void apply_overrides(const Overrides& o, config::Config& cfg);

// The state file's text, and its parser. The parser is strict (schema 1, known keys, valid
// cpulists, queue and device names, NAPI settings) and throws std::invalid_argument naming what is wrong.
std::string serialize_overrides(const Overrides& o);
Overrides parse_overrides(std::string_view text);

// The state file: loaded once at start, saved atomically after every change.
class OverrideStore {
 public:
  explicit OverrideStore(std::filesystem::path file);
  // Reads the file. Absent: no overrides. Corrupt or unreadable: the file is moved aside to
  // overrides.json.corrupt-<UTC time>, no overrides are loaded, and the returned message says so
  // (the daemon logs it and starts without them). Returns "" when all went well.
  std::string load();
  // Replaces the overrides and writes the file; on failure (std::runtime_error naming the file)
  // the previous overrides stay in force.
  void replace(Overrides o);
  const Overrides& get() const { return overrides_; }
  const std::filesystem::path& file() const { return file_; }

 private:
  std::filesystem::path file_;
  Overrides overrides_;
};

}  // namespace irqd
