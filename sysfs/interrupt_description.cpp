// Splitting a /proc/interrupts row's description (see interrupt_description.hpp).
#include "sysfs/interrupt_description.hpp"

#include <algorithm>

#include "sysfs/text_scan.hpp"

namespace irqd::sysfs {

namespace {

using namespace text_scan;  // NOLINT: the shared scanning helpers

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_blank(s.back())) s.remove_suffix(1);
  return s;
}

// Flow handler names the kernel glued to the chip name ("IO-APIC-edge") before it printed hwirqs
// (before ~4.x on x86); desc->name is set from these by irq_set_chip_and_handler_name().
bool is_flow_name(std::string_view s) {
  return s == "edge" || s == "fasteoi" || s == "level" || s == "simple" || s == "percpu" ||
         s == "percpu_devid" || s == "eoi";
}

// GENERIC_IRQ_SHOW_LEVEL trigger column ("Level" / "Edge"), optionally followed by "-<flow>".
bool is_trigger(std::string_view t) {
  for (std::string_view trig : {std::string_view("Level"), std::string_view("Edge")}) {
    if (t == trig) return true;
    if (t.size() > trig.size() + 1 && t.substr(0, trig.size()) == trig && t[trig.size()] == '-')
      return true;
  }
  return false;
}

// A hwirq number, optionally with the flow name appended ("27", "2-edge", "65537-edge").
bool is_hwirq_number(std::string_view t) {
  std::size_t i = 0;
  while (i < t.size() && is_digit(t[i])) ++i;
  if (i == 0) return false;
  if (i == t.size()) return true;
  if (t[i] != '-' || i + 1 == t.size()) return false;
  return std::all_of(t.begin() + static_cast<std::ptrdiff_t>(i) + 1, t.end(),
                     [](char c) { return is_alpha(c) || c == '_'; });
}

// "-edge": the flow name printed after an empty hwirq field of a domain-less chip.
bool is_flow_token(std::string_view t) { return t.size() > 1 && t[0] == '-' && is_alpha(t[1]); }

bool starts_hwirq_field(std::string_view t) {
  return is_digit(t[0]) || is_flow_token(t) || is_trigger(t);
}

// Length of a PCI address "DDDD:BB:DD.F" (domain may be longer, e.g. VMD's 10000) at the start of
// s, or 0.
std::size_t match_bdf(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size() && is_hex(s[i])) ++i;
  if (i < 4 || i > 8) return 0;
  auto hex2 = [&](char sep) {
    if (i + 3 > s.size() || s[i] != sep || !is_hex(s[i + 1]) || !is_hex(s[i + 2])) return false;
    i += 3;
    return true;
  };
  if (!hex2(':') || !hex2(':')) return 0;
  if (i + 2 > s.size() || s[i] != '.' || s[i + 1] < '0' || s[i + 1] > '7') return 0;
  return i + 2;
}

// The PCI address a per-device MSI domain puts in the chip name ("IR-PCI-MSIX-0000:4b:00.0").
std::string_view chip_pci_address(std::string_view chip) {
  std::size_t start = 0;
  while (start < chip.size()) {
    std::size_t dash = chip.find('-', start);
    std::string_view piece =
        chip.substr(start, dash == std::string_view::npos ? dash : dash - start);
    if (match_bdf(piece) == piece.size() && !piece.empty()) return piece;
    if (dash == std::string_view::npos) break;
    start = dash + 1;
  }
  return {};
}

// Appends s to out with every run of blanks collapsed to one space.
void append_collapsed(std::string& out, std::string_view s) {
  bool gap = false;
  for (char c : s) {
    if (is_blank(c)) {
      gap = true;
      continue;
    }
    if (gap && !out.empty()) out.push_back(' ');
    gap = false;
    out.push_back(c);
  }
}

}  // namespace

// Splits what follows the counters of a numbered row. The kernel prints " %8s" chip, " %*lu" hwirq
// (when the IRQ has a domain), " %-8s" Level/Edge (GENERIC_IRQ_SHOW_LEVEL), "-%-8s" flow name,
// then the actions, the first after two spaces. Walking that structure (rather than cutting at the
// last 2+ space gap) keeps a row without actions ("IO-APIC   3-edge") from reading its hwirq as the
// name, and keeps names intact whatever spacing they contain.
void split_description(std::string_view rem, InterruptRow& row) {
  rem = trim(rem);
  if (rem.empty()) return;  // a row of counts only
  // Chip: the first token, extended over single-space separated words for chip names that
  // contain spaces ("Hyper-V PCIe MSI"); the action name always follows a wider gap.
  std::size_t chip_end = token_end(rem, 0);
  while (chip_end + 1 < rem.size() && rem[chip_end] == ' ' && !is_blank(rem[chip_end + 1])) {
    std::size_t e = token_end(rem, chip_end + 1);
    if (starts_hwirq_field(rem.substr(chip_end + 1, e - chip_end - 1))) break;
    chip_end = e;
  }
  std::string_view chip = rem.substr(0, chip_end);

  // hwirq field: optional number (maybe with "-flow"), optional trigger, optional "-flow".
  std::size_t hw_start = skip_blanks(rem, chip_end);
  std::size_t p = hw_start;
  std::size_t hw_end = chip_end;
  auto take = [&](bool (*accept)(std::string_view)) {
    std::size_t s = skip_blanks(rem, p);
    std::size_t e = token_end(rem, s);
    if (s == e || !accept(rem.substr(s, e - s))) return;
    p = e;
    hw_end = e;
  };
  take(is_hwirq_number);
  take(is_trigger);
  take(is_flow_token);

  if (hw_end > chip_end) {
    append_collapsed(row.hwirq, rem.substr(hw_start, hw_end - hw_start));
  } else if (std::size_t dash = chip.rfind('-');
             dash != std::string_view::npos && dash > 0 && is_flow_name(chip.substr(dash + 1))) {
    // Old layout "IO-APIC-edge": chip and flow name in one token.
    row.hwirq.assign(chip.substr(dash + 1));
    chip = chip.substr(0, dash);
  }
  row.chip.assign(chip);
  row.chip_pci.assign(chip_pci_address(chip));
  row.name.assign(trim(rem.substr(hw_end)));
}

void describe(std::string_view description, int irq, InterruptRow& row) {
  row.chip.clear();
  row.hwirq.clear();
  row.chip_pci.clear();
  row.name.clear();
  if (irq >= 0)
    split_description(description, row);
  else
    row.name.assign(trim(description));
}

}  // namespace irqd::sysfs
