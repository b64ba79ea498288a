// Daemon cycle and lifecycle.
#include "irqd/daemon/daemon.hpp"

#include "irqd/engine/atomic_file.hpp"

#include "irqd/engine/napi_knob_io.hpp"

#include <signal.h>

#include <chrono>
#include <unordered_map>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "config/arguments.hpp"
#include "irqd/daemon/event_loop.hpp"
#include "irqd/engine/decision.hpp"
#include "policies/core_order.hpp"
#include "sysfs/knob_io.hpp"

namespace irqd {

Daemon::Daemon(DaemonOptions opts, config::Config cfg)
    : opts_(std::move(opts)),
      root_(opts_.engine.root),
      cfg_(std::move(cfg)),
      originals_(std::filesystem::path(cfg_.run_dir) / "original.json") {
  machine_ = std::move(opts_.machine);
  if (machine_) cpus_online_ = root_.read_line("sys/devices/system/cpu/online").value_or("");
}

std::shared_ptr<const topology::Machine> Daemon::ensure_machine() {
  if (!machine_) {
    cpus_online_ = root_.read_line("sys/devices/system/cpu/online").value_or("");
    machine_ = std::make_shared<const topology::Machine>(load_machine(root_, opts_.engine));
  }
  return machine_;
}

config::Config Daemon::effective_config() const {
  config::Config c = cfg_;
  if (overlay_) overlay_(c);
  return c;
}

void Daemon::set_config(config::Config cfg) {
  cfg_ = std::move(cfg);
  rediscover();
}

std::string Daemon::reload() {
  std::string error;
  machine_.reset();  // loaded again (once) by the new configuration's check or the next cycle
  if (reloader_) {
    try {
      cfg_ = reloader_();  // re-discovered below either way
      spdlog::info("configuration reloaded");
    } catch (const std::exception& e) {
      error = e.what();
      spdlog::error("reload failed, the previous configuration stays in force: {}", error);
    }
  }
  discovery_.invalidate();
  for (auto& h : reload_hooks_) h(error.empty(), error);
  return error;
}

std::unordered_map<int, double> Daemon::queue_packets() {
  if (!opts_.netdev || (qstats_ && !*qstats_)) return {};
  const auto disc = discovery_.shared();
  try {
    if (!qstats_) {
      qstats_ = opts_.netdev->features().qstats_get;
      if (!*qstats_) {
        spdlog::info("netdev genetlink: no per-queue counters (qstats-get, Linux 6.9+): IRQ loads come from "
                     "interrupt counts weighted by learned costs per interrupt");
        return {};
      }
    }
    auto stats = opts_.netdev->queue_stats();
    if (!stats) {
      queue_work_.reset();
      return {};
    }
    if (!disc) {
      // The first cycle: no IRQs to map the queues to yet, but its reading makes the first
      // measured interval's packets (a restart measures by packets from its first load on).
      static const sysfs::Inventory kNone;
      queue_work_.update(kNone, *stats);
      return {};
    }
    if (qstats_failing_) spdlog::info("netdev genetlink: per-queue counters are read again");
    qstats_failing_ = false;
    return queue_work_.update(disc->inventory, *stats, &rx_packets_);
  } catch (const std::exception& e) {
    // Once per streak of failures, not every cycle; the recovery is logged too.
    if (!qstats_failing_)
      spdlog::warn("netdev genetlink: per-queue counters could not be read ({}); loads are measured from "
                   "interrupts until they can",
                   e.what());
    qstats_failing_ = true;
    queue_work_.reset();
    return {};
  }
}

ApplyResult Daemon::cycle() {
  auto start = std::chrono::steady_clock::now();
  load_originals();
  ++cycles_;
  report_ = CycleReport{};
  report_.cycle = cycles_;
  const sysfs::SysRoot& sample_root = root_;
  // CPU hotplug: a CPU that went offline or came online makes the machine model stale.
  std::string online = sample_root.read_line("sys/devices/system/cpu/online").value_or("");
  if (machine_ && online != cpus_online_) {
    spdlog::info("online CPUs changed from {} to {}: re-discovering", cpus_online_, online);
    machine_.reset();
  }
  cpus_online_ = online;
  ensure_machine();
  // Sample first: the plan is made from the load measured up to now.
  const auto now = opts_.clock ? opts_.clock() : start;
  double seconds = last_sample_ == std::chrono::steady_clock::time_point{}
                       ? 0.0
                       : std::chrono::duration<double>(now - last_sample_).count();
  rx_packets_.clear();
  auto packets = queue_packets();
  sampler_.set_work(std::move(packets), std::move(rx_packets_));
  if (auto disc = discovery_.shared()) {
    sampler_.set_thread_time(napi_threads_.update(root_, disc->inventory));
    // The RPS masks in force over the interval just measured: the last discovery's, with what
    // the last cycle wrote read back into it.
    rx_steering_.clear();
    for (const auto& nic : disc->inventory.nics)
      for (const auto& q : nic.rx)
        if (!q.irqs.empty()) rx_steering_.push_back({q.irqs.front(), q.rps_cpus.value_or(sysfs::CpuSet{})});
    sampler_.set_rx_queues(rx_steering_);
  }
  bool have_load = sampler_.sample(sample_root, seconds);
  // The first load measured since start lets a load-aware policy re-plan once (LoadInfo::first).
  sampler_.set_first_load(have_load && !had_load_);
  had_load_ = had_load_ || have_load;
  have_load_ = have_load;
  last_sample_ = now;
  for (auto& [irq, n] : moves_.cycles_since_move) ++n;
  sampler_.set_history(&moves_);
  const Discovery& found = discovery_.get(sample_root, sampler_.interrupts(), DiscoverOptions{opts_.engine.use_netlink}, &sampler_);
  if (discovery_.last_full()) log_new_warnings(found.warnings);
  if (found.version != groups_version_ || found.version == 0) {
    // One cost per interrupt per NIC (its driver's), one for every other IRQ: from the next
    // sample on, the sampler splits shared CPUs' time with the costs it fits to them.
    std::unordered_map<int, int> groups;
    const auto& inv = found.inventory;
    for (const auto& irq : inv.irqs) {
      int g = static_cast<int>(inv.nics.size());
      if (!irq.device.empty())
        for (std::size_t n = 0; n < inv.nics.size(); ++n)
          if (inv.nics[n].name == irq.device) g = static_cast<int>(n);
      groups.emplace(irq.irq, g);
    }
    sampler_.set_groups(std::move(groups), inv.nics.size() + 1);
    groups_version_ = found.version;
  }
  // The last plan lends what did not change (machine, scoped discovery, resolved config, and the
  // plan itself when it cannot differ); it stays valid for D-Bus views until replaced below.
  // Without a measured load a load-aware policy plans a static layout (spread's). On a machine an
  // earlier run of irqd placed (its originals are still recorded: a restart, a crash) that would
  // undo a good layout and move most IRQs back a cycle later: the daemon plans its first cycle
  // from an unmeasured load instead, with which balanced adopts every placed IRQ where it is.
  static const policies::LoadInfo kUnmeasured = [] {
    policies::LoadInfo l;
    l.measured = false;
    return l;
  }();
  const policies::LoadInfo* load = have_load ? &sampler_.load() : adopt_ ? &kUnmeasured : nullptr;
  if (load == &kUnmeasured && !adopted_logged_) {
    spdlog::info("adopting the layout of an earlier run ({} original values recorded in {}) until the first load "
                 "is measured",
                 originals_.values().size(), originals_.file().string());
    adopted_logged_ = true;
  }
  auto plan = plan_discovered(opts_.engine, effective_config(), machine_, load, discovery_.shared(), last_plan_.get());
  ApplyResult r;
  if (!opts_.dry_run) {
    NapiKnobIo io(root_, opts_.netdev.get());
    // Where each IRQ is moved away from, before the write: balanced never moves it back there.
    std::map<int, int> from;
    for (const auto* rows : {&plan->diff.irqs, &plan->diff.others})
      for (const auto& d : *rows)
        if (d.change && d.irq && d.irq->affinity && d.irq->affinity->count() == 1) from[d.irq->irq] = d.irq->affinity->first();
    r = apply_diff(plan->diff, io, originals_, unchangeable_);
    record_changes(r, load);
    read_back_ = std::move(r.read_back);
    discovery_.written(plan->diff.knobs, read_back_);  // queue knobs read back are not read again
    // Cooldown guards measured moves against flapping. The first load's deliberate re-plan starts
    // none: it was made from costs measured on another layout (a shared CPU's split is only as good
    // as the costs per interrupt learned so far), and the next cycle must be free to correct it.
    if (have_load && !sampler_.load().first)
      for (int irq : r.moved) {
        moves_.cycles_since_move[irq] = 0;
        if (auto f = from.find(irq); f != from.end()) moves_.moved_from[irq] = f->second;
        else moves_.moved_from.erase(irq);
      }
  }
  auto cost = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start);
  if (spdlog::should_log(spdlog::level::debug))  // the arguments format a string: not every cycle
    spdlog::debug("cycle {}: {} us, {} planned, {} to change, applied {}, failed {}, discovery {}", cycles_,
                  cost.count(), plan->diff.planned, plan->diff.changes, r.applied, r.failed,
                  discovery_.last_full() ? "full" : fmt::format("cached, {} re-read", discovery_.last_reads()));
  report_.cost_ms = static_cast<double>(cost.count()) / 1000.0;
  metrics_.record(*plan, opts_.dry_run ? nullptr : &r, report_.cost_ms / 1000.0,
                  std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count());
  report_.planned = plan->diff.planned;
  report_.changes = plan->diff.changes;
  report_.applied = r.applied;
  report_.unchanged = r.unchanged;
  report_.failed = r.failed;
  report_.vanished = r.vanished;
  report_.managed_irqs = static_cast<int>(plan->diff.irqs.size());
  report_.skipped_irqs = static_cast<int>(plan->diff.skipped.size());
  if (r.failed > 0 && !r.errors.empty()) report_.error = r.errors.front();
  if (!plan->diff.skipped.empty()) report_.error += skipped_text(*plan);
  last_plan_ = std::move(plan);
  write_metrics();
  return r;
}

