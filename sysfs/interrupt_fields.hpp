// Scanning the counter fields of /proc/interrupts rows fast: blank runs and up to eight digits a
// word at a time, and runs of " %10u" zero fields compared a block at a time. Used by the
// interrupts parser's hot loop (one field per CPU per IRQ); nothing here allocates.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include <algorithm>
#include <bit>
#include <cstring>
#include <string>

#include "sysfs/text_scan.hpp"

namespace irqd::sysfs::interrupt_fields {

using text_scan::is_blank;
using text_scan::is_digit;

// " %10u" of a zero: the commonest field by far on a big machine.
inline constexpr std::size_t kZeroField = 11;
inline constexpr std::size_t kZeroBlock = 64 * kZeroField;  // 64 zero fields

// Inline: they run once per CPU per IRQ, and a call each costs the dense parse ~40%.
namespace detail {
// " %10u" of a zero: the commonest field by far on a big machine (an IRQ counts only on the CPUs
// it was delivered to: 99.5% of the 112-CPU capture's counters). kZeroBlock bytes hold 64 of
// them, so that a run of zero fields is compared a block at a time with memcmp (~10x faster than
// reading the fields one by one), however far along the line it starts.

inline const char* zero_fields() {
  static const std::string kZeros = [] {
    std::string z;
    for (int i = 0; i < 64; ++i) z += "          0";
    return z;
  }();
  return kZeros.data();
}
}  // namespace detail

// Skips blanks; runs of spaces (ten per zero counter in "%10u" columns) eight bytes at a time.
inline const char* skip_blanks_fast(const char* p, const char* end) {
  constexpr std::uint64_t kSpaces = 0x2020202020202020ULL;
  while (true) {
    while (end - p >= 8) {
      std::uint64_t w;
      std::memcpy(&w, p, sizeof w);
      const std::uint64_t x = w ^ kSpaces;
      if (x != 0) {
        const int bit =
            std::endian::native == std::endian::little ? std::countr_zero(x) : std::countl_zero(x);
        p += bit / 8;
        break;
      }
      p += 8;
    }
    while (p != end && *p == ' ') ++p;
    if (p == end || !is_blank(*p)) return p;
    ++p;  // a tab or '\r'
  }
}

// The number of leading ASCII digits in the eight bytes at p (0..8; all eight must be loadable).
// SWAR on a little-endian load; elsewhere a plain loop.
inline int leading_digits(const char* p) {
  if constexpr (std::endian::native == std::endian::little) {
    std::uint64_t w;
    std::memcpy(&w, p, sizeof w);
    const std::uint64_t t = w ^ 0x3030303030303030ULL;  // digits become bytes 0..9
    // High bit of a byte set when it is not a digit (a carry only ever disturbs bytes after the
    // first non-digit, which are not counted).
    const std::uint64_t bad = ((t + 0x7676767676767676ULL) | t) & 0x8080808080808080ULL;
    return bad == 0 ? 8 : std::countr_zero(bad) / 8;
  } else {
    int n = 0;
    while (n < 8 && is_digit(p[n])) ++n;
    return n;
  }
}

// The value of the n (1..8) digits at p (eight bytes loadable).
inline std::uint64_t eight_digits(const char* p, int n) {
  if constexpr (std::endian::native == std::endian::little) {
    std::uint64_t w;
    std::memcpy(&w, p, sizeof w);
    // The n digits to the top bytes, zeros (leading zero digits) below, then pairwise sums.
    std::uint64_t v = ((w ^ 0x3030303030303030ULL) & 0x0F0F0F0F0F0F0F0FULL) << (8 * (8 - n));
    v = (v * 2561) >> 8;
    v = ((v & 0x00FF00FF00FF00FFULL) * 6553601) >> 16;
    return ((v & 0x0000FFFF0000FFFFULL) * 42949672960001ULL) >> 32;
  } else {
    std::uint64_t v = 0;
    for (int i = 0; i < n; ++i) v = v * 10 + static_cast<std::uint64_t>(p[i] - '0');
    return v;
  }
}

// The number of whole zero fields at c (at most max, never reading at or past end). A zero glued
// to what follows ("          05") is not one.
inline std::size_t zero_run(const char* c, const char* end, std::size_t max) {
  const auto avail = std::min(static_cast<std::size_t>(end - c), max * kZeroField);
  if (avail < kZeroField || std::memcmp(c, "        ", 8) != 0) return 0;  // a number (dense)
  const char* const z = detail::zero_fields();
  std::size_t n = 0;  // bytes matched
  while (avail - n >= kZeroBlock && std::memcmp(c + n, z, kZeroBlock) == 0) n += kZeroBlock;
  // The rest within one block (the pattern repeats every block), a word at a time.
  const std::size_t limit = std::min(avail - n, kZeroBlock);
  std::size_t m = 0;
  for (; m + 8 <= limit; m += 8) {
    std::uint64_t a, b;
    std::memcpy(&a, c + n + m, 8);
    std::memcpy(&b, z + m, 8);
    if (a != b) {
      const int bit = std::endian::native == std::endian::little ? std::countr_zero(a ^ b) : std::countl_zero(a ^ b);
      m += static_cast<std::size_t>(bit / 8);
      break;
    }
  }
  if (m + 8 > limit)
    while (m < limit && c[n + m] == z[m]) ++m;
  n += m;
  std::size_t fields = n / kZeroField;
  // A zero glued to what follows ("          05") is not a zero field.
  if (fields > 0 && c + fields * kZeroField != end && !is_blank(c[fields * kZeroField])) --fields;
  return fields;
}

// The '\n's in text (memchr: std::count went a byte at a time, 7 ms of a 14 MB file).
std::size_t count_newlines(std::string_view text);

}  // namespace irqd::sysfs::interrupt_fields
