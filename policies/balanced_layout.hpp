// The balanced policy's working state for one plan (internal to policies/balanced*.cpp): the NIC
// groups and where each may go, the IRQs being placed, and the per-CPU and per-core load with an
// index of which IRQs sit on each CPU, so moves and swaps are found without scanning every IRQ.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "policies/core_order.hpp"
#include "sysfs/inventory.hpp"
#include "topology/machine.hpp"

namespace irqd::policies::balanced {

// Loads closer than this are equal when choosing a CPU: sums of the same costs in another order
// differ in the last bits, and that must not decide between a core and a sibling.
constexpr double kTie = 1e-9;

inline std::size_t ix(int cpu) { return static_cast<std::size_t>(cpu); }
// -1, 0, 1 with loads within kTie equal.
inline int compare(double a, double b) { return a < b - kTie ? -1 : a > b + kTie ? 1 : 0; }

// One NIC's queue IRQs share where they may go.
struct Group {
  const sysfs::NicInfo* nic = nullptr;
  LocalCpus local;
  CpuSet allowed;          // local.cpus, or every usable CPU of the device while its node overflows
  bool overflow = false;   // allowed was widened
  bool was_overflowing = false;  // some of its IRQs sat outside local.cpus before this plan
  double demand = 0.0;     // interrupt load confined to local.cpus (its node), CPU seconds per second
  std::vector<int> order;  // allowed, core-first, local CPUs first
};

enum class How {
  kKept,       // stays where it is
  kLpt,        // had no usable single CPU: placed longest-processing-time-first
  kHome,       // sat outside its NIC's allowed CPUs: moved back inside
  kReplanned,  // the first measured load re-planned it (sticky LPT)
  kMoved,      // moved off the busiest CPU
  kSwapped,    // exchanged with another IRQ to lower the busiest CPU
};

// How, in one word for counters (IrqPlacement::cause, irqd_moves_total{reason}).
inline std::string_view cause_of(How how) {
  switch (how) {
    case How::kKept: return "kept";
    case How::kLpt: return "layout";
    case How::kHome: return "home";
    case How::kReplanned: return "first-load";
    case How::kMoved: return "balance";
    case How::kSwapped: return "swap";
  }
  return "layout";
}

struct Item {
  const sysfs::IrqInfo* info = nullptr;
  std::size_t group = 0;
  double cost = 0.0;
  int since_move = -1;  // cycles since irqd last moved it; -1 never
  bool frozen = false;  // inside its cooldown: not moved this cycle
  int no_return = -1;   // the CPU irqd last moved it away from: never moved back there
  int from = -1;        // the usable CPU it is on now (the mask irqd wrote), -1 when none
  int lagging = -1;     // the CPU the kernel still delivers it on (effective_affinity_list
                        // outside the written mask until its next interrupt); -1: none
  int cpu = -1;         // planned CPU
  How how = How::kKept;
  double from_load = 0.0, to_load = 0.0;  // loads before the move / placement, for the reason
  int swapped_with = -1;                  // kSwapped: the other IRQ
  bool movable() const { return !frozen && cpu >= 0; }
};

// Interrupt load per CPU and per core, how many placed IRQs each has, and which.
class Loads {
 public:
  Loads(const topology::Machine& m, int size);
  // The per-CPU lists go back to a per-thread pool: a plan every cycle reuses their memory
  // instead of allocating one list per CPU again (nothing of their contents is kept).
  ~Loads();
  Loads(const Loads&) = delete;
  Loads& operator=(const Loads&) = delete;

  double cpu(int c) const { return cpu_[ix(c)]; }
  int count(int c) const { return static_cast<int>(on_[ix(c)].size()); }  // placed IRQs on c
  // The CPU's whole core: an SMT sibling shares its core-mate's execution units.
  double core(int c) const { return core_of_[ix(c)] < 0 ? cpu(c) : core_[ix(core_of_[ix(c)])]; }
  // Indexes (into the plan's items) of the IRQs placed on CPU c.
  const std::vector<std::size_t>& on(int c) const { return on_[ix(c)]; }

  // Fixed load on c that is no placed IRQ (pinned IRQs).
  void add_fixed(int c, double cost);
  void place(int c, std::size_t item, double cost);
  void remove(int c, std::size_t item, double cost);

  // The least-loaded CPU of `order` other than `skip` and `skip2`; -1 when there is none.
  int best(const std::vector<int>& order, int skip, int skip2 = -1) const;

 private:
  bool better(int a, int b) const;
  int core_count(int c) const;
  void add(int c, double cost, int n);

  std::vector<double> cpu_;
  std::vector<int> core_of_;
  std::vector<double> core_;
  std::vector<int> core_count_;
  std::vector<std::vector<std::size_t>> on_;
};

// Step 5 of the plan (balanced.cpp): lowers the busiest CPU by single moves and, where no single
// move helps, by swaps, once it is above the lower bound + `margin`, down to the goal (well inside
// the margin); on the first measured load, once it is above the goal. Each move must lower the
// busiest CPU by more than `min_gain`. Returns the notes to add (why it stopped above the goal).
struct Search {
  const topology::Machine& machine;
  const config::BalanceSettings& settings;
  std::vector<Group>& groups;
  std::vector<Item>& items;
  Loads& loads;
  std::vector<int> considered;  // every CPU some group may use
  std::vector<double>& pinned;  // by CPU
  double lb = 0.0;              // the lower bound (raised when a lone IRQ proves it higher)
  int moves = 0;                // moves made so far in this plan (a swap is two)
  // The first measured load (LoadInfo::first): the layout found was not balanced on this run's
  // measurements, so the dead band (which keeps a balanced layout from being disturbed by noise)
  // does not protect it.
  bool first = false;
};
std::vector<std::string> balance(Search& s, double margin);

}  // namespace irqd::policies::balanced
