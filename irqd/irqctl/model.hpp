// The typed view of what irqctl gets from the daemon (one struct per D-Bus record of
// io.github.irqd.Irqd1) and the exit codes scripts rely on. Rendering works on these values only,
// so it can be tested without a bus.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace irqd::irqctl {

// Exit codes (documented in --help, contrib/irqctl.8 and the README); never renumbered.
enum ExitCode : int {
  kExitOk = 0,
  kExitUsage = 1,         // bad command line
  kExitUnreachable = 2,   // no bus, or no daemon on it
  kExitDenied = 3,        // org.freedesktop.DBus.Error.AccessDenied (write method, not root)
  kExitInvalid = 4,       // InvalidArgument or NotFound: the message says which
  kExitUnchangeable = 5,  // the IRQ's affinity is managed by the kernel
  kExitFailed = 6,        // the daemon could not do it (Failed, or any other error)
};

// GetStatus.
struct Status {
  std::string version;
  std::string policy;
  double interval_seconds = 0;
  std::uint64_t cycles = 0;
  double last_cycle_ms = 0;
  std::uint32_t placed = 0;        // IRQs irqd places
  std::uint32_t unchangeable = 0;  // IRQs whose affinity the kernel manages (kernel-managed)
  std::uint32_t failed = 0;
  std::string last_error;  // "" when the last cycle succeeded
  bool dry_run = false;
  // From GetStatus's more map; absent / empty from a daemon that does not send them.
  std::optional<double> uptime_seconds;
  std::vector<std::string> config_files;
  std::optional<std::string> usable_cpus;  // cpulist
  std::string banned_config;               // cpulists
  std::string banned_runtime;
  std::optional<std::uint64_t> last_change_usec;  // since the Unix epoch
  std::string last_change;                        // its subject and new value
  std::string other_irqs;  // [daemon] other_irqs: place, keep-off-isolated, ignore ("" not sent)
  // Pins in force by origin (irqctl status fills them from GetOverrides and GetStatus); nullopt:
  // not known (not asked, or a daemon that does not say).
  std::optional<std::uint32_t> config_irq_pins, config_queue_pins;
  std::optional<std::uint32_t> runtime_irq_pins, runtime_queue_pins;
};

// One row of ListIrqs.
struct Irq {
  std::uint32_t number = 0;
  std::string name;
  std::string device;  // "" when not a NIC queue IRQ
  std::string queue;
  std::string irq_class;
  std::int32_t numa_node = -1;
  std::string current;  // cpulist
  std::string planned;  // cpulist
  std::int32_t effective_cpu = -1;
  double rate = 0;   // interrupts per second
  double cost = 0;   // CPU seconds per second spent on it
  double share = 0;  // fraction (0..1) of all measured interrupt cost
  bool pinned = false;
  bool managed = false;
  std::string reason;  // why the plan puts it there ("" from a daemon that does not say)
  std::string load_source;  // "packets", "learned-cost", "interrupts"; "" before a load is measured
  double rps_cost = 0;  // CPU seconds per second its RX packets cost on its RPS CPUs (not in cost)
};

// A NAPI (netdev napi-get) as the kernel reports it: one of ListDevices' device "napis", or the
// NAPI a queue names (its irq then unknown, -1).
struct Napi {
  std::int32_t id = -1;
  std::int32_t irq = -1;  // -1: none the kernel knows of
  std::optional<std::uint64_t> defer_hard_irqs;
  std::optional<std::uint64_t> gro_flush_timeout;    // ns
  std::optional<std::uint64_t> irq_suspend_timeout;  // ns
  std::optional<bool> threaded;
  std::int32_t thread_pid = -1;  // its kthread while threaded
  std::string thread_cpus;       // "" when not threaded
};

// One queue of a ListDevices row.
struct Queue {
  std::string name;  // rx-N / tx-N
  std::int32_t irq = -1;
  std::string rps_cpus;
  std::uint32_t rps_flow_cnt = 0;
  std::string xps_cpus;
  std::string xps_rxqs;
  Napi napi;  // the NAPI serving it; id -1 when the kernel names none
};

