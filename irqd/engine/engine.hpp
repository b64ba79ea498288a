// The engine's planning half: load the machine model, discover, plan with the chosen policy and
// diff the plan against what the kernel reports now. (Applying joins in the apply issue.)
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "config/device_filter.hpp"
#include "irqd/engine/discover.hpp"
#include "policies/plan.hpp"
#include "sysfs/sys_root.hpp"
#include "topology/machine.hpp"

namespace irqd {

struct EngineOptions {
  std::filesystem::path root = "/";
  std::vector<std::string> devices;    // --device globs; empty = every NIC
  std::filesystem::path topology_xml;  // empty: live machine or the root's sysfs
  bool use_netlink = true;
};

struct IrqDiff {
  const sysfs::IrqInfo* irq = nullptr;
  const policies::IrqPlacement* planned = nullptr;  // nullptr: left as it is
  bool change = false;
  // The plan's reason, or why the IRQ is not placed. Made when asked: a cycle's diff has a row
  // for every NIC IRQ, and only reports and D-Bus views read the text.
  std::string reason() const;
};

struct QueueDiff {
  const sysfs::NicInfo* nic = nullptr;
  const sysfs::QueueInfo* queue = nullptr;
  const policies::QueuePlacement* planned = nullptr;  // nullptr: unchanged
  bool change = false;
};

// One knob write the plan needs: what to write where, and what is there now.
struct KnobChange {
  std::string path;      // kernel-relative ("proc/irq/38/smp_affinity_list")
  std::string value;     // text to write
  std::string current;   // text now ("" when unknown)
  int irq = -1;          // for IRQ affinity writes
  std::string subject;   // for messages: "IRQ 38 (virtio2-input.0, eth0 rx-0)", "eth0 rx-0 rps_cpus"
  // For the decision log and the change history (engine/decision.hpp): which knob it is, whose,
  // the values as people read them (cpulists, never masks; xps_rxqs as a list of RX queues) and
  // why the plan wants it.
  std::string kind{};    // "affinity", "rps_cpus", "rps_flow_cnt", "xps_cpus", "xps_rxqs", "napi",
                         // "rps_sock_flow_entries"
  std::string device{};  // "" for an IRQ of no NIC and the global RFS table
  int queue = -1;        // rx-N / tx-N index; -1 when not a queue's knob
  bool rx = false;
  std::string was{};     // the value now, for people ("" unknown)
  std::string want{};    // the value planned, for people
  policies::Reason reason{};
};

struct Diff {
  std::vector<IrqDiff> irqs;      // every IRQ that belongs to a NIC (and pinned ones), by IRQ number
  std::vector<IrqDiff> others;    // the non-network IRQs [daemon] other_irqs planned, by IRQ number
  std::vector<QueueDiff> queues;  // every queue of every NIC
  std::vector<KnobChange> knobs;  // the writes, in apply order (IRQs first, then queues, sysctl)
  int planned = 0;                // knobs the plan sets, changed or not
  int changes = 0;                // knobs.size()
  // NIC IRQs left alone because their /proc/irq/N files cannot be read (IrqInfo::error says why),
  // by IRQ number: never written blind, and reported so that none is skipped silently.
  std::vector<int> skipped;
  std::vector<std::string> notes;
};

// Everything one planning pass produced, kept together so the diff's pointers stay valid. The
// parts are immutable and shared: a cycle whose machine, discovery or configuration did not change
// shares them with the previous cycle's result instead of copying them (a PlanResult stays valid
// however many cycles later it is read).
struct PlanResult {
  std::shared_ptr<const topology::Machine> machine;
  std::shared_ptr<const Discovery> discovery;    // scoped to --device, [[irq]] ignores marked
  std::shared_ptr<const config::Config> config;  // rules resolved against discovery
  std::shared_ptr<const policies::Plan> plan;
  Diff diff;
  // Devices the configuration leaves alone ([[device]] ignore, [daemon] devices / exclude_devices,
  // down without queue IRQs), with why: out of `discovery`, said in the report.
  std::vector<config::LeftAlone> left_alone;

  // What the parts above were made from, for the next cycle to compare with.
  std::shared_ptr<const Discovery> found;                // the discovery as given, unscoped
  std::shared_ptr<const config::Config> config_given;    // the configuration as given
  std::vector<std::string> devices;                      // EngineOptions::devices
  bool load_dependent = false;  // a load-aware policy planned from a load: the plan depends on it
};

topology::Machine load_machine(const sysfs::SysRoot& root, const EngineOptions& opts);
// How many times load_machine ran in this process (the topology is loaded once at start and once
// per reload; tests hold the daemon to that).
std::uint64_t machine_loads();
// A pure function of what discovery read and the plan: no file is touched (discovery records
// which affinity file each IRQ has and the RFS table size).
Diff diff_plan(const sysfs::Inventory& inv, const policies::Plan& plan);
// diff_plan's part for rps_sock_flow_entries: a knob to write when discovery's value differs from
// `entries`, a note when the file is missing or could not be read (the rest of the plan applies).
void diff_rfs_table(const sysfs::Inventory& inv, long entries, Diff& d);
// diff_plan's part for the plan's device-wide NAPI files (Plan::device_napi): a knob
// "<nic path>/<file>" where discovery's value differs.
void diff_device_napi(const sysfs::Inventory& inv, const policies::Plan& plan, Diff& d);
// Throws on errors that leave nothing to plan (unreadable /proc/interrupts, topology failure,
// unknown policy); the message names what failed.
// `machine`: a model loaded earlier (the daemon keeps one between cycles); null loads it now.
// `load`: measured load for load-aware policies (the daemon's sampler); null for a static plan.
// `interrupts`: /proc/interrupts as the sampler just parsed it; null reads it here.
std::unique_ptr<PlanResult> plan_once(const EngineOptions& opts, const config::Config& cfg,
                                      const topology::Machine* machine = nullptr,
                                      const policies::LoadInfo* load = nullptr,
                                      const sysfs::InterruptTable* interrupts = nullptr);
// The same from a discovery made earlier (the daemon's DiscoveryCache): scopes, plans and diffs
// a snapshot, so the caller's discovery stays as it was. `previous`: the last result (the daemon's
// last plan), whose parts are shared rather than copied or recomputed where the machine, the
// discovery, the configuration (and, for a load-aware plan, the load) are the same; the result is
// exactly what a plan without `previous` would be.
std::unique_ptr<PlanResult> plan_discovered(const EngineOptions& opts, const config::Config& cfg,
                                            std::shared_ptr<const topology::Machine> machine,
                                            const policies::LoadInfo* load,
                                            const Discovery& discovery,
                                            const PlanResult* previous = nullptr);
// The same from a discovery the caller keeps unchanged (the DiscoveryCache copies before it
// changes a shared one): the result holds it instead of a snapshot copy.
std::unique_ptr<PlanResult> plan_discovered(const EngineOptions& opts, const config::Config& cfg,
                                            std::shared_ptr<const topology::Machine> machine,
                                            const policies::LoadInfo* load,
                                            std::shared_ptr<const Discovery> discovery,
                                            const PlanResult* previous = nullptr);

}  // namespace irqd
