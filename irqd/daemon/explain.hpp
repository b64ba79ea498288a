// Explain: everything behind one IRQ's placement, gathered from the daemon's state for a person
// who asks "why is it there?": where it is and where the plan wants it, the plan's reason, the
// load the plan used and what measured it, the constraints that applied (its NIC's node and
// local CPUs, bans, isolated CPUs, a pin and where it came from, the cooldown left) and its last
// changes from the history. Values only; the control API serves it, D-Bus and irqctl render it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "irqd/daemon/history.hpp"
#include "irqd/daemon/overrides.hpp"
#include "policies/load.hpp"

namespace irqd {

class Daemon;

struct IrqExplanation {
  int irq = -1;
  std::string name;
  std::string device;  // "" when not a NIC's
  std::string queue;   // "rx-3", "tx-3", "rxtx-3"; "" when not a queue's
  std::string affinity;   // now (after the last cycle's writes), cpulist
  std::string effective;  // where the kernel delivers it, cpulist ("" unknown)
  std::string planned;    // where the plan wants it ("" when the plan leaves it)
  std::string reason;     // the plan's reason, or why it is not placed
  std::string policy;     // the policy that placed it
  std::optional<policies::IrqLoad> load;  // what the plan used; nullopt: none measured
  // Constraints.
  int nic_node = -1;              // -1: unknown
  std::string nic_local_cpus;     // the NIC's local_cpus ("" unknown)
  std::string banned_config;      // banned in the configuration
  std::string banned_runtime;     // banned at run time (irqctl ban)
  std::string isolated;           // isolcpus= / nohz_full CPUs kept free ("" none or not honoured)
  std::string pin;                // the pin in force ("" none)
  std::string pin_source;         // "config" or "run-time" ("" none)
  bool managed = false;           // the kernel manages its affinity (never written)
  int cycles_since_move = -1;     // -1: irqd never moved it (since start or Rebalance)
  int cooldown_cycles = 0;        // balanced's cooldown
  int cooldown_left = 0;          // cycles before it may move again
  int moved_from = -1;            // the CPU irqd last moved it away from (not chosen again); -1 none
  std::vector<ChangeRecord> history;  // its last changes, oldest first
};

// nullopt when the daemon knows no such IRQ (or has no plan yet).
std::optional<IrqExplanation> explain_irq(const Daemon& daemon, const Overrides& overrides, int irq,
                                          std::size_t history_limit = 10);

}  // namespace irqd
