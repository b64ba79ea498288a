// Tests for reading /proc/interrupts in chunks: the same table as parsing the whole text, the
// table reserved exactly and reused, the file missing, a torn read.
#include "sysfs/proc_interrupts.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "sysfs/error.hpp"
#include "tests/support/fixtures.hpp"

namespace irqd::sysfs {
namespace {

using testing::read_fixture;

// The daemon reads the file in chunks: the result must be what parsing the whole text gives, for
// lines across chunk ends, a line longer than a chunk, an unterminated last line; errors alike.
void expect_same_tables(const InterruptTable& a, const InterruptTable& b) {
  ASSERT_EQ(a.cpus, b.cpus);
  ASSERT_EQ(a.matrix(), b.matrix());
  ASSERT_EQ(a.rows.size(), b.rows.size());
  for (std::size_t i = 0; i < a.rows.size(); ++i) {
    EXPECT_EQ(a.rows[i].irq, b.rows[i].irq);
    EXPECT_EQ(a.rows[i].name, b.rows[i].name);
    EXPECT_EQ(a.rows[i].chip, b.rows[i].chip);
    EXPECT_EQ(a.rows[i].hwirq, b.rows[i].hwirq);
    EXPECT_EQ(a.rows[i].line, b.rows[i].line);
    EXPECT_EQ(a.rows[i].first_count, b.rows[i].first_count);
  }
}

TEST(ReadInterrupts, ChunkedReadEqualsWholeParse) {
  std::string big = read_fixture("interrupts/nto-master-112cpu-2s-xeon6330-ice-e810-i40e-x710-irdma-nvme.txt");
  ASSERT_GT(big.size(), 4 * kInterruptsChunk);
  std::string long_line = "           CPU0       CPU1\n 10:          1          2   PCI-MSI 1-edge      " +
                          std::string(3 * kInterruptsChunk, 'x') + "\n 11:          3          4   PCI-MSI 2-edge      eth0";
  testing::TempDir dir;
  SysRoot root(dir.path());
  std::string buf;
  InterruptTable t;
  for (const std::string& text : {big, long_line, read_fixture("interrupts/nto-sno-12vcpu-kvm-virtio-net.txt")}) {
    dir.write("proc/interrupts", text);
    ASSERT_TRUE(read_interrupts(root, t, buf));
    expect_same_tables(t, parse_interrupts(text, "x"));
  }
}

// The counters cost what the non-zero ones do (the capture's are 99.5% zeros: a rows x CPUs
// table would be 20 times larger), and a re-reading reuses the table's storage.
TEST(ReadInterrupts, TableIsReservedExactlyAndReused) {
  const std::string text = read_fixture("interrupts/nto-master-112cpu-2s-xeon6330-ice-e810-i40e-x710-irdma-nvme.txt");
  testing::TempDir dir;
  SysRoot root(dir.path());
  dir.write("proc/interrupts", text);
  std::string buf;
  InterruptTable t;
  ASSERT_TRUE(read_interrupts(root, t, buf));
  EXPECT_LT(t.cells.capacity(), t.rows.size() * t.ncols() / 20);
  const std::uint32_t* storage = t.cells.data();
  ASSERT_TRUE(read_interrupts(root, t, buf));
  EXPECT_EQ(t.cells.data(), storage);
  InterruptTable whole;
  parse_interrupts(text, "interrupts", whole);
  EXPECT_LT(whole.cells.capacity(), whole.rows.size() * whole.ncols() / 20);
  EXPECT_EQ(whole.matrix(), t.matrix());
}

TEST(ReadInterrupts, ErrorsMissingFileAndTornRead) {
  testing::TempDir dir;
  SysRoot root(dir.path());
  std::string buf;
  InterruptTable t;
  EXPECT_FALSE(read_interrupts(root, t, buf));  // no file
  std::string big = read_fixture("interrupts/nto-master-112cpu-2s-xeon6330-ice-e810-i40e-x710-irdma-nvme.txt");
  // Torn in the middle of a row far past the first chunk: the same error as the whole text.
  std::size_t cut = big.find('\n', 3 * kInterruptsChunk) + 40;
  dir.write("proc/interrupts", big.substr(0, cut));
  std::string whole_error, chunked_error;
  try {
    parse_interrupts(big.substr(0, cut), dir.path().string() + "/proc/interrupts");
  } catch (const ParseError& e) {
    whole_error = e.what();
  }
  try {
    read_interrupts(root, t, buf);
  } catch (const ParseError& e) {
    chunked_error = e.what();
  }
  EXPECT_FALSE(whole_error.empty());
  EXPECT_EQ(chunked_error, whole_error);
  for (const auto& r : t.rows) EXPECT_LE(r.first_count + (r.dense ? t.cpus.size() : 2 * std::size_t{r.stored}), t.cells.size());
  dir.write("proc/interrupts", "");
  EXPECT_THROW(read_interrupts(root, t, buf), ParseError);
}

}  // namespace
}  // namespace irqd::sysfs
