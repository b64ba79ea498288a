// Discovery on real captures (names only, msi_irqs without IRQs) and on synthetic trees shaped
// like this machine (virtio) and like a two-port Intel NIC.
#include "irqd/engine/discover.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstdio>

#include "tests/support/fixtures.hpp"
#include "tests/support/peak_memory.hpp"
#include "tests/support/synthetic_tree.hpp"

namespace irqd {
namespace {

using sysfs::IrqClass;
using sysfs::MappingSource;
using sysfs::QueueRole;
using testing::ExtractedTree;
using testing::SynthIrq;
using testing::SynthNic;
using testing::SyntheticTree;

int count_class(const sysfs::Inventory& inv, const std::string& dev, IrqClass c) {
  int n = 0;
  for (const auto& i : inv.irqs) n += i.device == dev && i.cls == c;
  return n;
}

TEST(DiscoveryTest, VirtioNetLikeThisMachine) {
  SyntheticTree t(2);
  t.add_nic({.name = "eth0", .pci = "0000:00:03.0", .virtio = "virtio2", .driver = "virtio_net",
             .numa_node = -1, .local_cpulist = "0-1", .rx = 1, .tx = 1, .msi_irqs = {37, 38, 39}});
  t.add_irq({36, "virtio1-req.0", "0-1"});
  t.add_irq({37, "virtio2-config", "0-1"});
  t.add_irq({38, "virtio2-input.0", "0-1"});
  t.add_irq({39, "virtio2-output.0", "0-1"});
  t.finish();
  auto d = discover(sysfs::SysRoot(t.root()), DiscoverOptions{});
  const auto& inv = d.inventory;
  ASSERT_EQ(inv.nics.size(), 1u);
  const auto& eth0 = inv.nics[0];
  EXPECT_EQ(eth0.driver, "virtio_net");
  EXPECT_EQ(eth0.pci, "0000:00:03.0");
  EXPECT_EQ(eth0.irqs, (std::vector<int>{37, 38, 39}));
  ASSERT_EQ(eth0.rx.size(), 1u);
  EXPECT_EQ(eth0.rx[0].irqs, std::vector<int>{38});
  EXPECT_EQ(eth0.tx[0].irqs, std::vector<int>{39});
  EXPECT_EQ(inv.irq(37)->cls, IrqClass::kNetMisc);
  EXPECT_EQ(inv.irq(38)->role, QueueRole::kRx);
  EXPECT_EQ(inv.irq(38)->source, MappingSource::kMsiIrqs);
  EXPECT_EQ(inv.irq(39)->role, QueueRole::kTx);
  EXPECT_EQ(inv.irq(36)->cls, IrqClass::kManaged);  // virtio-blk: kernel-managed
  EXPECT_EQ(inv.irq(36)->device, "");
  EXPECT_EQ(inv.mask_bits, 2);
  EXPECT_TRUE(d.warnings.empty());
}

TEST(DiscoveryTest, TwoPortIntelByMsiAndName) {
  SyntheticTree t(8);
  t.add_nic({.name = "eth0", .pci = "0000:03:00.0", .numa_node = 0, .local_cpulist = "0-3", .rx = 4, .tx = 4,
             .msi_irqs = {100, 101, 102, 103, 104}});
  t.add_nic({.name = "eth1", .pci = "0000:03:00.1", .numa_node = 1, .local_cpulist = "4-7", .rx = 4, .tx = 4});
  t.add_irq({100, "eth0"});
  for (int q = 0; q < 4; ++q) t.add_irq({101 + q, "eth0-TxRx-" + std::to_string(q)});
  t.add_irq({110, "eth1"});
  for (int q = 0; q < 4; ++q) t.add_irq({111 + q, "eth1-TxRx-" + std::to_string(q)});
  t.finish();
  auto d = discover(sysfs::SysRoot(t.root()), DiscoverOptions{});
  const auto& inv = d.inventory;
  EXPECT_EQ(count_class(inv, "eth0", IrqClass::kQueue), 4);
  EXPECT_EQ(count_class(inv, "eth0", IrqClass::kNetMisc), 1);
  EXPECT_EQ(count_class(inv, "eth1", IrqClass::kQueue), 4);
  EXPECT_EQ(count_class(inv, "eth1", IrqClass::kNetMisc), 1);
  EXPECT_EQ(inv.irq(102)->source, MappingSource::kMsiIrqs);
  EXPECT_EQ(inv.irq(112)->source, MappingSource::kIrqName);
  EXPECT_EQ(inv.irq(113)->queue, 2);
  EXPECT_EQ(inv.irq(113)->role, QueueRole::kCombined);
  EXPECT_EQ(inv.nic("eth1")->rx[2].irqs, std::vector<int>{113});
  EXPECT_EQ(inv.nic("eth1")->tx[2].irqs, std::vector<int>{113});
  EXPECT_EQ(inv.nic("eth1")->numa_node, 1);
}

TEST(DiscoveryTest, NamesOnlyCaptureWithPciInChipColumn) {
  // The NTO capture has no sys/class/net: NICs come from IRQ names, their NUMA node from the PCI
  // function the chip column names.
  ExtractedTree tree("nto-master-112cpu-2s-xeon6330-r750-ice-i40e");
  auto d = discover(sysfs::SysRoot(tree.root()), DiscoverOptions{});
  const auto& inv = d.inventory;
  for (const char* ice : {"ens3f0", "ens3f1", "ens6f0", "ens6f1"}) {
    const auto* nic = inv.nic(ice);
    ASSERT_NE(nic, nullptr) << ice;
    EXPECT_FALSE(nic->from_sysfs);
    EXPECT_EQ(count_class(inv, ice, IrqClass::kQueue), 112) << ice;
    EXPECT_EQ(nic->rx.size(), 112u) << ice;
  }
  EXPECT_EQ(inv.nic("ens3f0")->pci, "0000:4b:00.0");
  EXPECT_EQ(inv.nic("ens3f0")->numa_node, 0);
  EXPECT_EQ(inv.irq(1089)->affinity->to_list(), "78");
  EXPECT_EQ(inv.irq(1089)->queue, 0);
  // NVMe queues are kernel-managed and belong to no NIC.
  int managed = 0;
  for (const auto& i : inv.irqs) managed += i.cls == IrqClass::kManaged;
  EXPECT_GE(managed, 4 * 112);
}

TEST(DiscoveryTest, TreeWithoutInterruptsStillListsQueues) {
  ExtractedTree tree("node-exporter-igb-i350-ens10f0-256cpu-8q");
  auto d = discover(sysfs::SysRoot(tree.root()), DiscoverOptions{});
  ASSERT_EQ(d.inventory.nics.size(), 1u);
  EXPECT_EQ(d.inventory.nics[0].rx.size(), 8u);
  EXPECT_TRUE(d.inventory.irqs.empty());
  ASSERT_EQ(d.warnings.size(), 1u);
  EXPECT_NE(d.warnings[0].find("proc/interrupts is missing"), std::string::npos);
}

TEST(DiscoveryTest, UnreadableIrqFilesBecomeWarningsNotFailures) {
  SyntheticTree t(4);
  t.add_nic({.name = "eth0", .pci = "0000:03:00.0", .numa_node = 0, .rx = 2, .tx = 2});
  t.add_irq({101, "eth0-TxRx-0"});
  t.add_irq({102, "eth0-TxRx-1"});
  t.finish();
  t.dir().write("proc/irq/102/smp_affinity_list", "garbage\n");
  auto d = discover(sysfs::SysRoot(t.root()), DiscoverOptions{});
  EXPECT_TRUE(d.inventory.irq(101)->error.empty());
  EXPECT_FALSE(d.inventory.irq(102)->error.empty());
  ASSERT_EQ(d.warnings.size(), 1u);
  EXPECT_NE(d.warnings[0].find("IRQ 102"), std::string::npos);
  EXPECT_NE(d.warnings[0].find("proc/irq/102/smp_affinity_list"), std::string::npos);
}

// A dry run discovers from /proc/interrupts read in chunks, as the daemon does: a 48 MiB file of
// a few rows with huge names costs what discovery keeps of it, not the file, and says what it cut.
TEST(DiscoveryTest, HugeInterruptsFileIsNotHeldWhole) {
  SyntheticTree t(4);
  t.finish();
  constexpr std::size_t kMiB = std::size_t{1} << 20;
  {
    std::FILE* f = std::fopen((t.root() / "proc/interrupts").c_str(), "w");
    ASSERT_NE(f, nullptr);
    std::string text = "           CPU0       CPU1       CPU2       CPU3\n";
    for (int irq = 0; irq < 6; ++irq)
      text = fmt::format("{}{:>4}:          1          0          0          0  PCI-MSI  {}-edge      {}\n", text, irq,
                         irq, std::string(8 * kMiB, 'x'));
    ASSERT_EQ(std::fwrite(text.data(), 1, text.size(), f), text.size());
    std::fclose(f);
  }
  const sysfs::SysRoot root(t.root());
  auto m = testing::measure_peak([&] {
    auto d = discover(root, DiscoverOptions{.use_netlink = false});
    return d.inventory.irqs.size();
  });
  ASSERT_EQ(m.error, "");
  EXPECT_EQ(m.value, 6u);
  EXPECT_LT(m.growth, 8 * kMiB);
  // What was cut is said, row by row.
  auto d = discover(root, DiscoverOptions{.use_netlink = false});
  ASSERT_EQ(d.warnings.size(), 6u);
  EXPECT_EQ(d.warnings[5], fmt::format("IRQ 5: {}:7: description longer than 1024 bytes: only its start is kept",
                                       root.display("proc/interrupts")));
}

}  // namespace
}  // namespace irqd
