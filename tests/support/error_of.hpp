// The message of the exception (std::invalid_argument unless told) a call throws, or "(no error)":
// how the parsers' tests compare their messages.
#pragma once

#include <stdexcept>
#include <string>

namespace irqd::testing {

template <typename E = std::invalid_argument, typename F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const E& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace irqd::testing
