// Tests for IRQ action-name classification: each driver convention (queue index, role, interface,
// PCI address, virtio device) and names that must not be taken for NIC vectors.
#include "sysfs/irq_names.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace irqd::sysfs {
namespace {

struct Want {
  const char* name;
  NameKind kind;
  QueueRole role;
  int queue;
  const char* iface;
  const char* pci;
  const char* virtio;
  const char* convention;
};

void expect_all(const std::vector<Want>& cases,
                const std::function<bool(std::string_view)>& is_iface = {}) {
  for (const Want& w : cases) {
    SCOPED_TRACE(w.name);
    IrqNameInfo got = classify_irq_name(w.name, is_iface);
    EXPECT_EQ(to_string(got.kind), std::string(to_string(w.kind)));
    EXPECT_EQ(to_string(got.role), std::string(to_string(w.role)));
    EXPECT_EQ(got.queue, w.queue);
    EXPECT_EQ(got.iface, w.iface);
    EXPECT_EQ(got.pci, w.pci);
    EXPECT_EQ(got.virtio, w.virtio);
    EXPECT_EQ(got.convention, w.convention);
  }
}

constexpr auto Q = NameKind::kQueue;
constexpr auto M = NameKind::kNetMisc;
constexpr auto B = NameKind::kManaged;
constexpr auto O = NameKind::kOther;
constexpr auto C = QueueRole::kCombined;
constexpr auto R = QueueRole::kRx;
constexpr auto T = QueueRole::kTx;
constexpr auto N = QueueRole::kNone;

TEST(IrqNameConventions, IntelStyleCombinedQueues) {
  expect_all({
      {"eth0-TxRx-0", Q, C, 0, "eth0", "", "", "intel"},                // ixgbe, igb
      {"eno1-TxRx-31", Q, C, 31, "eno1", "", "", "intel"},              // ixgbe X550
      {"eno3-TxRx-7", Q, C, 7, "eno3", "", "", "intel"},                // igb I350
      {"eno12399np0-TxRx-3", Q, C, 3, "eno12399np0", "", "", "intel"},  // bnxt
      {"eth0.100-TxRx-2", Q, C, 2, "eth0.100", "", "", "intel"},
      {"my-nic-TxRx-4", Q, C, 4, "my-nic", "", "", "intel"},  // '-' inside the interface name
      {"eth1-txrx-2", Q, C, 2, "eth1", "", "", "intel"},      // tg3 lower case
      {"i40e-eno12399-TxRx-0", Q, C, 0, "eno12399", "", "", "i40e"},
      {"i40e-ens7f1-TxRx-79", Q, C, 79, "ens7f1", "", "", "i40e"},
      {"ice-ens3f0-TxRx-111", Q, C, 111, "ens3f0", "", "", "ice"},
      {"iavf-eth3-TxRx-1", Q, C, 1, "eth3", "", "", "iavf"},
      {"i40e-eno1-rx-4", Q, R, 4, "eno1", "", "", "i40e"},
  });
}

TEST(IrqNameConventions, SplitRxTxAndQlogicPairs) {
  expect_all({
      {"eth0-rx-0", Q, R, 0, "eth0", "", "", "split"},
      {"eth0-tx-0", Q, T, 0, "eth0", "", "", "split"},
      {"eno8303-rx-4", Q, R, 4, "eno8303", "", "", "split"},  // tg3
      {"eno8303-tx-0", Q, T, 0, "eno8303", "", "", "split"},
      // QLogic: one vector for TX queue 0 and RX queue 3 (netutils-48cpu capture).
      {"eth0-tx-0-rx-3", Q, C, 3, "eth0", "", "", "split"},
      {"eth1-tx-0-rx-3", Q, C, 3, "eth1", "", "", "split"},
  });
}

TEST(IrqNameConventions, EnaMellanoxAndMana) {
  expect_all({
      {"eth0-Tx-Rx-0", Q, C, 0, "eth0", "", "", "ena"},
      {"ens5-Tx-Rx-7", Q, C, 7, "ens5", "", "", "ena"},
      {"ena-mgmnt@pci:0000:00:05.0", M, N, -1, "", "0000:00:05.0", "", "ena"},
      {"mlx5_comp0@pci:0000:01:00.0", Q, C, 0, "", "0000:01:00.0", "", "mlx5"},
      {"mlx5_comp63@pci:0000:3b:00.1", Q, C, 63, "", "0000:3b:00.1", "", "mlx5"},
      {"mlx5_async0@pci:0000:3b:00.1", M, N, -1, "", "0000:3b:00.1", "", "mlx5"},
      {"mlx5_async_eq@pci:0000:01:00.0", M, N, -1, "", "0000:01:00.0", "", "mlx5"},
      {"mlx5_pages_eq@pci:0000:01:00.0", M, N, -1, "", "0000:01:00.0", "", "mlx5"},
      {"mlx5_cmd_eq@pci:0000:01:00.0", M, N, -1, "", "0000:01:00.0", "", "mlx5"},
      {"mlx4-comp-2@pci:0000:07:00.0", Q, C, 2, "", "0000:07:00.0", "", "mlx4"},
      {"mlx4-async@pci:0000:07:00.0", M, N, -1, "", "0000:07:00.0", "", "mlx4"},
      {"mana_q5@pci:7870:00:00.0", Q, C, 5, "", "7870:00:00.0", "", "mana"},
      {"mana_hwc@pci:7870:00:00.0", M, N, -1, "", "7870:00:00.0", "", "mana"},
  });
}

TEST(IrqNameConventions, IntelPerFunctionVectors) {
  expect_all({
      {"i40e-0000:31:00.0:misc", M, N, -1, "", "0000:31:00.0", "", "i40e"},
      {"i40e-0000:31:00.0:fdir-TxRx-0", M, N, -1, "", "0000:31:00.0", "", "i40e"},
      {"ice-0000:4b:00.0:misc", M, N, -1, "", "0000:4b:00.0", "", "ice"},
      {"ice-0000:4b:00.0:ll_ts", M, N, -1, "", "0000:4b:00.0", "", "ice"},
      {"ice-0000:98:00.0:ctrl-TxRx-0", M, N, -1, "", "0000:98:00.0", "", "ice"},
      {"iavf-0000:3b:02.0:mbx", M, N, -1, "", "0000:3b:02.0", "", "iavf"},
  });
}

TEST(IrqNameConventions, VirtioVirtqueues) {
  expect_all({
      {"virtio1-input.0", Q, R, 0, "", "", "virtio1", "virtio"},
      {"virtio1-output.3", Q, T, 3, "", "", "virtio1", "virtio"},
      {"virtio12-input.15", Q, R, 15, "", "", "virtio12", "virtio"},
      {"virtio1-config", M, N, -1, "", "", "virtio1", "virtio"},
      {"virtio2-control", M, N, -1, "", "", "virtio2", "virtio"},
      {"virtio3-virtqueues", M, N, -1, "", "", "virtio3", "virtio"},
      {"virtio3-req.9", B, N, -1, "", "", "virtio3", "virtio"},    // virtio-blk
      {"virtio0-request", B, N, -1, "", "", "virtio0", "virtio"},  // virtio-scsi
      {"virtio2-input", O, N, -1, "", "", "virtio2", "virtio"},    // virtio-rng, no index
      {"virtio0-event", O, N, -1, "", "", "virtio0", "virtio"},
      {"virtio0-cursor", O, N, -1, "", "", "virtio0", "virtio"},
      {"virtio4", O, N, -1, "", "", "virtio4", "virtio"},  // legacy INTx line
      {"virtio-input.0", O, N, -1, "", "", "", ""},
      {"virtio1x-input.0", O, N, -1, "", "", "", ""},
  });
}

TEST(IrqNameConventions, BlockLayerQueues) {
  expect_all({
      {"nvme0q0", B, N, -1, "", "", "", "nvme"},
      {"nvme3q112", B, N, -1, "", "", "", "nvme"},
      {"nvme0", O, N, -1, "", "", "", ""},
      {"nvme0qx", O, N, -1, "", "", "", ""},
  });
}

TEST(IrqNameConventions, PlainIndexAndLinkVectorNeedAKnownInterface) {
  // Without is_iface: the interface-name heuristic.
  expect_all({
      {"eth2-0", Q, C, 0, "eth2", "", "", "bnx2"},
      {"eth6-7", Q, C, 7, "eth6", "", "", "bnx2"},
      {"ens1f0-3", Q, C, 3, "ens1f0", "", "", "bnx2"},
      {"p1p1-2", Q, C, 2, "p1p1", "", "", "bnx2"},
      {"eth7-fp-5", Q, C, 5, "eth7", "", "", "bnx2"},  // bnx2x fast path
      {"eth0", M, N, -1, "eth0", "", "", "intel"},
      {"eno3", M, N, -1, "eno3", "", "", "intel"},
      {"ib0", M, N, -1, "ib0", "", "", "intel"},
      {"bond0", M, N, -1, "bond0", "", "", "intel"},
      {"hpsa2-0", O, N, -1, "", "", "", ""},
      {"foo-3", O, N, -1, "", "", "", ""},
      {"ena", O, N, -1, "", "", "", ""},
      {"enic", O, N, -1, "", "", "", ""},
      {"p1", O, N, -1, "", "", "", ""},
  });
  // With is_iface only listed interfaces count, whatever they are called.
  const std::set<std::string, std::less<>> ifaces = {"lan0", "wan", "eth2"};
  auto is_iface = [&](std::string_view s) { return ifaces.count(s) > 0; };
  expect_all(
      {
          {"lan0-3", Q, C, 3, "lan0", "", "", "bnx2"},
          {"wan", M, N, -1, "wan", "", "", "intel"},
          {"eth2-1", Q, C, 1, "eth2", "", "", "bnx2"},
          {"eth0-1", O, N, -1, "", "", "", ""},
          {"eth0", O, N, -1, "", "", "", ""},
          // Distinctive suffixes do not need the interface to be known.
          {"eth9-TxRx-1", Q, C, 1, "eth9", "", "", "intel"},
      },
      is_iface);
  // A known interface that happens to start like a driver prefix keeps its name.
  auto ice_iface = [](std::string_view s) { return s == "ice-lan"; };
  expect_all({{"ice-lan-TxRx-0", Q, C, 0, "ice-lan", "", "", "intel"}}, ice_iface);
}

TEST(IrqNameConventions, NotNicQueues) {
  for (const char* name : {"timer",
                           "i8042",
                           "rtc0",
                           "acpi",
                           "ACPI:Ged",
                           "ACPI:Event",
                           "ahci[0000:00:1f.2]",
                           "ahci",
                           "xhci_hcd",
                           "dmar0",
                           "dmar5",
                           "hpet2",
                           "PCIe PME",
                           "aerdrv",
                           "pciehp",
                           "megasas0-msix5",
                           "megasas1-msix10",
                           "hpsa6-msix0",
                           "hpsa0",
                           "ioat-msix",
                           "isci-msix",
                           "ipmi_si",
                           "i801_smbus",
                           "ttyS0",
                           "arch_timer",
                           "arm-pmu",
                           "uhci_hcd:usb3",
                           "radeon",
                           "ata_piix",
                           "irdma-0000:4b:00.0-AEQ",
                           "irdma-0000:4b:00.0-CEQ-0",
                           "irdma-0000:98:00.0-CEQ-111",
                           "hns3-0000:7d:00.0-TxRx-0",
                           "gve-ntfy-blk0@pci:0000:00:04.0",
                           "mlx5_comp0@pci:bad",
                           "i40e-0000:31:00.0",
                           "",
                           "   ",
                           "-",
                           "-0",
                           "eth0-",
                           "eth0-TxRx-",
                           "-TxRx-0",
                           "averyveryverylongname-TxRx-0",
                           "eth0-TxRx-99999999999"}) {
    SCOPED_TRACE(name);
    IrqNameInfo got = classify_irq_name(name);
    EXPECT_EQ(got.kind, NameKind::kOther);
    EXPECT_EQ(got.role, QueueRole::kNone);
    EXPECT_EQ(got.queue, -1);
    EXPECT_EQ(got.iface, "");
  }
}

TEST(IrqNameConventions, SharedLinesAreOther) {
  for (const char* name : {"PCIe PME, pciehp", "eth0-TxRx-0, eth1-TxRx-0", "ehci_hcd:usb1, eth0",
                           "uhci_hcd:usb3, uhci_hcd:usb5, radeon", "virtio1-input.0, x"}) {
    SCOPED_TRACE(name);
    IrqNameInfo got = classify_irq_name(name);
    EXPECT_EQ(got.kind, NameKind::kOther);
    EXPECT_EQ(got.convention, "");
  }
}

TEST(IrqNameConventions, SurroundingBlanksIgnored) {
  IrqNameInfo got = classify_irq_name("  eth0-TxRx-3 ");
  EXPECT_EQ(got.kind, NameKind::kQueue);
  EXPECT_EQ(got.iface, "eth0");
  EXPECT_EQ(got.queue, 3);
}

TEST(IrqNameConventions, ToString) {
  EXPECT_STREQ(to_string(NameKind::kQueue), "queue");
  EXPECT_STREQ(to_string(NameKind::kNetMisc), "net-misc");
  EXPECT_STREQ(to_string(NameKind::kManaged), "managed");
  EXPECT_STREQ(to_string(NameKind::kOther), "other");
  EXPECT_STREQ(to_string(QueueRole::kNone), "none");
  EXPECT_STREQ(to_string(QueueRole::kCombined), "combined");
  EXPECT_STREQ(to_string(QueueRole::kRx), "rx");
  EXPECT_STREQ(to_string(QueueRole::kTx), "tx");
}

}  // namespace
}  // namespace irqd::sysfs
