// Decision log lines.
#include "irqd/engine/decision.hpp"

#include <fmt/format.h>

namespace irqd {

std::string old_text(const KnobChange& k) { return k.kind.empty() ? k.current : k.was; }
std::string new_text(const KnobChange& k) { return k.kind.empty() ? k.value : k.want; }

std::string decision_line(const KnobChange& k) {
  const std::string was = old_text(k);
  const std::string want = new_text(k);
  std::string line = fmt::format("{}: {} -> {}", k.subject, was.empty() ? "?" : was, want);
  std::string why = k.reason.str();
  if (!why.empty()) line += ": " + why;
  return line;
}

void ChangeTally::count(const KnobChange& k, bool ok) {
  if (!ok) {
    ++failed;
    return;
  }
  if (k.irq >= 0 || k.kind == "affinity") ++moves;
  else if (k.kind.starts_with("xps")) ++xps;
  else if (k.kind == "napi") ++napi;
  else ++rps;
}

std::string summary_line(std::uint64_t cycle, const ChangeTally& t) {
  if (t.changes() == 0 && t.failed == 0) return "";
  return fmt::format("cycle {}: {} change{}: {} move{}, {} rps, {} xps, {} napi; failed {}", cycle, t.changes(),
                     t.changes() == 1 ? "" : "s", t.moves, t.moves == 1 ? "" : "s", t.rps, t.xps, t.napi, t.failed);
}

}  // namespace irqd
