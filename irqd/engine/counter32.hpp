// The kernel's per-CPU interrupt, softirq and softnet counters are unsigned int: the difference
// of two readings, wrap and reset handled (shared by the sampler's IRQ and network parts).
#pragma once

#include <cstdint>

namespace irqd {

// A smaller value than before is a wrap when the distance forward (mod 2^32) is plausible for one
// interval, and otherwise a counter that was reset (the IRQ freed and requested again, a driver
// reload): then only what it counted since is taken, never ~4 billion interrupts.
inline std::uint64_t delta32(std::uint32_t prev, std::uint64_t cur) {
  const auto now = static_cast<std::uint32_t>(cur);
  const std::uint32_t forward = now - prev;
  if (forward < (1U << 31)) return forward;
  return now;
}

}  // namespace irqd