std::string Daemon::metrics_text() const { return metrics_.text(last_plan_.get(), sampler_, unchangeable_.size()); }

void Daemon::write_metrics() {
  const std::string& file = cfg_.metrics_textfile;
  if (file.empty()) return;
  try {
    write_file_atomic(file, metrics_text());
    if (metrics_failing_) spdlog::info("metrics: {} is written again", file);
    metrics_failing_ = false;
  } catch (const std::exception& e) {
    // Once per streak of failures (a missing collector directory would say so every cycle).
    if (!metrics_failing_) spdlog::warn("metrics: {}; retried every cycle, said once", e.what());
    metrics_failing_ = true;
  }
}

void Daemon::record_changes(const ApplyResult& r, const policies::LoadInfo* load) {
  ChangeTally tally;
  const auto now = std::chrono::system_clock::now();
  for (const auto& o : r.outcomes) {
    if (o.vanished) continue;
    const KnobChange& k = *o.knob;
    tally.count(k, o.ok);
    ChangeRecord c;
    c.time = now;
    c.cycle = cycles_;
    c.kind = k.kind;
    c.subject = k.subject;
    c.irq = k.irq;
    c.device = k.device;
    if (k.queue >= 0 && k.irq < 0) c.queue = config::queue_name(k.rx, k.queue);
    c.old_value = old_text(k);
    c.new_value = new_text(k);
    c.reason = k.reason.str();
    c.ok = o.ok;
    c.error = o.error;
    if (load != nullptr && k.irq >= 0)
      if (auto l = load->irqs.find(k.irq); l != load->irqs.end()) {
        c.load_source = policies::to_string(l->second.source);
        c.cost = l->second.cost;
        c.rate = l->second.rate;
      }
    history_.add(std::move(c));
  }
  if (auto line = summary_line(cycles_, tally); !line.empty()) spdlog::info("{}", line);
}

