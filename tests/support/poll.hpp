// The one way a test waits for something to happen: poll a condition until it holds or a deadline
// passes. Never sleep and then assert that something did NOT happen; wait for the event that proves
// the thing you assert about has run (a CycleCompleted signal, a cycle count, a log line).
#pragma once

#include <chrono>
#include <functional>

namespace irqd::testing {

// Polls pred() every `step` until it returns true or `timeout` passes; returns pred()'s last value
// (so a condition that becomes true at the deadline still counts).
bool eventually(const std::function<bool()>& pred,
                std::chrono::milliseconds timeout = std::chrono::milliseconds(5000),
                std::chrono::milliseconds step = std::chrono::milliseconds(20));
inline bool eventually(const std::function<bool()>& pred, int timeout_ms) {
  return eventually(pred, std::chrono::milliseconds(timeout_ms));
}

}  // namespace irqd::testing
