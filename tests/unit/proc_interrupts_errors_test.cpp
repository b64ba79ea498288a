// Tests for malformed /proc/interrupts: every error names the file, the line and what is wrong;
// truncated and damaged captures give a table or a ParseError, never a crash or a bad table.
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

struct BadCase {
  const char* text;
  int line;
  const char* says;  // part of the message
};

TEST(InterruptParseErrors, NameFileAndLine) {
  const BadCase cases[] = {
      {"", 1, "empty file"},
      {"\n   \n\n", 1, "empty file"},
      {"CPU0 CPU1 foo\n", 1, "'foo' is not 'CPU<n>'"},
      {"CPU0 CPUx\n", 1, "'CPUx'"},
      {"CPU1 CPU0\n", 1, "increasing"},
      {"CPU0 CPU0\n", 1, "increasing"},
      {"  0:  1  2  IO-APIC  2-edge  timer\n", 1, "not 'CPU<n>'"},
      {"CPU0 CPU1\n  0: 1 2 IO-APIC 2-edge timer\nhello world: 1 2\n", 3, "contains blanks"},
      {"CPU0 CPU1\n  0: 1 2 IO-APIC 2-edge timer\ngarbage\n", 3, "expected '<irq>:'"},
      {"CPU0 CPU1\n  4a: 1 2 IO-APIC 2-edge timer\n", 2, "'4a' is not a number"},
      {"CPU0 CPU1\n  99999999999: 1 2 IO-APIC 2-edge timer\n", 2, "not a number"},
      {"CPU0 CPU1\n: 1 2\n", 2, "empty label"},
      {"CPU0 CPU1\n#x: 1 2\n", 2, "neither"},
      {"CPU0\n 5: 1 a 5-edge x\n 6: 2 a 6-edge y\n 5: 3 a 5-edge z\n", 4, "duplicate IRQ 5"},
      {"CPU0\n 9: 1 a 9-edge x\n 5: 2 a 5-edge y\n 9: 3 a 9-edge z\n", 4, "first on line 2"},
      {"CPU0 CPU1\n  0: 1 2 3 IO-APIC 2-edge timer\n", 2, "more counter columns"},
      {"CPU0 CPU1\n  0: 1 12a4 IO-APIC 2-edge timer\n", 2, "'12a4' is not a number"},
      {"CPU0 CPU1\nNMI: 1 12a4 Non-maskable interrupts\n", 2, "'12a4'"},
      {"CPU0 CPU1\nERR: 0x10\n", 2, "'0x10'"},
      {"CPU0 CPU1\n  0: 1 IO-APIC 2-edge timer\n", 2, "1 counter columns but the header has 2"},
      {"CPU0 CPU1\n  0:\n", 2, "0 counter columns"},
      {"CPU0 CPU1\n  0: -1 2 IO-APIC 2-edge timer\n", 2, "not an unsigned number"},
      // The kernel's counters are unsigned int: anything wider is not its file, and wrapping
      // it would invent a delta.
      {"CPU0 CPU1\n  0: 1 4294967296 IO-APIC x\n", 2, "counter 2 '4294967296' does not fit 32 bits"},
      {"CPU0 CPU1\n  0: 1 18446744073709551616 IO-APIC x\n", 2, "does not fit 32 bits"},
      {"CPU0 CPU1\n  0: 1 123456789012345678901 IO-APIC x\n", 2, "does not fit 32 bits"},
      {"CPU0 CPU1\nLOC: 99999999999 1 Local timer interrupts\n", 2, "counter 1 '99999999999' does not fit"},
      {"CPU0\n  0: 1 IO-APIC 2-edge timer\n\n  1: 1 IO-APIC 1-edge a\n  2 1 x\n", 5, "expected"},
  };
  for (const BadCase& c : cases) {
    try {
      parse_interrupts(c.text, "proc/interrupts");
      ADD_FAILURE() << "parsed: " << c.text;
    } catch (const ParseError& e) {
      std::string what = e.what();
      EXPECT_NE(what.find(fmt::format("proc/interrupts:{}", c.line)), std::string::npos)
          << what << "\n  for: " << c.text;
      EXPECT_NE(what.find(c.says), std::string::npos) << what << "\n  for: " << c.text;
      EXPECT_EQ(e.file(), "proc/interrupts");
      EXPECT_EQ(e.line(), c.line);
    }
  }
}

// Every prefix cut at a multiple of 97 bytes, and the same prefixes with one byte overwritten,
// gives a table or a ParseError: never a crash (run under ASan/UBSan too).
TEST(InterruptParseErrors, TruncatedAndDamagedCapturesNeverCrash) {
  for (const char* name : {"node-exporter-8vcpu-aarch64-aws-graviton-ena-8q-nvme.txt",
                           "netutils-48cpu-2xE5-2687Wv4-qlogic-hpsa.txt",
                           "nto-worker2-32cpu-2s-xeon6130-ixgbe-x550-i40e-xxv710-igb.txt"}) {
    const std::string full = read_fixture(std::string("interrupts/") + name);
    int tables = 0;
    int errors = 0;
    for (std::size_t cut = 0; cut <= full.size(); cut += 97) {
      for (char damage : {'\0', 'x', ':', '9', ' ', '\n', '-'}) {
        std::string text = full.substr(0, cut);
        if (damage != '\0' && !text.empty()) text[cut * 31 % text.size()] = damage;
        try {
          InterruptTable t = parse_interrupts(text, name);
          ASSERT_LE(t.live_cells(), t.cells.size());
          for (const InterruptRow& r : t.rows) {
            ASSERT_LE(r.ncounts, static_cast<int>(t.ncols()));
            ASSERT_LE(r.first_count + (r.dense ? t.cpus.size() : 2 * std::size_t{r.stored}), t.cells.size());
          }
          ++tables;
        } catch (const ParseError& e) {
          ASSERT_NE(std::string(e.what()).find(name), std::string::npos);
          ++errors;
        }
      }
    }
    EXPECT_GT(tables, 0) << name;
    EXPECT_GT(errors, 0) << name;
  }
}

}  // namespace
}  // namespace irqd::sysfs
