// Tests for the /proc/interrupts parser on every captured fixture (CPU columns, IRQ rows, the queue
// vectors their names reveal) and specific rows of real captures. Synthetic layouts, errors and
// the chunked read have their own files (proc_interrupts_*_test.cpp).
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
  ASSERT_LE(t.live_cells(), t.cells.size());

  std::size_t chip_pci = 0;
  std::size_t managed = 0;
  std::map<std::string, int> queues;
  int prev_line = 1;
  for (std::size_t i = 0; i < t.rows.size(); ++i) {
    const InterruptRow& r = t.rows[i];
    EXPECT_GT(r.line, prev_line);
    prev_line = r.line;
    EXPECT_LE(r.first_count + (r.dense ? t.cpus.size() : 2 * std::size_t{r.stored}), t.cells.size());
    if (!r.dense) {
      EXPECT_EQ(t.total(i) == 0, r.stored == 0) << r.label;
    }
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

}  // namespace
}  // namespace irqd::sysfs
