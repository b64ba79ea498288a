// Tests for the /proc/interrupts parser: every captured fixture (CPU columns, IRQ rows, the queue
// vectors their names reveal), layout corner cases, 1152 columns, and malformed input.
#include "sysfs/proc_interrupts.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <string>

#include "sysfs/error.hpp"
#include "sysfs/irq_names.hpp"
#include "tests/support/fixtures.hpp"

namespace irqd::sysfs {
namespace {

using testing::read_fixture;

// What each capture holds, counted with grep/awk on the files (see tests/fixtures/SOURCES.md).
// `queues` maps the owner a queue vector's name carries (interface, else PCI address for
// mlx4/mlx5, else virtio device) to its number of queue IRQs.
struct FixtureExpect {
  std::string file;
  std::size_t cpus;
  std::size_t numbered;
  std::size_t named;
  std::size_t chip_pci;  // numbered rows whose chip column names a PCI function
  std::size_t managed;   // nvme / virtio-blk / virtio-scsi request vectors
  std::string queues;    // "owner=count ..." sorted by owner
};

// clang-format off
const std::vector<FixtureExpect>& expectations() {
  static const std::vector<FixtureExpect> kAll = {
    {"datadog-4vcpu-kvm-virtio-net-4qp-u32-near-wrap.txt", 4, 19, 18, 0, 1, "virtio1=8"},
    {"netutils-12cpu-2xX5650-bnx2-bcm5709-mlx4-mt27520.txt", 12, 51, 14, 0, 0,
     "0000:07:00.0=3 eth0=8 eth1=8 eth2=8"},
    {"netutils-12cpu-E5645-ixgbe-2x8q.txt", 12, 41, 14, 0, 0, "eth0=8 eth1=8"},
    {"netutils-16cpu-2xE5-2690-mlx4-emulex-hpsa.txt", 16, 76, 14, 0, 0,
     "0000:04:00.0=3 eth0=5 eth1=5 eth6=8 eth7=8"},
    {"netutils-32cpu-2xE5-2640-ixgbe-82599es-4x32q-igb-i350.txt", 32, 166, 14, 0, 0,
     "eth0=8 eth1=8 eth2=32 eth3=32 eth4=32 eth5=32"},
    {"netutils-48cpu-2xE5-2687Wv4-qlogic-hpsa.txt", 48, 33, 14, 0, 0, "eth0=4 eth1=4"},
    {"netutils-4cpu-Q6700-mlx5-legacy-eq-names.txt", 4, 27, 14, 0, 0,
     "0000:01:00.0=4 0000:01:00.1=4"},
    {"node-exporter-8vcpu-aarch64-aws-graviton-ena-8q-nvme.txt", 8, 51, 8, 0, 6, "eth0=8"},
    {"nto-e2e-2vcpu-gce-virtio-net.txt", 2, 21, 22, 0, 1, "virtio1=8"},
    {"nto-master-112cpu-2s-xeon6330-ice-e810-i40e-x710-irdma-nvme.txt", 112, 1862, 19, 1857, 452,
     "eno12399=112 eno12409=112 eno12419=112 eno12429=112 eno8303=5 eno8403=5 ens3f0=112 "
     "ens3f1=112 ens6f0=112 ens6f1=112"},
    {"nto-oldworker2-24vcpu-openstack-kvm-virtio-net.txt", 24, 22, 22, 0, 1,
     "virtio0=2 virtio1=2"},
    {"nto-sno-12vcpu-kvm-virtio-net.txt", 12, 57, 20, 51, 12, "virtio1=2"},
    {"nto-worker1-80cpu-2s-xeon6230-rt-isolcpus-i40e-x710-xxv710-igb.txt", 80, 542, 19, 531, 81,
     "eno1=80 eno2=80 eno3=8 eno4=8 ens7f0=80 ens7f1=80"},
    {"nto-worker2-32cpu-2s-xeon6130-ixgbe-x550-i40e-xxv710-igb.txt", 32, 233, 19, 228, 33,
     "eno1=32 eno2=32 eno3=8 eno4=8 ens7f0=32 ens7f1=32"},
    {"procfs-4vcpu-kvm-virtio-blk-net.txt", 4, 28, 19, 0, 4, "virtio0=2"},
  };
  return kAll;
}
// clang-format on

std::vector<std::string> interrupt_fixtures() {
  try {
    return testing::fixture_files("interrupts", ".txt");
  } catch (const std::exception&) {
    return {};  // IRQD_FIXTURES unset: InterruptFixtureTable.CoversEveryFile reports it
  }
}

InterruptTable parse_fixture(const std::string& name) {
  return parse_interrupts(read_fixture("interrupts/" + name), name);
}

TEST(InterruptFixtureTable, CoversEveryFile) {
  std::vector<std::string> files = testing::fixture_files("interrupts", ".txt");
  std::vector<std::string> listed;
  for (const auto& e : expectations()) listed.push_back(e.file);
  std::sort(listed.begin(), listed.end());
  EXPECT_EQ(files, listed);
}

class InterruptFixture : public ::testing::TestWithParam<std::string> {};

TEST_P(InterruptFixture, MatchesCountedContents) {
  const std::string& file = GetParam();
  auto it = std::find_if(expectations().begin(), expectations().end(),
                         [&](const FixtureExpect& e) { return e.file == file; });
  ASSERT_NE(it, expectations().end()) << "no expectations for " << file;
  const FixtureExpect& want = *it;

  InterruptTable t = parse_fixture(file);
  EXPECT_EQ(t.ncols(), want.cpus);
  for (std::size_t c = 0; c < t.cpus.size(); ++c) EXPECT_EQ(t.cpus[c], static_cast<int>(c));
  EXPECT_EQ(t.numbered(), want.numbered);
  EXPECT_EQ(t.rows.size() - t.numbered(), want.named);
  ASSERT_EQ(t.counts.size(), t.rows.size() * t.ncols());

  std::size_t chip_pci = 0;
  std::size_t managed = 0;
  std::map<std::string, int> queues;
  int prev_line = 1;
  for (std::size_t i = 0; i < t.rows.size(); ++i) {
    const InterruptRow& r = t.rows[i];
    EXPECT_GT(r.line, prev_line);
    prev_line = r.line;
    EXPECT_EQ(r.first_count, i * t.ncols());
    if (r.irq < 0) {
      // x86 ERR/MIS and arm64 Err carry one counter; every other named row one per CPU.
      bool single = r.label == "ERR" || r.label == "MIS" || r.label == "Err";
      EXPECT_EQ(r.ncounts, single ? 1 : static_cast<int>(t.ncols())) << r.label;
      EXPECT_EQ(r.name.empty(), single) << r.label;
      EXPECT_TRUE(r.chip.empty());
      continue;
    }
    EXPECT_EQ(r.label, std::to_string(r.irq));
    EXPECT_EQ(r.ncounts, static_cast<int>(t.ncols()));
    EXPECT_FALSE(r.chip.empty()) << "IRQ " << r.irq;
    EXPECT_EQ(t.find(r.irq), &r);
    if (!r.chip_pci.empty()) {
      ++chip_pci;
      EXPECT_NE(r.chip.find(r.chip_pci), std::string::npos);
    }
    IrqNameInfo info = classify_irq_name(r.name);
    if (info.kind == NameKind::kManaged) ++managed;
    if (info.kind != NameKind::kQueue) continue;
    EXPECT_GE(info.queue, 0) << r.name;
    EXPECT_NE(info.role, QueueRole::kNone) << r.name;
    const std::string& owner = !info.iface.empty() ? info.iface
                               : !info.pci.empty() ? info.pci
                                                   : info.virtio;
    ASSERT_FALSE(owner.empty()) << r.name;
    ++queues[owner];
  }
  EXPECT_EQ(chip_pci, want.chip_pci);
  EXPECT_EQ(managed, want.managed);
  std::string got;
  for (const auto& [owner, n] : queues)
    got += fmt::format("{}{}={}", got.empty() ? "" : " ", owner, n);
  EXPECT_EQ(got, want.queues);
}

INSTANTIATE_TEST_SUITE_P(AllCaptures, InterruptFixture, ::testing::ValuesIn(interrupt_fixtures()),
                         [](const ::testing::TestParamInfo<std::string>& p) {
                           std::string n = p.param.substr(0, p.param.find('.'));
                           std::replace_if(
                               n.begin(), n.end(),
                               [](char c) { return !std::isalnum(static_cast<unsigned char>(c)); },
                               '_');
                           return n;
                         });

// ---- specific rows of real captures -----------------------------------------------------------

// The split of one numbered row, and its index in the table.
std::size_t expect_row(const InterruptTable& t, int irq, std::string_view chip,
                       std::string_view hwirq, std::string_view name, std::string_view pci = "") {
  const InterruptRow* r = t.find(irq);
  if (r == nullptr) {
    ADD_FAILURE() << "no IRQ " << irq;
    return 0;
  }
  EXPECT_EQ(r->chip, chip) << "IRQ " << irq;
  EXPECT_EQ(r->hwirq, hwirq) << "IRQ " << irq;
  EXPECT_EQ(r->name, name) << "IRQ " << irq;
  EXPECT_EQ(r->chip_pci, pci) << "IRQ " << irq;
  return static_cast<std::size_t>(r - t.rows.data());
}

TEST(InterruptParse, NewX86PerDeviceMsixDomain) {
  InterruptTable t =
      parse_fixture("nto-master-112cpu-2s-xeon6330-ice-e810-i40e-x710-irdma-nvme.txt");
  expect_row(t, 1089, "IR-PCI-MSIX-0000:4b:00.0", "2-edge", "ice-ens3f0-TxRx-0", "0000:4b:00.0");
  expect_row(t, 0, "IR-IO-APIC", "2-edge", "timer");
  expect_row(t, 124, "IR-PCI-MSI-0000:16:02.0", "0-edge", "PCIe PME, pciehp", "0000:16:02.0");
  expect_row(t, 247, "IR-PCI-MSIX-0000:b1:00.0", "100-edge", "nvme0q100", "0000:b1:00.0");
  EXPECT_EQ(t.find(1), nullptr);
  EXPECT_EQ(t.find(-1), nullptr);
}

TEST(InterruptParse, CountersNearU32WrapReadExactly) {
  InterruptTable t = parse_fixture("datadog-4vcpu-kvm-virtio-net-4qp-u32-near-wrap.txt");
  std::size_t row = expect_row(t, 31, "PCI-MSI", "65543-edge", "virtio1-input.3");
  EXPECT_EQ(t.count(row, 0), 1u);
  EXPECT_EQ(t.count(row, 3), 4190886484u);
  EXPECT_EQ(t.total(row), 4190886485u);
  row = expect_row(t, 27, "PCI-MSI", "65539-edge", "virtio1-input.1");
  EXPECT_EQ(t.count(row, 1), 4144949287u);
}

TEST(InterruptParse, Arm64GicLayoutIpiRowsAndTrailingBlankLine) {
  InterruptTable t = parse_fixture("node-exporter-8vcpu-aarch64-aws-graviton-ena-8q-nvme.txt");
  std::size_t row = expect_row(t, 10, "GICv3", "27 Level", "arch_timer");
  EXPECT_EQ(t.count(row, 0), 3287008667u);
  EXPECT_EQ(t.count(row, 7), 3225020442u);
  expect_row(t, 50, "ARMH0061:00", "3 Edge", "ACPI:Event");
  expect_row(t, 58, "ITS-MSI", "81921 Edge", "eth0-Tx-Rx-0");
  // "IPI0:2768808080 ...": no blank between the label and a 10-digit counter.
  auto ipi0 = std::find_if(t.rows.begin(), t.rows.end(),
                           [](const InterruptRow& r) { return r.label == "IPI0"; });
  ASSERT_NE(ipi0, t.rows.end());
  EXPECT_EQ(ipi0->irq, -1);
  EXPECT_EQ(ipi0->name, "Rescheduling interrupts");
  std::size_t ipi_row = static_cast<std::size_t>(ipi0 - t.rows.begin());
  EXPECT_EQ(t.count(ipi_row, 0), 2768808080u);
  EXPECT_EQ(t.count(ipi_row, 7), 2154252810u);
  EXPECT_EQ(t.rows.back().label, "Err");
  EXPECT_EQ(t.rows.back().ncounts, 1);
}

TEST(InterruptParse, OldKernelFlowNameGluedToChip) {
  InterruptTable t = parse_fixture("netutils-12cpu-2xX5650-bnx2-bcm5709-mlx4-mt27520.txt");
  expect_row(t, 0, "IO-APIC", "edge", "timer");
  expect_row(t, 3, "IO-APIC", "edge", "");  // counted, but no action any more
  expect_row(t, 9, "IO-APIC", "fasteoi", "acpi");
  expect_row(t, 60, "PCI-MSI", "edge", "mlx4-comp-0@pci:0000:07:00.0");
  InterruptTable t32 = parse_fixture("netutils-32cpu-2xE5-2640-ixgbe-82599es-4x32q-igb-i350.txt");
  expect_row(t32, 74, "IR-HPET_MSI", "edge", "hpet2");
  expect_row(t32, 72, "DMAR_MSI", "edge", "dmar0");
}

TEST(InterruptParse, PciMsixChipWithoutInterruptRemapping) {
  InterruptTable t = parse_fixture("nto-sno-12vcpu-kvm-virtio-net.txt");
  expect_row(t, 69, "PCI-MSIX-0000:01:00.0", "1-edge", "virtio1-input.0", "0000:01:00.0");
  expect_row(t, 71, "PCI-MSI-0000:00:1f.2", "0-edge", "ahci[0000:00:1f.2]", "0000:00:1f.2");
}

TEST(InterruptParse, BlankLineInsideFile) {
  // The procfs capture has an empty line between MIS and PIN.
  InterruptTable t = parse_fixture("procfs-4vcpu-kvm-virtio-blk-net.txt");
  EXPECT_EQ(t.rows.back().label, "PIW");
  EXPECT_EQ(t.rows.back().line, 49);
}

// ---- synthetic layouts ------------------------------------------------------------------------

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

// ---- malformed input --------------------------------------------------------------------------

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
          ASSERT_EQ(t.counts.size(), t.rows.size() * t.ncols());
          for (const InterruptRow& r : t.rows) {
            ASSERT_LE(r.ncounts, static_cast<int>(t.ncols()));
            ASSERT_EQ(r.first_count % t.ncols(), 0u);
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
    ASSERT_EQ(table.counts, want) << (trailing ? "trailing-space layout" : "leading-space layout");
  }
  // A zero glued to a digit is one number, and a zero ending the file is still read.
  auto t = parse_interrupts("      CPU0       CPU1\n  1:          05          0", "interrupts");
  EXPECT_EQ(t.counts, (std::vector<std::uint32_t>{5, 0}));
}

// The daemon reads the file in chunks: the result must be what parsing the whole text gives, for
// lines across chunk ends, a line longer than a chunk, an unterminated last line; errors alike.
void expect_same_tables(const InterruptTable& a, const InterruptTable& b) {
  ASSERT_EQ(a.cpus, b.cpus);
  ASSERT_EQ(a.counts, b.counts);
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

// The table is reserved from the file's size before the first row: exactly rows x CPUs, never
// grown (growth by doubling held the old and the new counts at once), and a re-reading reuses it.
TEST(ReadInterrupts, TableIsReservedExactlyAndReused) {
  const std::string text = read_fixture("interrupts/nto-master-112cpu-2s-xeon6330-ice-e810-i40e-x710-irdma-nvme.txt");
  testing::TempDir dir;
  SysRoot root(dir.path());
  dir.write("proc/interrupts", text);
  std::string buf;
  InterruptTable t;
  ASSERT_TRUE(read_interrupts(root, t, buf));
  EXPECT_EQ(t.counts.capacity(), t.rows.size() * t.ncols());
  const std::uint32_t* storage = t.counts.data();
  ASSERT_TRUE(read_interrupts(root, t, buf));
  EXPECT_EQ(t.counts.data(), storage);
  InterruptTable whole;
  parse_interrupts(text, "interrupts", whole);
  EXPECT_EQ(whole.counts.capacity(), whole.rows.size() * whole.ncols());
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
  for (const auto& r : t.rows) EXPECT_LE(r.first_count + t.cpus.size(), t.counts.size());
  dir.write("proc/interrupts", "");
  EXPECT_THROW(read_interrupts(root, t, buf), ParseError);
}

}  // namespace
}  // namespace irqd::sysfs
