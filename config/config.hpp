// The configuration model and its defaults. Everything works with no file at all; TOML files
// (/etc/irqd/irqd.toml and conf.d) are parsed into this model by config/ once that issue lands.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <tuple>

#include "sysfs/cpuset.hpp"

namespace irqd::config {

// Per-device packet-steering settings (see policies/rps.hpp, rfs.hpp, xps.hpp).
enum class RpsMode { kAuto, kOff, kList };
enum class RfsMode { kAuto, kOff };
enum class XpsMode { kAuto, kCpus, kRxqs, kOff };

struct DeviceSettings {
  RpsMode rps = RpsMode::kAuto;
  sysfs::CpuSet rps_cpus;  // for RpsMode::kList
  RfsMode rfs = RfsMode::kAuto;
  XpsMode xps = XpsMode::kAuto;
  std::string policy;  // placement policy for this device's IRQs; empty: Config::policy
};

// A queue named by device, direction and index, for static pins.
struct QueueKey {
  std::string device;
  bool rx = true;
  int index = -1;
  auto operator<=>(const QueueKey&) const = default;
};

// Thresholds of the balanced policy (policies/balanced.hpp).
struct BalanceSettings {
  double margin = 0.10;     // move only when the busiest CPU exceeds the lower bound by more than this
  int max_moves = 8;        // IRQ moves per cycle at most
  int cooldown_cycles = 3;  // an IRQ moved in the last K cycles is not moved again
};

struct Config {
  std::string policy = "balanced";   // placement policy by name (policies/registry)
  sysfs::CpuSet banned_cpus;         // never used for any placement
  bool honour_isolcpus = true;       // keep isolcpus= / cpu/isolated CPUs free of interrupts
  bool honour_nohz_full = true;      // likewise nohz_full= CPUs
  bool restore_on_exit = false;      // a clean stop of the daemon puts original values back
  std::string run_dir = "/run/irqd";  // where original.json (values before irqd's first change) lives
  std::string state_dir = "/var/lib/irqd";  // run-time overrides (D-Bus pins, bans, policies) persist here
  double interval_seconds = 10.0;     // daemon cycle period
  std::string log_level = "info";     // spdlog level name

  // RFS: the global flow table size (Documentation/networking/scaling.rst suggests 32768).
  long rps_sock_flow_entries = 32768;
  BalanceSettings balance;
  DeviceSettings device_defaults;
  std::map<std::string, DeviceSettings> devices;  // by interface name

  // Static pins: always win over any computed policy.
  std::map<int, sysfs::CpuSet> irq_pins;         // IRQ -> CPUs (smp_affinity)
  std::map<QueueKey, sysfs::CpuSet> queue_pins;  // rx: rps_cpus, tx: xps_cpus

  const DeviceSettings& device(const std::string& name) const;
};

// One line per setting, for --check-config style output and logs.
std::string describe(const Config& c);

// Parsers for the per-device option values ("auto", "off", a cpulist ...); throw
// std::invalid_argument naming the value and what was expected.
RpsMode parse_rps(const std::string& v, sysfs::CpuSet* list);
RfsMode parse_rfs(const std::string& v);
XpsMode parse_xps(const std::string& v);
const char* to_string(XpsMode m);

}  // namespace irqd::config
