// The configuration model and its defaults. Everything works with no file at all; TOML files
// (/etc/irqd/irqd.toml, then conf.d/*.toml) are read into this model by config/loader.hpp, and
// device/IRQ rules are resolved against the discovered NICs by config/rules.hpp.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "sysfs/cpuset.hpp"

namespace irqd::config {

// Per-device packet-steering settings (see policies/rps.hpp, rfs.hpp, xps.hpp).
enum class RpsMode { kAuto, kOff, kList };
enum class RfsMode { kAuto, kOff };
enum class XpsMode { kAuto, kCpus, kRxqs, kOff };
// Whether a device's NAPIs poll in kernel threads (napi/<dev>-<id>): left as the kernel has it, or set.
enum class NapiThreaded { kKeep, kOn, kOff };
// Where a threaded NAPI's kthread goes, relative to its IRQ's CPU: the SMT sibling (else the
// CPU itself), the CPU itself, any CPU of its core, any CPU sharing its L3.
enum class NapiThreadCpus { kSibling, kSameCpu, kSameCore, kSameL3 };
// [daemon] other_irqs: what irqd does with IRQs that serve no NIC and are not kernel-managed
// (policies/other.hpp): place them (off banned/isolated CPUs, on their node, spread by measured
// cost), only keep them off banned/isolated/nohz_full CPUs, or leave them alone.
enum class OtherIrqs { kPlace, kKeepOffIsolated, kIgnore };
// The NAPI numbers' ranges, for irqd.toml and run-time requests alike (config/napi_settings.hpp):
// defer-hard-irqs up to S32_MAX (the kernel's netdev policy), the timeouts up to an hour in ns.
inline constexpr long kMaxNapiDeferHardIrqs = 2147483647L;
inline constexpr long kMaxNapiTimeoutNs = 3600L * 1000 * 1000 * 1000;

struct DeviceSettings {
  RpsMode rps = RpsMode::kAuto;
  sysfs::CpuSet rps_cpus;  // for RpsMode::kList
  RfsMode rfs = RfsMode::kAuto;
  XpsMode xps = XpsMode::kAuto;
  std::string policy;  // placement policy for this device's IRQs; empty: Config::policy
  sysfs::CpuSet allowed_cpus;  // CPUs this device's IRQs may use; empty: no restriction
  // NAPI (netdev napi-set, per NAPI; Linux 6.13+, threaded per NAPI 6.17+; before that
  // device-wide in /sys/class/net/<dev>/threaded, napi_defer_hard_irqs, gro_flush_timeout, and
  // irq_suspend_timeout not at all). nullopt: left as the kernel has it.
  NapiThreaded napi_threaded = NapiThreaded::kKeep;
  NapiThreadCpus napi_thread_cpus = NapiThreadCpus::kSibling;
  std::optional<long> napi_defer_hard_irqs;  // polls without re-enabling the IRQ
  std::optional<long> gro_flush_timeout;     // ns
  std::optional<long> irq_suspend_timeout;   // ns
  bool ignore = false;  // [[device]] ignore = true: irqd leaves the device alone (config/device_filter.hpp)
  bool operator==(const DeviceSettings&) const = default;
};

// Where a setting came from, for messages ("file:line:column").
struct SourceLocation {
  std::string file;
  int line = 0;
  int column = 0;
  std::string to_string() const;  // "file:line:column", "file" without a line, "" when unknown
  bool operator==(const SourceLocation&) const = default;
};

// The settings a [[device]] rule changes; unset fields leave what came before.
struct DevicePatch {
  std::optional<std::string> policy;
  std::optional<RpsMode> rps;
  sysfs::CpuSet rps_cpus;  // with rps == kList
  std::optional<RfsMode> rfs;
  std::optional<XpsMode> xps;
  std::optional<sysfs::CpuSet> allowed_cpus;
  std::optional<NapiThreaded> napi_threaded;
  std::optional<NapiThreadCpus> napi_thread_cpus;
  std::optional<long> napi_defer_hard_irqs;
  std::optional<long> gro_flush_timeout;
  std::optional<long> irq_suspend_timeout;
  std::optional<bool> ignore;
  void apply_to(DeviceSettings& s) const;
  bool operator==(const DevicePatch&) const = default;
};
// The patch that turns default-constructed DeviceSettings into `s`: every field that differs.
DevicePatch patch_of(const DeviceSettings& s);

// A [[device]] rule: matches a NIC when every given criterion matches (fnmatch globs for name,
// driver and pci; mac compared case-insensitively); an empty criterion matches anything.
struct DeviceRule {
  std::string name, driver, pci, mac;
  DevicePatch set;
  SourceLocation where;
  bool operator==(const DeviceRule&) const = default;
};

// An [[irq]] rule: by IRQ number or by action-name glob; either ignore (irqd never touches the IRQ)
// or a static pin.
struct IrqRule {
  int number = -1;   // -1: match by name
  std::string name;  // fnmatch glob on the /proc/interrupts action name
  bool ignore = false;
  std::optional<sysfs::CpuSet> pin;
  SourceLocation where;
  bool operator==(const IrqRule&) const = default;
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
  double margin = 0.05;     // move only when the busiest CPU exceeds the lower bound by more than this
  int max_moves = 16;       // IRQ moves per cycle at most (a swap is two)
  int cooldown_cycles = 3;  // an IRQ moved in the last K cycles is not moved again
  bool operator==(const BalanceSettings&) const = default;
};

struct Config {
  std::string policy = "balanced";   // placement policy by name (policies/registry)
  sysfs::CpuSet banned_cpus;         // never used for any placement
  bool honour_isolcpus = true;       // keep isolcpus= / cpu/isolated CPUs free of interrupts
  bool honour_nohz_full = true;      // likewise nohz_full= CPUs
  bool honour_default_smp_affinity = true;  // likewise CPUs /proc/irq/default_smp_affinity leaves out
  bool restore_on_exit = false;      // a clean stop of the daemon puts original values back
  std::string run_dir = "/run/irqd";  // where original.json (values before irqd's first change) lives
  // [metrics] textfile: the daemon writes its Prometheus metrics there after every cycle
  // (atomically: a temporary file renamed over it); "" = not written.
  std::string metrics_textfile;
  std::string state_dir = "/var/lib/irqd";  // run-time overrides (D-Bus pins, bans, policies) persist here
  double interval_seconds = 10.0;     // daemon cycle period
  std::string log_level = "info";     // spdlog level name (the command line's default too): info logs
                                     // each change with its reason and nothing in a steady state
  bool ignore_irqbalance = false;     // run even when irqbalance is running
  OtherIrqs other_irqs = OtherIrqs::kPlace;  // non-network IRQs (irqd replaces irqbalance)
  // Which devices irqd plans at all (config/device_filter.hpp): fnmatch globs on interface names.
  std::vector<std::string> only_devices;       // [daemon] devices: only these (empty: every device)
  std::vector<std::string> exclude_devices;    // [daemon] exclude_devices: never these
  // [daemon] plan_down_devices: devices that are down and have no queue IRQs (ifb, dummy, a veth
  // not up yet) are left alone unless they match one of these.
  std::vector<std::string> plan_down_devices;

