// Daemon cycle and lifecycle.
#include "irqd/daemon.hpp"

#include <signal.h>

#include <chrono>

#include <spdlog/spdlog.h>

#include "irqd/event_loop.hpp"
#include "sysfs/knob_io.hpp"

namespace irqd {

Daemon::Daemon(DaemonOptions opts, config::Config cfg)
    : opts_(std::move(opts)), cfg_(std::move(cfg)), originals_(std::filesystem::path(cfg_.run_dir) / "original.json") {}

ApplyResult Daemon::cycle() {
  auto start = std::chrono::steady_clock::now();
  ++cycles_;
  sysfs::SysRoot sample_root(opts_.engine.root);
  if (!machine_) machine_ = load_machine(sample_root, opts_.engine);
  // Sample first: the plan is made from the load measured up to now.
  double seconds = last_sample_ == std::chrono::steady_clock::time_point{}
                       ? 0.0
                       : std::chrono::duration<double>(start - last_sample_).count();
  bool have_load = sampler_.sample(sample_root, seconds);
  last_sample_ = start;
  load_.irqs = sampler_.load().irqs;
  for (auto& [irq, n] : load_.cycles_since_move) ++n;
  auto plan = plan_once(opts_.engine, cfg_, &*machine_, have_load ? &load_ : nullptr, &sampler_.interrupts());
  ApplyResult r;
  if (!opts_.dry_run) {
    sysfs::SysRoot root(opts_.engine.root);
    sysfs::SysRootIo io(root);
    r = apply_diff(plan->diff, io, originals_, unchangeable_);
    for (int irq : r.moved) load_.cycles_since_move[irq] = 0;
  }
  auto cost = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start);
  spdlog::debug("cycle {}: {} us, {} planned, {} to change, applied {}, failed {}", cycles_, cost.count(),
                plan->diff.planned, plan->diff.changes, r.applied, r.failed);
  return r;
}

int Daemon::run() {
  // Originals from an earlier run (crash, kill -9) are kept: they are still the true originals.
  originals_.load();
  EventLoop loop({SIGTERM, SIGINT, SIGHUP});
  auto tick = [&] {
    try {
      cycle();
      consecutive_errors_ = 0;
    } catch (const std::exception& e) {
      // A failed cycle (e.g. /proc/interrupts torn by CPU hotplug) is retried next interval.
      ++consecutive_errors_;
      spdlog::error("cycle {} failed: {}", cycles_, e.what());
    }
  };
  loop.set_timer(std::chrono::nanoseconds(1), opts_.interval, tick);
  loop.on_signal([&](int signo) {
    if (signo == SIGHUP) {
      spdlog::info("SIGHUP: re-discovering now");
      rediscover();
      tick();
      return;
    }
    spdlog::info("signal {}: stopping", signo);
    loop.stop();
  });
  spdlog::info("running every {} ms{}", opts_.interval.count(), opts_.dry_run ? " (dry run)" : "");
  loop.run();
  if (cfg_.restore_on_exit && !opts_.dry_run && !originals_.values().empty()) {
    sysfs::SysRoot root(opts_.engine.root);
    sysfs::SysRootIo io(root);
    auto r = originals_.restore(io);
    for (const auto& e : r.errors) spdlog::error("restore: {}", e);
    spdlog::info("restored {} original values, {} failed", r.restored, r.failed);
    return r.failed > 0 ? 3 : 0;
  }
  return 0;
}

}  // namespace irqd
