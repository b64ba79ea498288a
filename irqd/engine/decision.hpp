// The decision log's lines: one per change irqd makes (subject, old -> new as people read them,
// the plan's reason) and one summary per cycle that changed anything. Pure text from the diff's
// knobs, so the wording is unit-tested without a daemon.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "irqd/engine/engine.hpp"

namespace irqd {

// "IRQ 42 (eth0-rx-3, eth0): 2 -> 5: <reason>", "eth0 rx-3 rps_cpus: 4-11 -> 4-10: <reason>";
// an unknown old value reads "?", an empty reason is left out.
std::string decision_line(const KnobChange& k);
// A knob's old and new values as people read them: KnobChange::was / want when the diff set its
// kind, else the kernel texts ("" unknown).
std::string old_text(const KnobChange& k);
std::string new_text(const KnobChange& k);

// What one cycle changed, by kind of knob.
struct ChangeTally {
  int moves = 0;  // IRQ affinity
  int rps = 0;    // rps_cpus, rps_flow_cnt, the RFS table
  int xps = 0;    // xps_cpus, xps_rxqs
  int napi = 0;   // NAPI settings and NAPI kthreads' CPUs
  int failed = 0;
  void count(const KnobChange& k, bool ok);
  int changes() const { return moves + rps + xps + napi; }
};

// "cycle 7: 5 changes: 2 moves, 2 rps, 1 xps, 0 napi; failed 0"; "" when nothing was tried (a
// steady cycle logs nothing).
std::string summary_line(std::uint64_t cycle, const ChangeTally& t);

}  // namespace irqd
