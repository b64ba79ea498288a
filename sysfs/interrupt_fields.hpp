// Scanning the counter fields of /proc/interrupts rows fast: blank runs and up to eight digits a
// word at a time, and runs of " %10u" zero fields compared a block at a time. Used by the
// interrupts parser's hot loop (one field per CPU per IRQ); nothing here allocates.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace irqd::sysfs::interrupt_fields {

// Skips blanks; runs of spaces (ten per zero counter in "%10u" columns) eight bytes at a time.
const char* skip_blanks_fast(const char* p, const char* end);
// The number of leading ASCII digits in the eight bytes at p (0..8; all eight must be loadable).
int leading_digits(const char* p);
// The value of the n (1..8) digits at p (eight bytes loadable).
std::uint64_t eight_digits(const char* p, int n);

// " %10u" of a zero: the commonest field by far on a big machine.
inline constexpr std::size_t kZeroField = 11;
// The number of whole zero fields at c (at most max, never reading at or past end). A zero glued
// to what follows ("          05") is not one.
std::size_t zero_run(const char* c, const char* end, std::size_t max);

// The '\n's in text (memchr: std::count went a byte at a time, 7 ms of a 14 MB file).
std::size_t count_newlines(std::string_view text);

}  // namespace irqd::sysfs::interrupt_fields
