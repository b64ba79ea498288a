// eventually(): polling with a deadline (see poll.hpp).
#include "tests/support/poll.hpp"

#include <thread>

namespace irqd::testing {

bool eventually(const std::function<bool()>& pred, std::chrono::milliseconds timeout,
                std::chrono::milliseconds step) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred()) return true;
    std::this_thread::sleep_for(step);
  }
  return pred();
}

}  // namespace irqd::testing
