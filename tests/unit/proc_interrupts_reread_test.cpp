// Tests for re-reading /proc/interrupts into the table of the previous reading: in place while
// the file keeps its shape (only changed counters logged), into a fresh table when rows or CPU
// columns change, and the previous reading left exactly as it was by any error.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <string>
#include <vector>

#include "sysfs/error.hpp"
#include "sysfs/proc_interrupts.hpp"
#include "tests/support/fixtures.hpp"

namespace irqd::sysfs {
namespace {

// 3 CPUs; rows {irq, counts...}, then a named row.
std::string text(const std::vector<std::vector<std::uint32_t>>& rows, const std::string& loc = "5 5 5") {
  std::string t = "           CPU0       CPU1       CPU2\n";
  for (const auto& r : rows)
    t += fmt::format("{:>3}: {:>10} {:>10} {:>10}   PCI-MSI {}-edge      eth0-TxRx-{}\n", r[0], r[1], r[2], r[3],
                     r[0], r[0]);
  return t + "LOC: " + loc + "   Local timer interrupts\n";
}

void expect_same(const InterruptTable& a, const InterruptTable& b) {
  ASSERT_EQ(a.cpus, b.cpus);
  ASSERT_EQ(a.matrix(), b.matrix());
  ASSERT_EQ(a.rows.size(), b.rows.size());
  for (std::size_t i = 0; i < a.rows.size(); ++i) {
    EXPECT_EQ(a.rows[i].irq, b.rows[i].irq);
    EXPECT_EQ(a.rows[i].label, b.rows[i].label);
    EXPECT_EQ(a.rows[i].name, b.rows[i].name);
    EXPECT_EQ(a.rows[i].chip, b.rows[i].chip);
    EXPECT_EQ(a.rows[i].hwirq, b.rows[i].hwirq);
    EXPECT_EQ(a.rows[i].line, b.rows[i].line);
    EXPECT_EQ(a.rows[i].ncounts, b.rows[i].ncounts);
  }
}

TEST(Reread, SameShapeUpdatesInPlaceAndLogsOnlyChangedCounters) {
  InterruptTable t = parse_interrupts(text({{40, 1, 0, 0}, {41, 0, 7, 0}}), "a");
  InterruptTable fresh;
  std::vector<CounterChange> changes;
  const std::string next = text({{40, 5, 0, 0}, {41, 0, 7, 2}}, "6 5 5");
  ASSERT_EQ(reparse_interrupts(next, "b", t, fresh, changes), Reread::kInPlace);
  expect_same(t, parse_interrupts(next, "b"));
  const std::uint32_t* storage = t.cells.data();  // IRQ 41 gained a counter: it moved
  ASSERT_EQ(changes.size(), 3u);  // IRQ 40 on CPU0, IRQ 41 on CPU2, LOC on CPU0
  EXPECT_EQ(changes[0].index, 0u);
  EXPECT_EQ(changes[0].old, 1u);
  EXPECT_EQ(changes[1].index, 5u);
  EXPECT_EQ(changes[1].old, 0u);
  EXPECT_EQ(changes[2].index, 6u);
  EXPECT_EQ(changes[2].old, 5u);
  // Unchanged: nothing logged.
  ASSERT_EQ(reparse_interrupts(next, "c", t, fresh, changes), Reread::kInPlace);
  EXPECT_TRUE(changes.empty());
  EXPECT_EQ(t.cells.data(), storage);
}

// Sparse rows (a counter or two among many CPUs) that gain counters are moved to the end of the
// cells; an error after that still leaves the previous reading exactly as it was, and the space
// moved rows leave behind is reclaimed.
TEST(Reread, RowsGainingCountersMoveAndRollBack) {
  auto sparse = [](int irq_cpu_shift, std::uint32_t v, bool torn) {
    std::string t = "     ";
    for (int c = 0; c < 64; ++c) t += fmt::format(" {:>10}", fmt::format("CPU{}", c));
    t += "\n";
    for (int irq = 0; irq < 50; ++irq) {
      t += fmt::format("{:>4}:", irq);
      const int ncols = torn && irq == 49 ? 63 : 64;
      for (int c = 0; c < ncols; ++c)
        t += fmt::format(" {:>10}", c == irq % 64 || c == (irq + irq_cpu_shift) % 64 ? v : 0U);
      t += "   PCI-MSI 1-edge      q\n";
    }
    return t;
  };
  InterruptTable t = parse_interrupts(sparse(0, 1, false), "a");
  EXPECT_LT(t.cells.size(), 50u * 8);  // one pair a row
  InterruptTable fresh;
  std::vector<CounterChange> changes;
  for (int shift = 1; shift < 40; ++shift) {
    const InterruptTable copy = t;
    EXPECT_THROW(reparse_interrupts(sparse(shift, static_cast<std::uint32_t>(shift + 1), true), "b", t, fresh, changes),
                 ParseError);
    expect_same(t, copy);
    ASSERT_EQ(t.cells, copy.cells);
    const std::string next = sparse(shift, static_cast<std::uint32_t>(shift + 1), false);
    ASSERT_EQ(reparse_interrupts(next, "c", t, fresh, changes), Reread::kInPlace);
    expect_same(t, parse_interrupts(next, "c"));
    EXPECT_LT(t.cells.size(), 3 * t.live_cells() + 4096);
  }
}

TEST(Reread, CounterBackToZeroIsLogged) {
  // The zero fast path must still notice a counter that was not zero before (a reset).
  InterruptTable t = parse_interrupts(text({{40, 0, 900, 0}}), "a");
  InterruptTable fresh;
  std::vector<CounterChange> changes;
  ASSERT_EQ(reparse_interrupts(text({{40, 0, 0, 0}}), "b", t, fresh, changes), Reread::kInPlace);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].index, 1u);
  EXPECT_EQ(changes[0].old, 900u);
  EXPECT_EQ(t.count(0, 1), 0u);
}

