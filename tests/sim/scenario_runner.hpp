// Runs the real daemon cycle (irqd::Daemon::cycle, policy from the configuration) against a
// SimMachine driven by a LoadModel, in virtual time: step the machine one interval, then let the
// daemon sample, plan and apply. Records per-cycle numbers (busiest CPU, lower bound, locality,
// IRQs off their node, writes by knob kind, the daemon's changes and CPU time) that scenario
// tests assert on and print when they fail. restart() replaces the daemon as a restarted service
// would be, on the same tree and run directory.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "irqd/daemon/daemon.hpp"
#include "tests/sim/load_model.hpp"
#include "tests/sim/sim_machine.hpp"

namespace irqd::sim {

struct CycleStats {
  int cycle = 0;
  // The busiest CPU's interrupt load during this interval: each queue's load without jitter
  // (its exact mean over the interval, swing included) where its interrupts really fired, plus
  // the other IRQs' fixed load.
  double busiest = 0.0;
  int busiest_cpu = -1;
  // No placement can do better: the largest IRQ; the total over all CPUs; every node with room
  // carrying its own NICs' load (and the other IRQs sitting there) over its CPUs.
  double lower_bound = 0.0;
  double locality = 1.0;     // fraction of NIC work that ran on its NIC's node
  int off_node = 0;          // queue IRQs off their NIC's node at the end although the node has room
  KnobWrites writes;         // knob writes the machine picked up before this interval, by kind
  int rejected = 0;          // of those, refused by the kernel
  int pending = 0;           // IRQ moves not yet in effect at the end of the interval
  int changes = 0;           // knobs the daemon's cycle after this interval changed
  double daemon_ms = 0.0;    // CPU time of that daemon cycle (this process), milliseconds
  bool restarted = false;    // the daemon was restarted before this interval
  double ratio() const { return lower_bound > 0 ? busiest / lower_bound : 1.0; }
};

class ScenarioRunner {
 public:
  // Builds the machine and runs the daemon's first cycle (no load measured yet). With
  // load.per_group, the load is skewed within each NIC's queues.
  ScenarioRunner(SimSpec spec, LoadSpec load, config::Config cfg = {}, double interval = 10.0);
  // The daemon's clock refers to this runner's machine: it stays where it was built.
  ScenarioRunner(const ScenarioRunner&) = delete;
  ScenarioRunner& operator=(const ScenarioRunner&) = delete;

  // One interval on the machine, then one daemon cycle.
  CycleStats cycle();
  // Cycles until `n` of them were run; returns the last one's numbers.
  CycleStats run(int n);
  // Destroys the daemon and builds a new one on the same tree and run directory (the originals
  // file persists), then runs its first cycle; returns the knobs it changed. Its writes show in
  // the next cycle's numbers.
  int restart();

  SimMachine& machine() { return sim_; }
  LoadModel& model() { return model_; }
  Daemon& daemon() { return *daemon_; }
  double interval() const { return interval_; }
  const std::vector<CycleStats>& history() const { return history_; }
  // Every cycle so far, one line each (under 120 columns), for failure messages.
  std::string table() const;
  // One line: cycles, the first within 10% of the bound, the last ratio, cycles that wrote.
  std::string summary() const;

 private:
  double room_limit(int node) const;
  void first_cycle();
  void measure(CycleStats& s, const StepResult& step, double t0, double t1) const;

  SimMachine sim_;
  LoadModel model_;
  DaemonOptions opts_;
  config::Config cfg_;
  std::unique_ptr<Daemon> daemon_;
  double interval_;
  std::uint64_t step_ = 0;
  bool restarted_ = false;
  std::vector<CycleStats> history_;
};

}  // namespace irqd::sim