std::string Daemon::start_line() {
  std::string cpus = "unknown until the first cycle";
  try {
    cpus = policies::usable_cpus(*ensure_machine(), effective_config()).to_list();
  } catch (const std::exception& e) {
    cpus += fmt::format(" ({})", e.what());
  }
  std::vector<std::string> files;
  for (const auto& f : opts_.config_files)
    if (!f.empty()) files.push_back(f);
  return fmt::format("starting: policy {}, usable CPUs {}, configuration {}, a cycle every {} ms{}", cfg_.policy,
                     cpus, files.empty() ? "built-in defaults (no file)" : fmt::format("{}", fmt::join(files, ", ")),
                     opts_.interval.count(), opts_.dry_run ? " (dry run: nothing is written)" : "");
}

void Daemon::log_new_warnings(const std::vector<std::string>& warnings) {
  // A full discovery repeats every warning (SIGHUP, hotplug, a changed IRQ set): each is logged
  // once while it lasts, and again only if it goes away and comes back.
  std::set<std::string> now(warnings.begin(), warnings.end());
  for (const auto& w : warnings)
    if (!warned_.contains(w)) spdlog::warn("{}", w);
  warned_ = std::move(now);
}

std::string Daemon::skipped_text(const PlanResult& plan) const {
  const auto& skipped = plan.diff.skipped;
  std::string text = fmt::format("{}{} network IRQ{} skipped (their /proc/irq/N files cannot be read)",
                                 report_.error.empty() ? "" : "; ", skipped.size(), skipped.size() == 1 ? "" : "s");
  const auto& inv = plan.discovery->inventory;
  for (std::size_t i = 0; i < skipped.size(); ++i)
    if (const auto* irq = inv.irq(skipped[i]))
      text += fmt::format("{} IRQ {}: {}", i == 0 ? ":" : ";", irq->irq, irq->error);
  return text;
}

