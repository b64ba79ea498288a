// Runs the real daemon cycle (irqd::Daemon::cycle, policy from the configuration) against a
// SimMachine driven by a LoadModel, in virtual time: step the machine one interval, then let the
// daemon sample, plan and apply. Records per-cycle numbers (busiest CPU, lower bound, IRQs off
// their node, writes) that scenario tests assert on and print when they fail.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "irqd/daemon.hpp"
#include "tests/sim/load_model.hpp"
#include "tests/sim/sim_machine.hpp"

namespace irqd::sim {

struct CycleStats {
  int cycle = 0;
  double busiest = 0.0;      // the busiest CPU's interrupt load during this interval (mean load)
  int busiest_cpu = -1;
  double lower_bound = 0.0;  // no placement that keeps NIC IRQs on nodes with room can do better
  int off_node = 0;          // queue IRQs outside their NIC's node although the node has room
  int writes = 0;            // affinity writes the machine picked up before this interval
  int changes = 0;           // knobs the daemon's cycle after this interval changed
  double ratio() const { return lower_bound > 0 ? busiest / lower_bound : 1.0; }
};

class ScenarioRunner {
 public:
  // Builds the machine and runs the daemon's first cycle (no load measured yet).
  ScenarioRunner(SimSpec spec, LoadSpec load, config::Config cfg = {}, double interval = 10.0);
  // The daemon's clock refers to this runner's machine: it stays where it was built.
  ScenarioRunner(const ScenarioRunner&) = delete;
  ScenarioRunner& operator=(const ScenarioRunner&) = delete;

  // One interval on the machine, then one daemon cycle.
  CycleStats cycle();
  // Cycles until `n` of them were run; returns the last one's numbers.
  CycleStats run(int n);

  SimMachine& machine() { return sim_; }
  LoadModel& model() { return model_; }
  Daemon& daemon() { return *daemon_; }
  const std::vector<CycleStats>& history() const { return history_; }
  // Every cycle so far, one line each, for failure messages.
  std::string table() const;
  // One line: cycles, the first within 10% of the bound, the last ratio, cycles that wrote.
  std::string summary() const;

 private:
  double room_limit(int node) const;

  SimMachine sim_;
  LoadModel model_;
  std::unique_ptr<Daemon> daemon_;
  double interval_;
  std::uint64_t step_ = 0;
  std::vector<CycleStats> history_;
};

}  // namespace irqd::sim