  // RFS: the global flow table size (Documentation/networking/scaling.rst suggests 32768).
  long rps_sock_flow_entries = 32768;
  BalanceSettings balance;
  DeviceSettings device_defaults;
  std::map<std::string, DeviceSettings> devices;  // by interface name: run-time overrides (D-Bus)
  // By interface name: run-time settings (D-Bus SetDeviceNapi) applied after every rule. A patch,
  // not DeviceSettings: an override that names a built-in default ("keep") must still win.
  std::map<std::string, DevicePatch> device_overrides;
  std::vector<DeviceRule> device_rules;           // [[device]] in file order (later rules win)
  std::vector<IrqRule> irq_rules;                 // [[irq]] in file order
  std::vector<std::string> sources;               // files read, in order (for describe)

  // Static pins: always win over any computed policy.
  std::map<int, sysfs::CpuSet> irq_pins;         // IRQ -> CPUs (smp_affinity)
  std::map<QueueKey, sysfs::CpuSet> queue_pins;  // rx: rps_cpus, tx: xps_cpus

  // A device's settings. Policies call this after config::resolve_rules (config/rules.hpp) has put
  // every discovered NIC's resolved settings into `devices`.
  const DeviceSettings& device(const std::string& name) const;
  // Member-wise: the engine keeps the last resolution and plan while the configuration is the same.
  bool operator==(const Config&) const = default;
};

// The whole configuration as TOML (every key, rules included), for --check-config and logs; it
// parses back into the same configuration.
std::string describe(const Config& c);

// Parsers for the per-device option values ("auto", "off", a cpulist ...); throw
// std::invalid_argument naming the value and what was expected.
RpsMode parse_rps(const std::string& v, sysfs::CpuSet* list);
RfsMode parse_rfs(const std::string& v);
XpsMode parse_xps(const std::string& v);
const char* to_string(XpsMode m);
NapiThreaded parse_napi_threaded(const std::string& v);  // keep, on, off
const char* to_string(NapiThreaded m);
NapiThreadCpus parse_napi_thread_cpus(const std::string& v);  // sibling, same-cpu, same-core, same-l3
const char* to_string(NapiThreadCpus m);
std::string to_string(RpsMode m, const sysfs::CpuSet& list);
const char* to_string(RfsMode m);
OtherIrqs parse_other_irqs(const std::string& v);  // place, keep-off-isolated, ignore
const char* to_string(OtherIrqs m);

}  // namespace irqd::config
