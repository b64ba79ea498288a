// The daemon: one cycle (discover -> plan -> diff -> apply) per interval on the event loop,
// SIGHUP for an immediate re-discovery, SIGTERM/SIGINT for a clean stop (restoring original values
// when restore_on_exit is set). State that outlives a cycle lives here: the IRQs found
// kernel-managed and the original values. The D-Bus service, sd_notify, hotplug and config reload
// attach through the hooks below rather than living in here.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "config/config.hpp"
#include "irqd/engine/apply.hpp"
#include "irqd/engine/discovery_cache.hpp"
#include "irqd/engine/engine.hpp"
#include "irqd/daemon/event_loop.hpp"
#include "irqd/daemon/metrics.hpp"
#include "irqd/daemon/history.hpp"
#include "irqd/engine/originals.hpp"
#include "irqd/engine/napi_threads.hpp"
#include "irqd/engine/queue_work.hpp"
#include "irqd/engine/sampler.hpp"

namespace irqd {

struct DaemonOptions {
  EngineOptions engine;
  std::chrono::milliseconds interval{10000};
  bool dry_run = false;
  // The clock the sampler's interval is measured with; unset: steady_clock. The simulated machine
  // (tests/sim) passes its virtual time so measured costs do not depend on the test host's speed.
  std::function<std::chrono::steady_clock::time_point()> clock;
  // A machine model already loaded (at start, for the configuration check); null: loaded at the
  // first cycle.
  std::shared_ptr<const topology::Machine> machine;
  // Where per-queue packet counters come from (netdev qstats-get): the kernel's netdev family, or a
  // simulated machine's. Null: none (the load is measured from interrupts alone).
  std::shared_ptr<netlink::NetdevSource> netdev;
  // The configuration files in force, for the start line ("" entries are skipped).
  std::vector<std::string> config_files;
};

// What the last cycle did, for status queries, STATUS= lines and the CycleCompleted signal.
struct CycleReport {
  std::uint64_t cycle = 0;
  double cost_ms = 0.0;
  int planned = 0;       // knobs the plan sets
  int changes = 0;       // knobs that differed
  int applied = 0;
  int unchanged = 0;
  int failed = 0;
  int vanished = 0;      // knobs dropped because their NIC or queue went away (hotplug)
  int managed_irqs = 0;  // NIC IRQs in the last plan
  int skipped_irqs = 0;  // NIC IRQs left alone: their /proc/irq/N files cannot be read
  bool ok = true;        // false: the cycle threw (error says why)
  // Last cycle's error, "" when it succeeded: why it threw; else its first failed write and/or
  // which IRQs were skipped and why ("2 network IRQs skipped ...: IRQ 38: <why>; IRQ 39: <why>").
  std::string error;
};

class Daemon {
 public:
  Daemon(DaemonOptions opts, config::Config cfg);
  // Runs until SIGTERM or SIGINT; returns the process exit code (0 on a clean stop, 3 when
  // restore_on_exit could not restore everything). SIGTERM, SIGINT and SIGHUP stay blocked after
  // it returns: the process is on its way out, and a late signal must not kill it before then.
  int run();
  // The machine model, loaded now when there is none (a reload's configuration check uses it, so
  // the topology is loaded once per start or reload, not once more for the check).
  std::shared_ptr<const topology::Machine> ensure_machine();
  // One cycle, also used by tests; returns the apply result (empty counts for a dry run).
  ApplyResult cycle();
  // Forgets the machine model and the cached discovery so the next cycle loads and discovers
  // everything again (SIGHUP, hotplug, reload).
  void rediscover() {
    machine_.reset();
    discovery_.invalidate();
  }
  std::uint64_t cycles() const { return cycles_; }

  // --- hooks (call before run()) ---
  // Called with the event loop once it exists, before the first cycle: add fds, timers.
  void on_loop_start(std::function<void(EventLoop&)> f) { loop_hooks_.push_back(std::move(f)); }
  // Called after every cycle, successful or not.
  void on_cycle(std::function<void(const CycleReport&)> f) { cycle_hooks_.push_back(std::move(f)); }
  // How SIGHUP and reload() get a new configuration: returns it, or throws with a message naming
  // what is wrong (the old configuration then stays in force). Unset: SIGHUP only re-discovers.
  void set_reloader(std::function<config::Config()> f) { reloader_ = std::move(f); }
  // Run-time overrides (D-Bus pins, bans, per-device policies) layered onto the configuration
  // before every plan.
  void set_overlay(std::function<void(config::Config&)> f) { overlay_ = std::move(f); }
  // Called after every SIGHUP / reload(), with its outcome (e.g. sd_notify READY=1 after RELOADING=1).
  void on_reload(std::function<void(bool ok, const std::string& error)> f) { reload_hooks_.push_back(std::move(f)); }
  // Called once the loop has stopped, before originals are restored (e.g. sd_notify STOPPING=1).
  void on_stop(std::function<void()> f) { stop_hooks_.push_back(std::move(f)); }

