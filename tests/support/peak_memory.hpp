// How much memory a piece of code needs at its peak: run in a forked child whose peak resident
// set is reset first (/proc/self/clear_refs), so what the test process held before does not count.
#pragma once

#include <cstddef>
#include <functional>
#include <string>

namespace irqd::testing {

// ASan pads every allocation and shadows the heap: bounds on what a structure costs allow this
// factor more there.
#if defined(__SANITIZE_ADDRESS__)
inline constexpr std::size_t kSanitizerFactor = 2;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
inline constexpr std::size_t kSanitizerFactor = 2;
#else
inline constexpr std::size_t kSanitizerFactor = 1;
#endif
#else
inline constexpr std::size_t kSanitizerFactor = 1;
#endif

struct PeakMemory {
  std::size_t growth = 0;  // peak resident set minus the resident set at the start, in bytes
  std::size_t value = 0;   // what the function returned (e.g. the bytes the result keeps)
  std::string error;       // the exception it threw, or why the measure failed; "" when none
};

// Runs f in a child process; its return value comes back in `value`.
PeakMemory measure_peak(const std::function<std::size_t()>& f);

}  // namespace irqd::testing
