// Tests for the /proc/interrupts parser on synthetic layouts: named rows among numbered ones,
// offline CPU columns, rows without chip or name, chip and hwirq spellings, 32-bit counters, CRLF,
// out-of-order rows, 1152 columns, and the counter fast paths read exactly as a plain loop would.
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

TEST(InterruptParse, NamedRowsMixedWithNumbered) {
  const char* text =
      "           CPU0       CPU1\n"
      "  0:         10          0   IO-APIC   2-edge      timer\n"
      "NMI:          3          4   Non-maskable interrupts\n"
      " 24:          5          6   PCI-MSI 65536-edge      virtio1-config\n"
      "ERR:          7\n"
      "MIS:          0\n"
      " 25:          8          9   PCI-MSI 65537-edge      virtio1-input.0\n";
  InterruptTable t = parse_interrupts(text, "mixed");
  ASSERT_EQ(t.rows.size(), 6u);
  EXPECT_EQ(t.numbered(), 3u);
  EXPECT_EQ(t.rows[1].label, "NMI");
  EXPECT_EQ(t.rows[1].name, "Non-maskable interrupts");
  EXPECT_EQ(t.count(1, 1), 4u);
  EXPECT_EQ(t.rows[3].label, "ERR");
  EXPECT_EQ(t.rows[3].ncounts, 1);
  EXPECT_EQ(t.count(3, 0), 7u);
  EXPECT_EQ(t.count(3, 1), 0u);
  EXPECT_EQ(t.rows[3].name, "");
  EXPECT_EQ(t.find(25), &t.rows[5]);
  EXPECT_EQ(t.find(24), &t.rows[2]);
  EXPECT_EQ(t.total(5), 17u);
  EXPECT_EQ(t.rows[5].line, 7);
}

TEST(InterruptParse, HeaderSkippingOfflineCpuAndTrailingSpaces) {
  const char* text =
      "           CPU0       CPU1       CPU3       \n"
      "  0:          1          2          3   IO-APIC   2-edge      timer\n"
      "ERR:          0\n";
  InterruptTable t = parse_interrupts(text, "offline");
  EXPECT_EQ(t.cpus, (std::vector<int>{0, 1, 3}));
  EXPECT_EQ(t.count(0, 2), 3u);
}

TEST(InterruptParse, RowsWithoutChipOrName) {
  const char* text =
      "           CPU0       CPU1\n"
      "  3:          0          0   IO-APIC   3-edge      \n"
      "  4:          0          0   IO-APIC   4-edge\n"
      "  7:          5          6\n"
      "  8:          5          6   \n";
  InterruptTable t = parse_interrupts(text, "freed");
  ASSERT_EQ(t.rows.size(), 4u);
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(t.rows[i].chip, "IO-APIC");
    EXPECT_EQ(t.rows[i].name, "") << i;
  }
  EXPECT_EQ(t.rows[0].hwirq, "3-edge");
  EXPECT_EQ(t.rows[1].hwirq, "4-edge");
  for (std::size_t i = 2; i < 4; ++i) {
    EXPECT_EQ(t.rows[i].chip, "");
    EXPECT_EQ(t.rows[i].hwirq, "");
    EXPECT_EQ(t.rows[i].name, "");
    EXPECT_EQ(t.total(i), 11u);
  }
}

TEST(InterruptParse, ChipNameWithSpacesAndLongHwirq) {
  // Azure: the Hyper-V PCI MSI chip name has spaces, and hwirqs run to 13 digits.
  const char* text =
      "           CPU0       CPU1\n"
      " 25:          1        103  Hyper-V PCIe MSI 4138200989697-edge      "
      "mana_q0@pci:7870:00:00.0\n"
      " 26:          1        103  Hyper-V PCIe MSI 4138200989698-edge\n"
      " 27:          0          0  GICv3      Level     arch_timer\n"
      " 28:          0          0  XT-PIC    -XT          cascade\n";
  InterruptTable t = parse_interrupts(text, "azure");
  EXPECT_EQ(t.rows[0].chip, "Hyper-V PCIe MSI");
  EXPECT_EQ(t.rows[0].hwirq, "4138200989697-edge");
  EXPECT_EQ(t.rows[0].name, "mana_q0@pci:7870:00:00.0");
  EXPECT_EQ(t.rows[1].chip, "Hyper-V PCIe MSI");
  EXPECT_EQ(t.rows[1].name, "");
  EXPECT_EQ(t.rows[2].chip, "GICv3");
  EXPECT_EQ(t.rows[2].hwirq, "Level");
  EXPECT_EQ(t.rows[2].name, "arch_timer");
  EXPECT_EQ(t.rows[3].chip, "XT-PIC");
  EXPECT_EQ(t.rows[3].hwirq, "-XT");
  EXPECT_EQ(t.rows[3].name, "cascade");
}

