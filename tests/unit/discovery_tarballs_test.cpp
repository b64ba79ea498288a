// Discovery on every captured sysfs tree in tests/fixtures/sysfs: it never throws, and finds the
// NICs, queue IRQs and queues each capture holds (hwloc trees carry no /proc/interrupts; NTO trees
// carry no sys/class/net, so their NICs come from IRQ names).
#include <gtest/gtest.h>

#include <cctype>
#include <string>

#include "irqd/engine/discover.hpp"
#include "tests/support/fixtures.hpp"

namespace irqd {
namespace {

struct Expected {
  const char* tree;
  std::size_t nics;
  int queue_irqs;
  std::size_t queues;  // RX + TX
};

class DiscoveryTarballTest : public ::testing::TestWithParam<Expected> {};

TEST_P(DiscoveryTarballTest, FindsWhatTheCaptureHolds) {
  const auto& e = GetParam();
  testing::ExtractedTree tree(e.tree);
  auto d = discover(sysfs::SysRoot(tree.root()), DiscoverOptions{false});
  EXPECT_EQ(d.inventory.nics.size(), e.nics);
  int queue_irqs = 0;
  for (const auto& i : d.inventory.irqs) queue_irqs += i.cls == sysfs::IrqClass::kQueue;
  EXPECT_EQ(queue_irqs, e.queue_irqs);
  std::size_t queues = 0;
  for (const auto& n : d.inventory.nics) queues += n.rx.size() + n.tx.size();
  EXPECT_EQ(queues, e.queues);
  for (const auto& n : d.inventory.nics)
    for (int irq : n.irqs) EXPECT_EQ(d.inventory.irq(irq)->device, n.name) << n.name << " IRQ " << irq;
}

INSTANTIATE_TEST_SUITE_P(
    AllTrees, DiscoveryTarballTest,
    ::testing::Values(Expected{"hwloc-128cpu-2s-arm64-kunpeng920-4numa-clusters", 0, 0, 0},
                      Expected{"hwloc-16cpu-2s-xeon-e5-2680-igb-mlx4-netqueues-xps", 3, 0, 34},
                      Expected{"hwloc-20cpu-i7-1370p-hybrid-laptop", 0, 0, 0},
                      Expected{"hwloc-24cpu-2s-xeon-e5-2680v3-cpu0-node0-offline-edited", 0, 0, 0},
                      Expected{"hwloc-40cpu-4s-xeon-e7-4870-4numa-bnx2-qib-netqueues", 5, 0, 33},
                      Expected{"hwloc-power9-v100-gpu-cpuless-numa-reduced", 0, 0, 0},
                      Expected{"node-exporter-igb-i350-ens10f0-256cpu-8q", 1, 0, 16},
                      Expected{"nto-e2e-2vcpu-gce-4possible", 1, 8, 8},
                      Expected{"nto-master-112cpu-2s-xeon6330-r750-ice-i40e", 10, 906, 1802},
                      Expected{"nto-sno-12vcpu-kvm-virtio", 1, 2, 2},
                      Expected{"nto-worker1-80cpu-2s-xeon6230-r740xd-rt-isolcpus", 6, 336, 672},
                      Expected{"nto-worker2-32cpu-2s-xeon6130-r740xd-ixgbe-i40e", 6, 144, 288}),
    [](const ::testing::TestParamInfo<Expected>& p) {
      std::string n = p.param.tree;
      for (char& c : n)
        if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
      return n;
    });

}  // namespace
}  // namespace irqd
