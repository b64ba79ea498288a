// libFuzzer target: parse_interrupts on arbitrary /proc/interrupts text.
// Only irqd::sysfs::ParseError may escape the parser (anything else is reported as a crash).
// For every successful parse the table must be self-consistent: every row's cells lie inside the
// table (a sparse row's columns ascending and in range, absent columns 0), CPU columns strictly increase, numbered rows
// have unique IRQ numbers and find(irq) returns exactly that row, numbered() counts them.
// Re-reading the text in place into an earlier reading gives the same table as a parse (or leaves
// the earlier one untouched), and logs exactly the counters that changed.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "sysfs/error.hpp"
#include "sysfs/proc_interrupts.hpp"

using irqd::sysfs::InterruptRow;
using irqd::sysfs::InterruptTable;

namespace {

[[noreturn]] void fail(const char* what, const InterruptRow* row) {
  if (row != nullptr)
    std::fprintf(stderr, "fuzz_proc_interrupts: property violated: %s (row line %d, label '%s', irq %d)\n", what,
                 row->line, row->label.c_str(), row->irq);
  else
    std::fprintf(stderr, "fuzz_proc_interrupts: property violated: %s\n", what);
  std::abort();
}

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

void check(const InterruptTable& t) {
  const std::size_t ncols = t.ncols();
  if (ncols == 0) fail("table without CPU columns", nullptr);
  for (std::size_t i = 1; i < ncols; ++i)
    if (t.cpus[i] <= t.cpus[i - 1]) fail("CPU columns not strictly increasing", nullptr);
  if (t.cpus.front() < 0) fail("negative CPU column", nullptr);
  if (t.live_cells() > t.cells.size()) fail("rows hold more cells than the table", nullptr);

  std::unordered_set<int> irqs;
  std::size_t numbered = 0;
  int prev_line = 0;
  for (std::size_t r = 0; r < t.rows.size(); ++r) {
    const InterruptRow& row = t.rows[r];
    const std::size_t held = row.dense ? ncols : 2 * std::size_t{row.stored};
    if (row.dense && row.stored != ncols) fail("dense row without a value per column", &row);
    if (row.first_count + held > t.cells.size()) fail("row counters run past the table", &row);
    for (std::size_t i = 0; !row.dense && i < row.stored; ++i) {
      const std::uint32_t col = t.cells[row.first_count + 2 * i];
      if (col >= ncols || (i > 0 && col <= t.cells[row.first_count + 2 * i - 2])) fail("sparse columns out of order", &row);
    }
    if (row.ncounts < 0 || static_cast<std::size_t>(row.ncounts) > ncols) fail("ncounts out of [0, ncols]", &row);
    for (std::size_t c = static_cast<std::size_t>(row.ncounts); c < ncols; ++c)
      if (t.count(r, c) != 0) fail("absent counter column is not 0", &row);
    (void)t.total(r);
    if (row.line <= prev_line) fail("row line numbers not increasing", &row);
    prev_line = row.line;
    if (row.label.empty()) fail("empty label", &row);
    if (row.irq >= 0) {
      ++numbered;
      if (static_cast<std::size_t>(row.ncounts) != ncols) fail("numbered row without a counter per CPU", &row);
      if (!all_digits(row.label)) fail("numbered row whose label is not a number", &row);
      if (!irqs.insert(row.irq).second) fail("duplicate IRQ number accepted", &row);
      if (t.find(row.irq) != &row) fail("find(irq) does not return the row", &row);
    } else {
      if (row.irq != -1) fail("named row with irq other than -1", &row);
      if (!row.chip.empty() || !row.hwirq.empty() || !row.chip_pci.empty())
        fail("named row with chip/hwirq fields", &row);
    }
    if (!row.chip_pci.empty() && row.chip.find(row.chip_pci) == std::string::npos)
      fail("chip_pci not part of chip", &row);
  }
  if (t.numbered() != numbered) fail("numbered() miscounts", nullptr);
  if (t.find(-1) != nullptr) fail("find(-1) found a row", nullptr);
  // An IRQ number absent from the table must not be found.
  for (int probe : {0, 1, 7, 1 << 20})
    if (irqs.count(probe) == 0 && t.find(probe) != nullptr) fail("find() found an absent IRQ", nullptr);
}

bool same_counts(const InterruptTable& a, const InterruptTable& b) {
  if (a.cpus != b.cpus || a.matrix() != b.matrix() || a.rows.size() != b.rows.size()) return false;
  for (std::size_t r = 0; r < a.rows.size(); ++r)
    if (a.rows[r].irq != b.rows[r].irq || a.rows[r].label != b.rows[r].label || a.rows[r].name != b.rows[r].name)
      return false;
  return true;
}

// Re-reading the input into the table of a previous reading (the first half of the input, so
// that shapes differ, rows change in place, and torn reads happen) must give the table a fresh
// parse gives, or throw and leave the previous table exactly as it was.
void check_reread(std::string_view text) {
  const std::string_view before_text = text.substr(0, text.size() / 2);
  InterruptTable prev;
  try {
    prev = irqd::sysfs::parse_interrupts(before_text, "fuzz/before");
  } catch (const irqd::sysfs::ParseError&) {
    return;
  }
  const InterruptTable copy = prev;
  InterruptTable fresh;
  std::vector<irqd::sysfs::CounterChange> changes;
  irqd::sysfs::Reread how{};
  try {
    how = irqd::sysfs::reparse_interrupts(text, "fuzz/proc/interrupts", prev, fresh, changes);
  } catch (const irqd::sysfs::ParseError&) {
    if (!same_counts(prev, copy)) fail("a failed re-reading changed the previous table", nullptr);
    return;
  }
  const InterruptTable want = irqd::sysfs::parse_interrupts(text, "fuzz/proc/interrupts");
  if (how == irqd::sysfs::Reread::kFresh) {
    if (!same_counts(prev, copy)) fail("a fresh re-reading changed the previous table", nullptr);
    if (!same_counts(fresh, want)) fail("a fresh re-reading differs from a parse", nullptr);
    return;
  }
  if (!same_counts(prev, want)) fail("an in-place re-reading differs from a parse", nullptr);
  std::size_t differing = 0;
  const std::vector<std::uint32_t> want_counts = want.matrix(), copy_counts = copy.matrix();
  for (std::size_t i = 0; i < want_counts.size(); ++i) differing += want_counts[i] != copy_counts[i];
  if (changes.size() != differing) fail("the change log does not list exactly the changed counters", nullptr);
  for (std::size_t i = 0; i < changes.size(); ++i) {
    const auto& ch = changes[i];
    if (ch.index >= copy_counts.size() || copy_counts[ch.index] != ch.old) fail("a logged old value is wrong", nullptr);
    if (i > 0 && ch.index <= changes[i - 1].index) fail("the change log is not in index order", nullptr);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  InterruptTable t;
  try {
    t = irqd::sysfs::parse_interrupts(text, "fuzz/proc/interrupts");
  } catch (const irqd::sysfs::ParseError&) {
    check_reread(text);
    return 0;
  }
  check(t);
  check_reread(text);
  return 0;
}