TEST(Reread, ShapeChangesGoToAFreshTableAndLeaveThePreviousOne) {
  const std::string before = text({{40, 1, 2, 3}, {41, 4, 5, 6}, {42, 7, 8, 9}});
  const std::string three_cpus = "           CPU0       CPU1       CPU3\n 40:          1          2          3   x\n";
  const std::vector<std::string> afters = {
      text({{40, 2, 2, 3}, {41, 4, 5, 6}, {43, 7, 8, 9}}),                // an IRQ replaced
      text({{40, 2, 2, 3}, {41, 4, 5, 6}}),                              // the last IRQ vanished
      text({{40, 2, 2, 3}, {41, 4, 5, 6}, {42, 7, 8, 9}, {44, 1, 1, 1}}),  // one appeared
      text({{40, 2, 2, 3}, {42, 7, 8, 9}}),                              // one in the middle went
      text({{40, 2, 2, 3}, {41, 4, 5, 6}, {42, 7, 8, 9}}, "5"),          // a named row got shorter
      three_cpus,                                                        // other CPU columns
  };
  for (std::string after : afters) {
    InterruptTable t = parse_interrupts(before, "a");
    const InterruptTable copy = t;
    InterruptTable fresh;
    std::vector<CounterChange> changes;
    ASSERT_EQ(reparse_interrupts(after, "b", t, fresh, changes), Reread::kFresh) << after;
    expect_same(t, copy);
    expect_same(fresh, parse_interrupts(after, "b"));
  }
  // A renamed action (the description) is another row too.
  InterruptTable t = parse_interrupts(before, "a");
  const InterruptTable copy = t;
  InterruptTable fresh;
  std::vector<CounterChange> changes;
  std::string renamed = before;
  renamed.replace(renamed.find("eth0-TxRx-41"), 12, "eth1-TxRx-41");
  ASSERT_EQ(reparse_interrupts(renamed, "b", t, fresh, changes), Reread::kFresh);
  expect_same(t, copy);
  EXPECT_EQ(fresh.find(41)->name, "eth1-TxRx-41");
}

TEST(Reread, ErrorsLeaveThePreviousReadingExactlyAsItWas) {
  const std::string before = text({{40, 1, 2, 3}, {41, 4, 5, 6}, {42, 7, 8, 9}});
  const std::vector<std::string> bad = {
      // Torn: CPU hotplug while the kernel printed the file (a numbered row short of counters),
      // after counters of earlier rows changed in place.
      text({{40, 9, 9, 9}, {41, 9, 9, 9}}) + " 42:          9          9\n",
      text({{40, 9, 9, 9}, {41, 9, 9, 9}, {42, 9, 9, 9}}) + "junk\n",
      text({{40, 9, 9, 9}, {41, 9, 9, 9}, {42, 9, 9, 9}}) + " 43:          1          1 4294967296   x\n",
      // Errors after the reading moved to a fresh table.
      text({{40, 9, 9, 9}, {43, 9, 9, 9}}) + " 44:          1\n",
      "",
  };
  for (const std::string& b : bad) {
    InterruptTable t = parse_interrupts(before, "a");
    const InterruptTable copy = t;
    InterruptTable fresh;
    std::vector<CounterChange> changes;
    EXPECT_THROW(reparse_interrupts(b, "b", t, fresh, changes), ParseError) << b;
    expect_same(t, copy);
    // And the next good reading is taken in place from the untouched previous one.
    const std::string good = text({{40, 2, 2, 3}, {41, 4, 5, 6}, {42, 7, 8, 9}});
    ASSERT_EQ(reparse_interrupts(good, "c", t, fresh, changes), Reread::kInPlace);
    ASSERT_EQ(changes.size(), 1u);
    EXPECT_EQ(changes[0].old, 1u);
  }
}