// One row of ListDevices.
struct Device {
  std::string name;
  std::string driver;
  std::string pci;
  std::int32_t numa_node = -1;
  std::uint32_t rx_queues = 0;
  std::uint32_t tx_queues = 0;
  std::string policy;
  std::vector<Queue> queues;
  std::string numa_source;  // "device", "irq", "none" ("" from a daemon that does not say)
  // The NAPI settings irqd applies to it, by name (config/napi_settings.hpp): [[device]] with
  // run-time overrides over it; empty from a daemon that does not say.
  std::map<std::string, std::string> napi_settings;
  // Every NAPI, also those no queue names (veth); empty from a daemon that does not say.
  std::vector<Napi> napis;
};

// One row of GetPlan.
struct Change {
  std::string kind;
  std::string subject;
  std::string path;
  std::string current;
  std::string planned;
  std::string reason;  // for an IRQ's affinity: why it moves
};

// One change of GetHistory: what irqd changed (or tried), when and why.
struct HistoryEntry {
  std::uint64_t time_usec = 0;  // since the Unix epoch
  std::uint64_t cycle = 0;
  std::string kind;     // "affinity", "rps_cpus", "xps_cpus", "xps_rxqs", "napi", ...
  std::string subject;  // as the daemon's log names it
  std::int32_t irq = -1;
  std::string device;
  std::string queue;
  std::string old_value;  // cpulists / values as people read them ("" unknown)
  std::string new_value;
  std::string reason;
  bool ok = true;
  std::string error;
  std::string load_source;      // "" when not an IRQ moved from a measured load
  std::optional<double> cost;   // CPU seconds per second the plan used
  std::optional<double> rate;   // interrupts per second the plan used
};

// ExplainIrq: everything behind one IRQ's placement ("" / nullopt / -1: not known or n/a).
struct Explanation {
  std::uint32_t irq = 0;
  std::string name, device, queue;
  std::string current, effective, planned;  // cpulists
  std::string reason, policy;
  std::string load_source;
  std::optional<double> cost, rate, rps;
  std::int32_t nic_node = -1;
  std::string nic_local_cpus, banned_config, banned_runtime, isolated, pin, pin_source;
  bool managed = false;
  std::int32_t cycles_since_move = -1, cooldown_cycles = 0, cooldown_left = 0, moved_from = -1;
  std::vector<HistoryEntry> history;
};

struct IrqPin {
  std::uint32_t irq = 0;
  std::string cpus;
};
struct QueuePin {
  std::string device;
  std::string queue;
  std::string cpus;
};
struct DevicePolicy {
  std::string device;
  std::string policy;
};

// One device of GetNapiOverrides: its run-time NAPI settings by name.
struct DeviceNapi {
  std::string device;
  std::map<std::string, std::string> settings;
};

// GetOverrides and GetNapiOverrides.
struct Overrides {
  std::vector<IrqPin> irq_pins;      // run time
  std::vector<QueuePin> queue_pins;  // run time
  std::string banned_cpus;           // run time
  // From the configuration files (GetStatus's more); config_known false from a daemon that does
  // not say (then only the run-time ones are known).
  bool config_known = false;
  std::vector<IrqPin> config_irq_pins;
  std::vector<QueuePin> config_queue_pins;
  std::string config_banned_cpus;
  std::vector<DevicePolicy> device_policies;
  std::vector<DeviceNapi> device_napi;
};

// Which NUMA node and core each CPU is on: the daemon's GetTopology, or sysfs under a root from a
// daemon that lacks it. Empty when unknown: every CPU is then shown in one group.
struct CpuNodes {
  std::vector<int> online;     // sorted
  std::map<int, int> node_of;  // cpu -> node
  std::map<int, int> core_of;  // cpu -> core (the daemon's core index; the same for SMT siblings)
};

}  // namespace irqd::irqctl