void Daemon::load_originals() {
  if (originals_loaded_) return;
  originals_loaded_ = true;
  // Originals from an earlier run (crash, kill -9, restart) are kept: they are still the true
  // originals, and the layout on the machine is that run's.
  originals_.load();
  adopt_ = !originals_.values().empty();
}

void Daemon::checked_cycle() {
  try {
    cycle();
    consecutive_errors_ = 0;
  } catch (const std::exception& e) {
    // A failed cycle (e.g. /proc/interrupts torn by CPU hotplug) is retried next interval.
    ++consecutive_errors_;
    report_.ok = false;
    report_.error = e.what();
    spdlog::error("cycle {} failed: {}", cycles_, e.what());
  }
  for (auto& h : cycle_hooks_) h(report_);
}

void Daemon::cycle_now() { checked_cycle(); }

void Daemon::stop() {
  if (loop_ != nullptr) loop_->stop();
}

void block_stop_signals() {
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  for (int s : {SIGTERM, SIGINT, SIGHUP}) sigaddset(&stop_signals, s);
  sigprocmask(SIG_BLOCK, &stop_signals, nullptr);
}

int Daemon::run() {
  load_originals();
  // Blocked from here until the process exits, not just while the loop runs: a second signal
  // during the shutdown (the restore) would otherwise kill irqd once the loop unblocked it, and
  // its exit code would no longer say whether the restore worked.
  block_stop_signals();
  EventLoop loop({SIGTERM, SIGINT, SIGHUP});
  loop_ = &loop;
  loop.set_timer(std::chrono::nanoseconds(1), opts_.interval, [this] { checked_cycle(); });
  loop.on_signals([&](const std::vector<int>& signos) {
    // A stop wins over a reload that arrived with it.
    for (int signo : signos)
      if (signo != SIGHUP) {
        spdlog::info("signal {}: stopping", signo);
        loop.stop();
        return;
      }
    spdlog::info("SIGHUP: reloading and re-discovering now");
    reload();
    checked_cycle();
  });
  for (auto& h : loop_hooks_) h(loop);
  spdlog::info("{}", start_line());
  loop.run();
  loop_ = nullptr;
  for (auto& h : stop_hooks_) h();
  int code = 0;
  if (cfg_.restore_on_exit && !opts_.dry_run && !originals_.values().empty()) {
    NapiKnobIo io(root_, opts_.netdev.get());
    auto r = originals_.restore(io);
    for (const auto& e : r.errors) spdlog::error("restore: {}", e);
    spdlog::info("restored {} original values, vanished {}, failed {}", r.restored, r.vanished, r.failed);
    if (r.vanished > 0)
      spdlog::info("vanished: {} (gone from the system, so never restorable: dropped from {})",
                   describe_vanished(r.gone), originals_.file().string());
    code = r.failed > 0 ? 3 : 0;
  }
  if (auto late = loop.take_signals(); !late.empty())
    spdlog::info("signal {} while stopping: ignored, already stopping", fmt::join(late, ", "));
  return code;
}

}  // namespace irqd