// Long runs of zero fields are compared a block of 64 fields at a time: every run length and
// position across block edges must read (and, in place, log) exactly as field by field.
TEST(Reread, ZeroRunsOfEveryLengthAndPosition) {
  constexpr std::size_t kCpus = 200;
  std::uint64_t x = 0x9E3779B97F4A7C15ULL;
  auto next = [&] {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return x;
  };
  auto make = [&](std::vector<std::uint32_t>& want) {
    std::string t = "     ";
    for (std::size_t c = 0; c < kCpus; ++c) t += fmt::format("{:>11}", fmt::format("CPU{}", c));
    t += "\n";
    want.clear();
    for (int r = 0; r < 40; ++r) {
      t += fmt::format("{:>4}:", 100 + r);
      const std::size_t nonzero = next() % 5;  // a few counters, anywhere (or none)
      std::vector<std::uint32_t> row(kCpus, 0);
      for (std::size_t i = 0; i < nonzero; ++i) row[next() % kCpus] = static_cast<std::uint32_t>(next() % 3 == 0 ? 1 : next());
      if (r == 0) row.assign(kCpus, 0);
      if (r == 1) row[63] = row[64] = 1;  // at a block edge
      for (std::uint32_t v : row) t += fmt::format(" {:>10}", v);
      want.insert(want.end(), row.begin(), row.end());
      t += r % 3 == 0 ? "\n" : fmt::format("  PCI-MSI {}-edge      q-{}\n", r, r);
    }
    return t;
  };
  std::vector<std::uint32_t> want_a, want_b;
  for (int round = 0; round < 20; ++round) {
    const std::string a = make(want_a), b = make(want_b);
    InterruptTable t = parse_interrupts(a, "a");
    ASSERT_EQ(t.matrix(), want_a);
    InterruptTable fresh;
    std::vector<CounterChange> changes;
    ASSERT_EQ(reparse_interrupts(b, "b", t, fresh, changes), Reread::kInPlace);
    ASSERT_EQ(t.matrix(), want_b);
    std::vector<CounterChange> expected;
    for (std::size_t i = 0; i < want_a.size(); ++i)
      if (want_a[i] != want_b[i]) expected.push_back({static_cast<std::uint32_t>(i), want_a[i]});
    ASSERT_EQ(changes.size(), expected.size());
    for (std::size_t i = 0; i < changes.size(); ++i) {
      EXPECT_EQ(changes[i].index, expected[i].index);
      EXPECT_EQ(changes[i].old, expected[i].old);
    }
  }
}

TEST(Reread, FromAFileInChunks) {
  const std::string big =
      testing::read_fixture("interrupts/nto-master-112cpu-2s-xeon6330-ice-e810-i40e-x710-irdma-nvme.txt");
  testing::TempDir dir;
  SysRoot root(dir.path());
  std::string buf;
  InterruptTable t, fresh;
  std::vector<CounterChange> changes;
  EXPECT_EQ(reread_interrupts(root, t, fresh, changes, buf), Reread::kMissing);
  dir.write("proc/interrupts", big);
  ASSERT_EQ(reread_interrupts(root, t, fresh, changes, buf), Reread::kFresh);  // nothing before
  std::swap(t, fresh);
  EXPECT_LT(t.cells.capacity(), t.rows.size() * t.ncols() / 20);  // the non-zero counters
  ASSERT_EQ(reread_interrupts(root, t, fresh, changes, buf), Reread::kInPlace);
  EXPECT_TRUE(changes.empty());
  expect_same(t, parse_interrupts(big, "x"));
  // One counter far into the file changes.
  std::string next = big;
  const std::size_t at = next.find("\n1800:");
  ASSERT_NE(at, std::string::npos);
  const std::size_t field = next.find("          0", at);
  next[field + 10] = '7';
  dir.write("proc/interrupts", next);
  ASSERT_EQ(reread_interrupts(root, t, fresh, changes, buf), Reread::kInPlace);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].old, 0u);
  EXPECT_EQ(t.count(changes[0].index / t.ncols(), changes[0].index % t.ncols()), 7u);
  expect_same(t, parse_interrupts(next, "x"));
}

}  // namespace
}  // namespace irqd::sysfs