TEST(InterruptParse, NameKeepsItsOwnSpacing) {
  const char* text =
      "CPU0\n"
      "  5:  1   IO-APIC   5-fasteoi   odd  name, other\n";
  InterruptTable t = parse_interrupts(text, "spacing");
  EXPECT_EQ(t.rows[0].hwirq, "5-fasteoi");
  EXPECT_EQ(t.rows[0].name, "odd  name, other");
}

TEST(InterruptParse, ChipPciExtraction) {
  struct Case {
    const char* chip;
    const char* pci;
  };
  const Case cases[] = {
      {"IR-PCI-MSIX-0000:4b:00.0", "0000:4b:00.0"},
      {"PCI-MSIX-0000:00:03.0", "0000:00:03.0"},
      {"PCI-MSI-0000:00:1f.2", "0000:00:1f.2"},
      {"IR-PCI-MSI-0000:00:1c.4", "0000:00:1c.4"},
      {"PCI-MSIX-10000:e1:00.7", "10000:e1:00.7"},  // VMD domain
      {"PCI-MSI", ""},
      {"IO-APIC", ""},
      {"ITS-MSI", ""},
      {"ARMH0061:00", ""},
      {"PCI-MSIX-0000:4b:00.8", ""},  // function > 7
      {"PCI-MSIX-0000:4b:00", ""},
      {"PCI-MSIX-0000:4b:00.0x", ""},
  };
  for (const Case& c : cases) {
    std::string text = fmt::format("CPU0\n 42:  7  {}    3-edge      x\n", c.chip);
    InterruptTable t = parse_interrupts(text, "chips");
    ASSERT_EQ(t.rows.size(), 1u);
    EXPECT_EQ(t.rows[0].chip, c.chip);
    EXPECT_EQ(t.rows[0].chip_pci, c.pci) << c.chip;
  }
}

TEST(InterruptParse, CountersUpTo32Bits) {
  const char* text =
      "CPU0 CPU1 CPU2 CPU3\n"
      "  1: 4294967295 4294967294 0 1 IO-APIC 1-edge x\n"
      "  2: 00000000000000000000000001 0004294967295 0 1 IO-APIC 1-edge y\n";
  InterruptTable t = parse_interrupts(text, "limits");
  EXPECT_EQ(t.count(0, 0), 4294967295u);
  EXPECT_EQ(t.count(0, 1), 4294967294u);
  EXPECT_EQ(t.count(1, 0), 1u);  // leading zeros do not count against the width
  EXPECT_EQ(t.count(1, 1), 4294967295u);
  EXPECT_EQ(t.total(0), 4294967295ULL + 4294967294ULL + 1ULL);  // totals do not wrap
}

TEST(InterruptParse, CrlfLineEnds) {
  InterruptTable t =
      parse_interrupts("CPU0 CPU1\r\n  0: 1 2 IO-APIC 2-edge timer\r\nERR: 0\r\n", "crlf");
  ASSERT_EQ(t.rows.size(), 2u);
  EXPECT_EQ(t.rows[0].name, "timer");
  EXPECT_EQ(t.rows[1].ncounts, 1);
}

TEST(InterruptParse, OutOfOrderRowsStillFound) {
  InterruptTable t = parse_interrupts(
      "CPU0\n 9: 1 IO-APIC 9-edge a\nNMI: 0 x\n 3: 2 IO-APIC 3-edge b\n 12: 3 IO-APIC 1-edge c\n",
      "unordered");
  ASSERT_NE(t.find(3), nullptr);
  EXPECT_EQ(t.find(3)->name, "b");
  ASSERT_NE(t.find(9), nullptr);
  EXPECT_EQ(t.find(9)->name, "a");
  ASSERT_NE(t.find(12), nullptr);
  EXPECT_EQ(t.find(4), nullptr);
}

