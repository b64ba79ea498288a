// Bounds: inputs far larger than any real machine's (100k IRQs, 8192 CPUs, oversized files, CPU
// numbers past the kernel's limit) are either handled or refused with a clear error, never read
// into unbounded memory.
#include <fcntl.h>
#include <unistd.h>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "sysfs/cpuset.hpp"
#include "sysfs/error.hpp"
#include "sysfs/proc_interrupts.hpp"
#include "sysfs/sys_root.hpp"
#include "tests/support/error_of.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/support/peak_memory.hpp"

namespace irqd::sysfs {
namespace {

std::string header(int ncpus) {
  std::string h = "      ";
  for (int c = 0; c < ncpus; ++c) h += fmt::format(" CPU{}", c);
  return h + "\n";
}

// A row in the x86 PCI-MSI-X layout of the captures: "  38:  0 5 ... IR-PCI-MSIX-... name".
std::string row(int irq, int ncpus) {
  std::string r = fmt::format("{:>4}:", irq);
  for (int c = 0; c < ncpus; ++c) r += c == irq % ncpus ? " 12345" : " 0";
  return r + fmt::format(" IR-PCI-MSIX-0000:3b:00.0 {}-edge eth0-TxRx-{}\n", irq, irq);
}

// Any error: the readers throw sysfs errors and std::invalid_argument alike.
template <typename F>
std::string error_of(F&& f) {
  return testing::error_of<std::exception>(std::forward<F>(f));
}

TEST(Bounds, HundredThousandIrqsParse) {
  std::string text = header(16);
  for (int irq = 0; irq < 100000; ++irq) text += row(irq, 16);
  auto t = parse_interrupts(text, "/proc/interrupts");
  ASSERT_EQ(t.rows.size(), 100000u);
  EXPECT_EQ(t.count(99999, 99999 % 16), 12345u);
}

TEST(Bounds, EightThousandCpuColumnsParse) {
  std::string text = header(CpuSet::kMaxCpus);
  for (int irq = 0; irq < 64; ++irq) text += row(irq, CpuSet::kMaxCpus);
  auto t = parse_interrupts(text, "/proc/interrupts");
  EXPECT_EQ(t.ncols(), 8192u);
  EXPECT_EQ(t.rows.size(), 64u);
}

TEST(Bounds, CpuNumberPastTheKernelLimitIsRefused) {
  std::string text = "  CPU0 CPU8192\n  1: 0 0 IO-APIC 1-edge i8042\n";
  EXPECT_EQ(error_of([&] { parse_interrupts(text, "/proc/interrupts"); }),
            "/proc/interrupts:1: header column CPU8192: CPU numbers stop at 8191");
  EXPECT_NE(error_of([] { CpuSet::parse_list("0-4294967295"); }).find("too large"), std::string::npos);
}

TEST(Bounds, OversizedKernelFileIsRefusedNotRead) {
  testing::TempDir dir;
  dir.write("proc/interrupts", "");
  auto path = dir.path() / "proc/interrupts";
  int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::ftruncate(fd, static_cast<off_t>(SysRoot::kMaxFileBytes + 1)), 0);  // sparse: no disk
  ::close(fd);
  SysRoot root(dir.path());
  std::string msg = error_of([&] { root.read("proc/interrupts"); });
  EXPECT_NE(msg.find("larger than 64 MiB, refusing to read it"), std::string::npos) << msg;
}

// What a table keeps, in bytes: its vectors' capacities and every string on the heap (with a
// malloc header each).
std::size_t kept_bytes(const InterruptTable& t) {
  auto heap = [](const std::string& s) { return s.capacity() > 15 ? s.capacity() + 1 + 16 : 0; };
  std::size_t n = t.rows.capacity() * sizeof(InterruptRow) + t.cells.capacity() * sizeof(std::uint32_t) +
                  t.cpus.capacity() * sizeof(int);
  for (const auto& r : t.rows)
    n += heap(r.label) + heap(r.chip) + heap(r.hwirq) + heap(r.name) + heap(r.chip_pci) + heap(r.description);
  return n;
}

// Writes proc/interrupts under dir: a 4-CPU header, then `rows` rows from row_text(i), streamed to
// the file (tens of MB are never held here either).
template <typename F>
void write_interrupts(const testing::TempDir& dir, int rows, F&& row_text) {
  dir.write("proc/interrupts", header(4));
  std::FILE* f = std::fopen((dir.path() / "proc/interrupts").c_str(), "a");
  ASSERT_NE(f, nullptr);
  for (int i = 0; i < rows; ++i) {
    std::string r = row_text(i);
    ASSERT_EQ(std::fwrite(r.data(), 1, r.size(), f), r.size());
  }
  std::fclose(f);
}

constexpr std::size_t kMiB = std::size_t{1} << 20;

// Reads proc/interrupts under root as the daemon does, in a child: its peak memory growth, and
// what the table it made keeps.
testing::PeakMemory read_peak(const SysRoot& root) {
  return testing::measure_peak([&] {
    InterruptTable t;
    std::string buf;
    read_interrupts(root, t, buf);
    return kept_bytes(t);
  });
}

// Nine rows whose names are 8 MiB each (72 MiB, more than any one kernel file irqd reads but
// this one): streamed, not refused, and what is kept of a row is bounded, so reading it costs a
// few chunks, not the file.
TEST(Bounds, RowsWithHugeNamesCostWhatTheTableKeepsNotTheFile) {
  testing::TempDir dir;
  write_interrupts(dir, 9, [](int irq) {
    return fmt::format("{:>4}:          1          0          0          0  PCI-MSI  {}-edge      {}\n", irq, irq,
                       std::string(8 * kMiB, 'x'));
  });
  SysRoot root(dir.path());
  auto m = read_peak(root);
  ASSERT_EQ(m.error, "");
  EXPECT_LT(m.value, kMiB) << "the table keeps the names whole";
  EXPECT_LT(m.growth, 8 * kMiB) << "reading a 72 MiB file";

  InterruptTable t;
  std::string buf;
  ASSERT_TRUE(read_interrupts(root, t, buf));
  ASSERT_EQ(t.rows.size(), 9u);
  EXPECT_TRUE(t.rows[8].cut);
  EXPECT_EQ(t.rows[8].chip, "PCI-MSI");
  EXPECT_EQ(t.rows[8].name, std::string(kMaxDescription - std::string("  PCI-MSI  8-edge      ").size(), 'x'));
  EXPECT_EQ(t.count(8, 0), 1u);
}

// One line of 40 MiB: never buffered whole.
TEST(Bounds, OneHugeLineIsNotBufferedWhole) {
  testing::TempDir dir;
  write_interrupts(dir, 1, [](int) {
    return "   0:          1          0          0          0  IO-APIC  2-edge  " + std::string(40 * kMiB, 'y') + "\n";
  });
  SysRoot root(dir.path());
  auto m = read_peak(root);
  ASSERT_EQ(m.error, "");
  EXPECT_LT(m.growth, 8 * kMiB);
  InterruptTable t;
  std::string buf;
  ASSERT_TRUE(read_interrupts(root, t, buf));
  ASSERT_EQ(t.rows.size(), 1u);
  EXPECT_TRUE(t.rows[0].cut);
  EXPECT_EQ(t.rows[0].hwirq, "2-edge");
  EXPECT_LE(buf.size(), kMaxInterruptsLine);
}

// A file longer than any kernel's is refused at once when it says its size (a fixture's regular
// file; procfs says none, and is refused once that much has been read).
TEST(Bounds, InterruptsFileLongerThanAnyKernelsIsRefusedUnread) {
  testing::TempDir dir;
  dir.write("proc/interrupts", header(4));
  ASSERT_EQ(::truncate((dir.path() / "proc/interrupts").c_str(), static_cast<off_t>(kMaxInterruptsBytes + 1)), 0);
  SysRoot root(dir.path());
  InterruptTable t;
  std::string buf;
  std::string msg = error_of([&] { read_interrupts(root, t, buf); });
  EXPECT_NE(msg.find("larger than 2048 MiB, refusing to read it"), std::string::npos) << msg;
}

// Rows are the table: a file of millions of tiny rows is refused past kMaxInterruptsRows.
TEST(Bounds, MoreRowsThanAnyKernelsAreRefused) {
  std::string text = header(1);
  text.reserve(text.size() + 4 * (kMaxInterruptsRows + 1));
  for (std::size_t i = 0; i <= kMaxInterruptsRows; ++i) text += "X:\n";
  std::string msg = error_of([&] { parse_interrupts(text, "/proc/interrupts"); });
  EXPECT_EQ(msg, fmt::format("/proc/interrupts:{}: more than 1048576 rows: not a kernel's /proc/interrupts",
                             kMaxInterruptsRows + 2));
}

// Many ordinary rows (64 CPUs, ~30 MB): the table grows with the rows, the reading costs no more
// than the table (no copy of the text, no second table).
TEST(Bounds, ManyRowsCostTheTable) {
  testing::TempDir dir;
  dir.write("proc/interrupts", header(64));
  {
    std::FILE* f = std::fopen((dir.path() / "proc/interrupts").c_str(), "a");
    ASSERT_NE(f, nullptr);
    for (int irq = 0; irq < 40000; ++irq) {
      std::string r = fmt::format("{:>5}:", irq);
      for (int c = 0; c < 64; ++c) r += c == irq % 64 ? "      12345" : "          0";
      r += fmt::format("  IR-PCI-MSIX-0000:3b:00.0  {}-edge      eth0-TxRx-{}\n", irq, irq);
      std::fwrite(r.data(), 1, r.size(), f);
    }
    std::fclose(f);
  }
  SysRoot root(dir.path());
  auto m = read_peak(root);
  ASSERT_EQ(m.error, "");
  EXPECT_LT(m.growth, testing::kSanitizerFactor * (m.value + m.value / 4) + 4 * kMiB) << "kept " << m.value << " bytes";
}

}  // namespace
}  // namespace irqd::sysfs