  // --- run-time control (from the loop's callbacks) ---
  // Reloads the configuration through the reloader and re-discovers. Returns "" on success or the
  // error (the old configuration stays).
  std::string reload();
  // Replaces the configuration; takes effect at the next cycle.
  void set_config(config::Config cfg);
  // Runs a cycle now (a failed cycle is logged and reported like a timed one).
  void cycle_now();
  // Lets the next cycle move any IRQ, however recently it was moved (D-Bus Rebalance).
  void end_cooldowns() { moves_.cycles_since_move.clear(); }
  // What irqd moved and when (the balanced policy's cooldowns and no-return CPUs).
  const policies::MoveHistory& moves() const { return moves_; }
  // The last changes irqd made or tried (the decision log's lines, kept for irqctl history).
  const ChangeHistory& history() const { return history_; }
  // Stops run() after the current callback.
  void stop();

  // --- state, for queries ---
  const config::Config& config() const { return cfg_; }
  // The configuration the last plan used (config plus overlay).
  config::Config effective_config() const;
  const DaemonOptions& options() const { return opts_; }
  const CycleReport& last_report() const { return report_; }
  // The last successful cycle's plan and diff (null before one succeeded).
  const PlanResult* last_plan() const { return last_plan_.get(); }
  const std::set<int>& unchangeable() const { return unchangeable_; }
  // The knobs the last cycle wrote, as read back (path -> text); empty for a dry run.
  const std::map<std::string, std::string>& read_back() const { return read_back_; }
  // The discovery the next plan starts from (the cache, updated with the last cycle's writes);
  // null before the first cycle.
  std::shared_ptr<const Discovery> discovery() const { return discovery_.shared(); }
  const std::shared_ptr<const topology::Machine>& machine() const { return machine_; }
  const Sampler& sampler() const { return sampler_; }
  const DiscoveryCache& discovery_cache() const { return discovery_; }
  const policies::LoadInfo& load() const { return sampler_.load(); }
  // The Prometheus text of the daemon's counters and states (DaemonMetrics).
  std::string metrics_text() const;
  // The load the next plan would use: null until the sampler has a delta (the first cycle plans
  // without load), so a dry run of "now" plans exactly as the daemon's next cycle would.
  // The packets of each NIC IRQ since the last cycle, from opts_.netdev; empty when it has none.
  std::unordered_map<int, double> queue_packets();
  const policies::LoadInfo* plan_load() const { return have_load_ ? &sampler_.load() : nullptr; }

 private:
  void checked_cycle();
  void load_originals();  // once, before the first cycle (run() or a test's cycle())
  void log_new_warnings(const std::vector<std::string>& warnings);  // those not logged yet
  std::string skipped_text(const PlanResult& plan) const;           // for CycleReport::error
  // Records the apply's outcomes in history_ and logs the cycle's summary line (when it changed
  // anything); `load`: what the plan used.
  void record_changes(const ApplyResult& r, const policies::LoadInfo* load);
  std::string start_line();

  DaemonOptions opts_;
  sysfs::SysRoot root_;  // opts_.engine.root, opened once (each cycle reads and writes through it)
  config::Config cfg_;
  std::vector<std::function<void(EventLoop&)>> loop_hooks_;
  std::vector<std::function<void(const CycleReport&)>> cycle_hooks_;
  std::vector<std::function<void(bool, const std::string&)>> reload_hooks_;
  std::vector<std::function<void()>> stop_hooks_;
  std::function<config::Config()> reloader_;
  std::function<void(config::Config&)> overlay_;
  EventLoop* loop_ = nullptr;  // while run() runs
  CycleReport report_;
  std::unique_ptr<PlanResult> last_plan_;
  std::map<std::string, std::string> read_back_;
  OriginalStore originals_;
  std::set<int> unchangeable_;
  std::shared_ptr<const topology::Machine> machine_;  // loaded once; SIGHUP reloads it
  std::string cpus_online_;                   // cpu/online when machine_ was loaded (CPU hotplug)
  Sampler sampler_;
  DaemonMetrics metrics_;
  bool metrics_failing_ = false;  // the last textfile write failed (warned once per streak)
  void write_metrics();            // [metrics] textfile, after every cycle
  QueueWork queue_work_;
  std::unordered_map<int, double> rx_packets_;     // queue_work_'s RX packets of the interval
  std::vector<RxQueueSteering> rx_steering_;       // RX queue IRQs and RPS CPUs, for the sampler
  NapiThreads napi_threads_;
  // Whether opts_.netdev has per-queue counters (asked once); why not, logged once.
  std::optional<bool> qstats_;
  bool qstats_failing_ = false;  // the last read failed (warned once per streak)
  policies::MoveHistory moves_;  // the daemon's cooldowns: updated after each apply, read by plans
  ChangeHistory history_;
  DiscoveryCache discovery_;  // redone only when the IRQ set changes or on rediscover()
  bool have_load_ = false;                    // the sampler has produced a delta
  bool had_load_ = false;                     // some cycle since start had a measured load
  std::uint64_t groups_version_ = 0;          // discovery version the sampler's IRQ groups are from
  bool adopted_logged_ = false;               // "adopting the layout of an earlier run" was logged
  std::set<std::string> warned_;              // discovery warnings logged: each once, not every cycle
  bool originals_loaded_ = false;             // originals_ read from the run dir
  bool adopt_ = false;                        // they were not empty: a restart over irqd's own layout
  std::chrono::steady_clock::time_point last_sample_{};
  std::uint64_t cycles_ = 0;
  int consecutive_errors_ = 0;
};

// Blocks SIGTERM, SIGINT and SIGHUP in this thread for good: they wait for the event loop's
// signalfd (run() and run_daemon() call it; a signal sent while the daemon starts stops it cleanly).
void block_stop_signals();

}  // namespace irqd
