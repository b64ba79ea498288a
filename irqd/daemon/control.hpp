// The daemon's control API: the narrow, typed set of run-time requests (pin, unpin, ban, per-device
// policy and NAPI settings, rebalance, reload) and the snapshot a view reads. It owns the run-time overrides and their
// state file, validates every argument (config/arguments.hpp, the rules irqctl checks with too)
// against the last discovery, and answers with a typed error;
// it knows nothing of D-Bus (dbus/service.cpp translates to and from the bus).
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/arguments.hpp"  // the arguments' validators, shared with irqctl
#include "irqd/daemon/daemon.hpp"
#include "irqd/daemon/explain.hpp"
#include "irqd/daemon/history.hpp"
#include "irqd/daemon/overrides.hpp"

namespace irqd {

enum class ControlErrc {
  kInvalidArgument,  // the argument is malformed or names CPUs that do not exist; a refused
                     // configuration file (reload)
  kNotFound,         // no such IRQ, device or queue; nothing to unpin or unban
  kUnchangeable,     // the kernel manages that IRQ's affinity
  kNotReady,         // no cycle has completed yet (the request needs the discovery)
  kFailed,           // the overrides could not be saved; anything unexpected
};

struct ControlError {
  ControlErrc code;
  std::string message;  // one line for the operator, naming the argument
};

// nullopt: done (a cycle is requested when the request changed something).
using ControlResult = std::optional<ControlError>;

// What a view of the daemon reads, valid until the next cycle or request.
struct Snapshot {
  const CycleReport& report;
  const PlanResult* plan;  // null before the first successful cycle
  const policies::LoadInfo& load;
  const std::set<int>& unchangeable;
  const Overrides& overrides;
  const DaemonOptions& options;
  std::uint64_t cycles;
  // Knobs the last cycle wrote, as read back from the kernel (path -> text).
  const std::map<std::string, std::string>& read_back;
};

class Control {
 public:
  // Loads STATE_DIR/overrides.json (a corrupt one is logged and moved aside) and layers the
  // overrides onto the daemon's configuration before every plan.
  Control(Daemon& daemon, const std::string& state_dir);

  ControlResult pin_irq(std::uint32_t irq, std::string_view cpus);
  ControlResult unpin_irq(std::uint32_t irq);
  // What pin_irq(irq, cpus) would do that an operator may not mean (daemon/pin_check.hpp), into
  // `warnings`; changes nothing. The same errors as pin_irq.
  ControlResult check_pin(std::uint32_t irq, std::string_view cpus,
                          std::vector<std::string>& warnings) const;
  ControlResult pin_queue(std::string_view device, std::string_view queue, std::string_view cpus);
  ControlResult unpin_queue(std::string_view device, std::string_view queue);
  // "" puts the device back to the configured policy.
  ControlResult set_device_policy(std::string_view device, std::string_view policy);
  // Sets or drops run-time NAPI settings of the device, name -> value as config/napi_settings.hpp
  // spells them; the value "" or "default" drops that setting's override (the [[device]] value, if
  // any, applies again). All or nothing: an unknown name or a bad value changes nothing. Setting
  // needs the device to exist; dropping does not (a vanished device's overrides can be cleared).
  ControlResult set_device_napi(std::string_view device,
                                const std::map<std::string, std::string>& settings);
  ControlResult ban_cpus(std::string_view cpus);
  ControlResult unban_cpus(std::string_view cpus);
  // Ends every cooldown and asks for a cycle now.
  ControlResult rebalance();
  // Re-reads the configuration files; the previous configuration stays on error.
  ControlResult reload();

  Snapshot snapshot() const;
  // The last changes irqd made or tried that match, oldest first.
  std::vector<ChangeRecord> history(const HistoryFilter& f) const { return daemon_.history().query(f); }
  // Everything behind IRQ `irq`'s placement (daemon/explain.hpp): kNotReady before the first
  // cycle, kNotFound for an IRQ the daemon does not know.
  ControlResult explain_irq(std::uint32_t irq, IrqExplanation& out) const;
  // What a cycle now would change: the kernel's knobs read afresh, the daemon's machine and load.
  std::unique_ptr<PlanResult> preview() const;
  const Overrides& overrides() const { return store_.get(); }
  const OverrideStore& store() const { return store_; }

  // True once after a request that asked for a cycle: the caller runs it after replying.
  bool take_cycle_request() { return std::exchange(cycle_requested_, false); }
  Daemon& daemon() { return daemon_; }
  // Seconds since the control API (the daemon's run) started.
  double uptime_seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  }

 private:
  ControlResult commit(Overrides o, const std::string& what);
  const PlanResult* plan() const { return daemon_.last_plan(); }
  ControlError not_ready() const;
  // pin_irq's checks: the IRQ exists and irqd may change it, `cpus` parses; fills info and set.
  ControlResult pinnable(std::uint32_t irq, std::string_view cpus, const sysfs::IrqInfo*& info,
                         sysfs::CpuSet& set) const;

  Daemon& daemon_;
  OverrideStore store_;
  bool cycle_requested_ = false;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
};

}  // namespace irqd