// 1152 CPUs x 1000 IRQs in the kernel's own layout (" %10u" per CPU).
TEST(InterruptParse, ThousandsOfColumns) {
  constexpr int kCpus = 1152;
  constexpr int kIrqs = 1000;
  std::string text = "     ";
  for (int c = 0; c < kCpus; ++c) fmt::format_to(std::back_inserter(text), "CPU{:<8}", c);
  text += '\n';
  auto value = [](int irq, int cpu) {
    return static_cast<std::uint64_t>(irq) * 7919u + static_cast<std::uint64_t>(cpu) * 104729u;
  };
  for (int i = 0; i < kIrqs; ++i) {
    fmt::format_to(std::back_inserter(text), "{:>4}:", i + 100);
    for (int c = 0; c < kCpus; ++c)
      fmt::format_to(std::back_inserter(text), " {:>10}", value(i, c));
    fmt::format_to(std::back_inserter(text),
                   "  IR-PCI-MSIX-0000:4b:00.0  {:>3}-edge      ice-ens3f0-TxRx-{}\n", i, i);
  }
  text += " NMI:";
  for (int c = 0; c < kCpus; ++c) text += "          1";
  text += "   Non-maskable interrupts\n ERR:          0\n";

  InterruptTable t = parse_interrupts(text, "big");
  ASSERT_EQ(t.ncols(), static_cast<std::size_t>(kCpus));
  EXPECT_EQ(t.cpus.back(), kCpus - 1);
  ASSERT_EQ(t.numbered(), static_cast<std::size_t>(kIrqs));
  ASSERT_EQ(t.rows.size(), static_cast<std::size_t>(kIrqs + 2));
  for (int i : {0, 1, 499, 999})
    for (int c : {0, 1, 575, 1151})
      EXPECT_EQ(t.count(static_cast<std::size_t>(i), static_cast<std::size_t>(c)), value(i, c));
  EXPECT_EQ(t.rows[999].name, "ice-ens3f0-TxRx-999");
  EXPECT_EQ(t.rows[999].chip_pci, "0000:4b:00.0");
  EXPECT_EQ(t.find(1099), &t.rows[999]);
  EXPECT_EQ(t.total(static_cast<std::size_t>(kIrqs)), static_cast<std::uint64_t>(kCpus));
}

// The parser's fast paths (a zero field compared whole, eight digits at a time) must read every
// value exactly as the plain digit loop would: every digit count 1..10, zeros next to others,
// both the " %10u" (current) and "%10u " (older kernels) field layouts, and the line's end.
TEST(ProcInterruptsFastPaths, EveryWidthAndLayoutReadsExactly) {
  std::vector<std::uint32_t> values = {0, 1, 9, 10, 99, 100, 12345678, 99999999, 100000000, 123456789,
                                       999999999, 1000000000, 4294967294U, 4294967295U};
  std::uint64_t x = 88172645463325252ULL;
  for (int i = 0; i < 200; ++i) {  // xorshift: values of every magnitude
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    values.push_back(static_cast<std::uint32_t>(x >> (i % 64)));
  }
  for (bool trailing : {false, true}) {
    const std::size_t ncpus = 7;
    std::string t = "      ";
    for (std::size_t c = 0; c < ncpus; ++c) t += fmt::format("CPU{:<7}", c);
    t += "\n";
    std::vector<std::uint32_t> want;
    for (std::size_t r = 0; r * ncpus < values.size(); ++r) {
      t += fmt::format("{:>3}:", r + 1);
      if (trailing) t += " ";
      for (std::size_t c = 0; c < ncpus; ++c) {
        std::uint32_t v = (r + c) % 3 == 0 ? 0 : values[(r * ncpus + c) % values.size()];
        want.push_back(v);
        t += trailing ? fmt::format("{:>10} ", v) : fmt::format(" {:>10}", v);
      }
      t += r % 2 == 0 ? "  PCI-MSI 1-edge      eth0-TxRx-0\n" : "\n";
    }
    auto table = parse_interrupts(t, "interrupts");
    ASSERT_EQ(table.matrix(), want) << (trailing ? "trailing-space layout" : "leading-space layout");
  }
  // A zero glued to a digit is one number, and a zero ending the file is still read.
  auto t = parse_interrupts("      CPU0       CPU1\n  1:          05          0", "interrupts");
  EXPECT_EQ(t.matrix(), (std::vector<std::uint32_t>{5, 0}));
}

}  // namespace
}  // namespace irqd::sysfs
