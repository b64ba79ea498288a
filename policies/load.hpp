// Measured load, the input that load-aware policies (balanced) plan from: each IRQ's smoothed
// interrupt cost (the daemon's sampler measures it), and the daemon's record of its own moves (so a
// policy can refuse to move an IRQ again and never flap; the daemon owns and updates it). Absent
// (nullptr) for a static plan.
#pragma once

#include <map>

namespace irqd::policies {

// The signal an IRQ's cost was measured with in the last interval, most trusted first.
enum class LoadSource {
  kThread,    // its NAPI polls in a kthread: the thread's own CPU time, plus hard IRQ time
  kPackets,   // its queues' packet counters (netdev qstats): softirq time by packets
  kLearned,   // interrupts weighted by a learned cost per interrupt (measured alone, or its NIC's fit)
  kCounts,    // bare interrupt counts at its CPU's average cost per interrupt
};
const char* to_string(LoadSource s);  // "napi-thread", "packets", "learned-cost", "interrupts"

struct IrqLoad {
  double cost = 0.0;  // CPU seconds per second spent on this IRQ (hard + soft IRQ time), EWMA
  double rate = 0.0;  // interrupts per second, EWMA
  LoadSource source = LoadSource::kCounts;
  // CPU seconds per second its RX packets cost on its RPS CPUs (the stack's share, as NET_RX
  // softirq where none of its interrupts fire), EWMA; not in `cost` and not moved with the IRQ.
  double rps = 0.0;
};

// What the daemon moved, and when: its cooldowns.
struct MoveHistory {
  std::map<int, int> cycles_since_move;  // by IRQ; absent = never moved by irqd
  std::map<int, int> moved_from;         // by IRQ: the CPU irqd last moved it away from
};

struct LoadInfo {
  std::map<int, IrqLoad> irqs;          // by IRQ number; an IRQ absent here has no measured load
  const MoveHistory* history = nullptr;  // the daemon's moves; null: irqd moved nothing
  // The first load the daemon measured since it started: a load-aware policy may re-plan once
  // (balanced does when the layout it finds is off by more than its margin).
  bool first = false;
  // False: nothing was measured yet (costs all absent), the layout on the machine is one an earlier
  // run of irqd made (a restarted daemon's first cycle): a load-aware policy keeps what is placed.
  bool measured = true;
  // By CPU number: interrupt time there that no IRQ placement moves (RPS work steered to it by
  // rps_cpus masks), CPU seconds per second, EWMA. Empty without RPS.
  std::vector<double> cpu_fixed;
};

}  // namespace irqd::policies
