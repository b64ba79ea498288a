// Network device readers on real sysfs captures: queues, knobs, PCI function, MSI vectors.
#include "sysfs/net_devices.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "tests/support/fixtures.hpp"

namespace irqd::sysfs {
namespace {

using irqd::testing::ExtractedTree;
using irqd::testing::TempDir;

TEST(NetDevicesTest, IgbOn256CpuHostWithoutClassLinks) {
  // node_exporter's tree has no sys/class/net: the device is found under sys/devices.
  ExtractedTree tree("node-exporter-igb-i350-ens10f0-256cpu-8q");
  SysRoot root(tree.root());
  auto devs = read_net_devices(root);
  ASSERT_EQ(devs.size(), 1u);
  const auto& d = devs[0];
  EXPECT_EQ(d.name, "ens10f0");
  EXPECT_EQ(d.ifindex, 2);
  EXPECT_EQ(d.driver, "igb");
  ASSERT_TRUE(d.pci);
  EXPECT_EQ(d.pci->address, "0000:45:00.0");
  EXPECT_EQ(d.pci->numa_node, 0);
  ASSERT_TRUE(d.pci->local_cpus);
  EXPECT_EQ(d.pci->local_cpus->to_list(), "0-63,128-191");
  EXPECT_EQ(d.pci->msi_irqs, (std::vector<int>{147, 148, 149, 150, 151, 152, 153, 154, 155}));
  EXPECT_TRUE(d.pci->is_network);
  ASSERT_EQ(d.rx.size(), 8u);
  ASSERT_EQ(d.tx.size(), 8u);
  EXPECT_EQ(d.rx[3].index, 3);
  ASSERT_TRUE(d.rx[0].rps_cpus);
  EXPECT_TRUE(d.rx[0].rps_cpus->empty());
  EXPECT_EQ(d.rx[0].rps_flow_cnt, 0);
  ASSERT_TRUE(d.tx[0].xps_cpus);
  EXPECT_TRUE(d.tx[0].xps_cpus->empty());
  ASSERT_TRUE(d.tx[0].xps_rxqs);
  // The device-wide NAPI files of a 5.12+ kernel, as captured.
  EXPECT_EQ(d.napi.threaded, 0);
  EXPECT_EQ(d.napi.napi_defer_hard_irqs, 0);
  EXPECT_EQ(d.napi.gro_flush_timeout, 0);
  EXPECT_TRUE(d.errors.empty());
}

TEST(NetDevicesTest, IgbAndMlx4OnTwoSocketXeon) {
  ExtractedTree tree("hwloc-16cpu-2s-xeon-e5-2680-igb-mlx4-netqueues-xps");
  SysRoot root(tree.root());
  auto devs = read_net_devices(root);
  std::vector<std::string> names;
  for (const auto& d : devs) names.push_back(d.name);
  EXPECT_EQ(names, (std::vector<std::string>{"eth0", "eth1", "ib0"}));
  const auto& eth0 = devs[0];
  EXPECT_EQ(eth0.driver, "igb");
  ASSERT_TRUE(eth0.pci);
  EXPECT_EQ(eth0.pci->numa_node, 0);
  EXPECT_EQ(eth0.pci->local_cpus->to_list(), "0-7");
  EXPECT_EQ(eth0.pci->msi_irqs.size(), 9u);
  EXPECT_EQ(eth0.rx.size(), 8u);
  EXPECT_EQ(eth0.tx.size(), 8u);
  // Captured on a kernel older than the device-wide NAPI files (5.10, 5.12): absent, not 0.
  EXPECT_EQ(eth0.napi, DeviceNapi{});
  ASSERT_TRUE(eth0.tx[0].xps_cpus);
}

TEST(NetDevicesTest, Bnx2WithoutNumaInformation) {
  ExtractedTree tree("hwloc-40cpu-4s-xeon-e7-4870-4numa-bnx2-qib-netqueues");
  SysRoot root(tree.root());
  auto d = read_net_device(root, "sys/class/net/eth0");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->driver, "bnx2");
  ASSERT_TRUE(d->pci);
  EXPECT_EQ(d->pci->numa_node, -1);
  EXPECT_EQ(d->rx.size(), 8u);
  ASSERT_TRUE(d->rx[0].rps_cpus);  // an 80-bit mask: "0000,00000000,00000000"
  EXPECT_TRUE(d->rx[0].rps_cpus->empty());
}

TEST(NetDevicesTest, VirtualDeviceAndMalformedKnob) {
  TempDir t;
  t.write("sys/devices/virtual/net/veth0/ifindex", "7\n");
  t.write("sys/devices/virtual/net/veth0/queues/rx-0/rps_cpus", "zz\n");
  t.write("sys/devices/virtual/net/veth0/queues/rx-1/rps_cpus", "3\n");
  t.write("sys/devices/virtual/net/veth0/queues/tx-0/xps_cpus", "1\n");
  t.write("sys/devices/virtual/net/veth0/threaded", "1\n");
  t.write("sys/devices/virtual/net/veth0/napi_defer_hard_irqs", "-3\n");
  t.write("sys/devices/virtual/net/veth0/gro_flush_timeout", "20000\n");
  t.write("sys/devices/virtual/net/lo/queues/rx-0/rps_cpus", "0\n");
  std::filesystem::create_directories(t.path() / "sys/class/net");
  std::filesystem::create_symlink("../../devices/virtual/net/veth0", t.path() / "sys/class/net/veth0");
  std::filesystem::create_symlink("../../devices/virtual/net/lo", t.path() / "sys/class/net/lo");
  SysRoot root(t.path());
  auto devs = read_net_devices(root);
  ASSERT_EQ(devs.size(), 1u);  // lo is never a candidate
  const auto& d = devs[0];
  EXPECT_TRUE(d.is_virtual);
  EXPECT_FALSE(d.pci);
  EXPECT_EQ(d.ifindex, 7);
  ASSERT_EQ(d.rx.size(), 2u);
  EXPECT_FALSE(d.rx[0].rps_cpus);  // malformed: reported, not guessed
  EXPECT_EQ(d.napi.threaded, 1);
  EXPECT_FALSE(d.napi.napi_defer_hard_irqs);  // likewise
  EXPECT_EQ(d.napi.gro_flush_timeout, 20000);
  ASSERT_EQ(d.errors.size(), 2u);
  EXPECT_NE(d.errors[0].find("napi_defer_hard_irqs"), std::string::npos) << d.errors[0];
  EXPECT_NE(d.errors[1].find("rx-0/rps_cpus"), std::string::npos) << d.errors[1];
  EXPECT_EQ(d.rx[1].rps_cpus->to_list(), "0-1");
  EXPECT_EQ(d.tx[0].xps_cpus->to_list(), "0");
}

TEST(NetDevicesTest, DeviceWideNapiPathShape) {
  EXPECT_TRUE(is_device_napi_path("sys/class/net/eth0/threaded"));
  EXPECT_TRUE(is_device_napi_path("sys/devices/pci0000:00/0000:00:03.0/virtio2/net/eth0/gro_flush_timeout"));
  EXPECT_TRUE(is_device_napi_path("sys/devices/virtual/net/veth0/napi_defer_hard_irqs"));
  EXPECT_FALSE(is_device_napi_path("sys/class/net/threaded"));
  EXPECT_FALSE(is_device_napi_path("sys/class/net/eth0/queues/threaded"));
  EXPECT_FALSE(is_device_napi_path("sys/class/net/eth0/mtu"));
  EXPECT_FALSE(is_device_napi_path("netdev/napi/8193/threaded"));
}

TEST(NetDevicesTest, PciAddressShape) {
  EXPECT_TRUE(is_pci_address("0000:4b:00.0"));
  EXPECT_FALSE(is_pci_address("0000:4b:00"));
  EXPECT_FALSE(is_pci_address("virtio2"));
  EXPECT_FALSE(is_pci_address("0000:4g:00.0"));
}

}  // namespace
}  // namespace irqd::sysfs
