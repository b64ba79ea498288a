// Applying a diff: write only what differs, read each write back and count it applied only when
// the kernel shows it, record originals before the first change, and never let one failed write
// stop the rest of the cycle.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "irqd/engine/engine.hpp"
#include "irqd/engine/originals.hpp"
#include "sysfs/knob_io.hpp"

namespace irqd {

// What became of one write: for the change history.
struct KnobOutcome {
  const KnobChange* knob = nullptr;  // into the Diff given to apply_diff
  bool ok = false;
  std::string error;  // "" when ok
  bool vanished = false;  // its device, queue or IRQ went away (not a failure)
};

struct ApplyResult {
  int applied = 0;
  int unchanged = 0;                // planned knobs that already had the planned value
  int failed = 0;
  int vanished = 0;                 // knobs whose device, queue or IRQ went away before the write
  std::vector<int> unchangeable;    // IRQs newly found kernel-managed (EIO/EPERM) this cycle
  std::vector<int> moved;           // IRQs whose affinity was changed (and read back) this cycle
  std::vector<std::string> errors;  // one line each, naming the IRQ / device / file
  // Every knob written, as read back afterwards (path -> text): what views show as "current"
  // without reading the file again.
  std::map<std::string, std::string> read_back;
  // Every write tried, in order, with its outcome (the decision log logged each).
  std::vector<KnobOutcome> outcomes;
};

// Each successful write is logged at info as a decision line (engine/decision.hpp), each failure
// as an error naming it. `unchangeable` persists across cycles: IRQs in it are never written again (EIO/EPERM on
// smp_affinity means the kernel manages that IRQ). Throws only when the originals cannot be
// saved, before anything is written.
ApplyResult apply_diff(const Diff& diff, sysfs::KnobIo& io, OriginalStore& originals,
                       std::set<int>& unchangeable);

}  // namespace irqd
