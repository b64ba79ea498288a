// Recognising a hex CPU mask and naming its cpulist (see hex_mask_hint.hpp).
#include "sysfs/hex_mask_hint.hpp"

#include <fmt/format.h>

#include <stdexcept>
#include <vector>

#include "sysfs/cpuset.hpp"

namespace irqd::sysfs {

namespace {

bool is_hex_digit(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
bool is_hex_letter(char c) { return (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

}  // namespace

std::optional<std::string> hex_mask_hint(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t' || text.front() == '\n')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\n')) text.remove_suffix(1);
  bool prefixed = text.starts_with("0x") || text.starts_with("0X");
  std::string_view digits = prefixed ? text.substr(2) : text;
  if (digits.empty() || digits.size() > 4096) return std::nullopt;
  // Comma-separated groups of hex digits, with a letter a-f or a 0x: what makes it no cpulist.
  std::vector<std::string_view> groups;
  bool letter = false;
  std::size_t pos = 0;
  while (true) {
    std::size_t end = digits.find(',', pos);
    std::string_view g = digits.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
    if (g.empty()) return std::nullopt;
    for (char c : g) {
      if (!is_hex_digit(c)) return std::nullopt;
      letter |= is_hex_letter(c);
    }
    groups.push_back(g);
    if (end == std::string_view::npos) break;
    pos = end + 1;
  }
  if (!letter && !prefixed) return std::nullopt;
  // The kernel's form: 32-bit groups, every one after the first eight digits wide. Anything else
  // (a bare "fff,3") could mean more than one thing: no cpulist is offered then.
  bool kernel_form = groups.front().size() <= 8;
  for (std::size_t i = 1; i < groups.size(); ++i) kernel_form &= groups[i].size() == 8;
  const std::string general = "looks like a hex CPU mask; irqd takes CPU lists such as \"0-3,8\"";
  if (!kernel_form) return general;
  try {
    CpuSet cpus = CpuSet::parse_mask(digits);
    if (cpus.empty()) return "looks like a hex CPU mask, one naming no CPU; irqd takes CPU lists such as \"0-3,8\"";
    return fmt::format("looks like a hex CPU mask; irqd takes CPU lists: \"{}\"", cpus.to_list());
  } catch (const std::invalid_argument&) {
    return general;  // wider than kMaxCpus
  }
}

}  // namespace irqd::sysfs
