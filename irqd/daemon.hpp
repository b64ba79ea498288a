// The daemon: one cycle (discover -> plan -> diff -> apply) per interval on the event loop,
// SIGHUP for an immediate re-discovery, SIGTERM/SIGINT for a clean stop (restoring original values
// when restore_on_exit is set). State that outlives a cycle lives here: the IRQs found
// kernel-managed and the original values.
#pragma once

#include <chrono>
#include <optional>
#include <set>

#include "config/config.hpp"
#include "irqd/apply.hpp"
#include "irqd/engine.hpp"
#include "irqd/originals.hpp"
#include "irqd/sampler.hpp"

namespace irqd {

struct DaemonOptions {
  EngineOptions engine;
  std::chrono::milliseconds interval{10000};
  bool dry_run = false;
};

class Daemon {
 public:
  Daemon(DaemonOptions opts, config::Config cfg);
  // Runs until SIGTERM or SIGINT; returns the process exit code (0 on a clean stop).
  int run();
  // One cycle, also used by tests; returns the apply result (empty counts for a dry run).
  ApplyResult cycle();
  // Forgets the machine model so the next cycle loads it again (SIGHUP).
  void rediscover() { machine_.reset(); }
  std::uint64_t cycles() const { return cycles_; }

 private:
  DaemonOptions opts_;
  config::Config cfg_;
  OriginalStore originals_;
  std::set<int> unchangeable_;
  std::optional<topology::Machine> machine_;  // loaded once; SIGHUP reloads it
  Sampler sampler_;
  policies::LoadInfo load_;                   // sampler's costs + cycles since each IRQ moved
  std::chrono::steady_clock::time_point last_sample_{};
  std::uint64_t cycles_ = 0;
  int consecutive_errors_ = 0;
};

}  // namespace irqd
