// Character and token helpers shared by the kernel-text parsers (/proc/interrupts, /proc/stat,
// /proc/softirqs, softnet_stat, IRQ names). Allocation-free: they work on string_view positions.
#pragma once

#include <algorithm>
#include <cstddef>
#include <string_view>

namespace irqd::sysfs::text_scan {

// '\r' counts as blank so that a capture saved with CRLF line ends still parses.
inline bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }
inline bool is_digit(char c) { return c >= '0' && c <= '9'; }
inline bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
inline bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
inline bool all_digits(std::string_view s) { return !s.empty() && std::all_of(s.begin(), s.end(), is_digit); }

inline std::size_t skip_blanks(std::string_view s, std::size_t p) {
  while (p < s.size() && is_blank(s[p])) ++p;
  return p;
}

inline std::size_t token_end(std::string_view s, std::size_t p) {
  while (p < s.size() && !is_blank(s[p])) ++p;
  return p;
}

inline bool is_blank_line(std::string_view s) { return skip_blanks(s, 0) == s.size(); }

}  // namespace irqd::sysfs::text_scan
