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
  if (!machine_) machine_ = load_machine(sysfs::SysRoot(opts_.engine.root), opts_.engine);
  auto plan = plan_once(opts_.engine, cfg_, &*machine_);
  ApplyResult r;
  if (!opts_.dry_run) {
    sysfs::SysRoot root(opts_.engine.root);
    sysfs::SysRootIo io(root);
    r = apply_diff(plan->diff, io, originals_, unchangeable_);
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
