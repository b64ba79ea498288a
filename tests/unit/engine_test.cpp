// Engine: the diff writes only what differs, picks smp_affinity_list or the mask, and --device
// scoping leaves other NICs' IRQs alone.
#include "irqd/engine.hpp"

#include <gtest/gtest.h>

#include "tests/support/fixtures.hpp"
#include "tests/support/synthetic_tree.hpp"

namespace irqd {
namespace {

using testing::SyntheticTree;

struct Tree {
  SyntheticTree t{4};
  EngineOptions opts;
  Tree() {
    t.add_nic({.name = "eth0", .pci = "0000:03:00.0", .numa_node = -1, .rx = 2, .tx = 2});
    t.add_nic({.name = "wlan0", .pci = "0000:04:00.0", .numa_node = -1, .rx = 1, .tx = 1});
    t.add_irq({101, "eth0-TxRx-0", "0"});
    t.add_irq({102, "eth0-TxRx-1", "3"});
    t.add_irq({201, "wlan0-TxRx-0", "3"});
    t.finish();
    opts.root = t.root();
    opts.topology_xml = testing::fixture("hwloc/derived/1s-intel-i7-7600u-2c4t-laptop.from-cpuid-dump.xml");
  }
};

TEST(EngineTest, DiffListsOnlyWhatDiffers) {
  Tree tree;
  config::Config cfg;
  cfg.device_defaults.rps = config::RpsMode::kOff;  // rps_cpus already 0: no change
  cfg.device_defaults.xps = config::XpsMode::kOff;
  auto r = plan_once(tree.opts, cfg);
  // IRQ 101 is already on CPU 0; 102 and 201 move.
  std::vector<std::string> paths;
  for (const auto& k : r->diff.knobs) paths.push_back(k.path);
  EXPECT_EQ(paths, (std::vector<std::string>{"proc/irq/102/smp_affinity_list", "proc/irq/201/smp_affinity_list"}));
  EXPECT_EQ(r->diff.changes, 2);
  EXPECT_GT(r->diff.planned, r->diff.changes);
  EXPECT_EQ(r->diff.knobs[0].current, "3");
  EXPECT_EQ(r->diff.knobs[0].subject, "IRQ 102 (eth0-TxRx-1, eth0)");
}

TEST(EngineTest, FallsBackToTheMaskWithoutSmpAffinityList) {
  Tree tree;
  std::filesystem::remove(tree.t.root() / "proc/irq/102/smp_affinity_list");
  tree.t.dir().write("proc/irq/102/smp_affinity", "8\n");
  config::Config cfg;
  auto r = plan_once(tree.opts, cfg);
  bool found = false;
  for (const auto& k : r->diff.knobs)
    if (k.irq == 102) {
      found = true;
      EXPECT_EQ(k.path, "proc/irq/102/smp_affinity");
      EXPECT_EQ(k.value, "2");  // CPU 1 as a 4-bit mask
    }
  EXPECT_TRUE(found);
}

TEST(EngineTest, DeviceScopeLeavesOtherNicsAlone) {
  Tree tree;
  tree.opts.devices = {"eth*"};
  auto r = plan_once(tree.opts, config::Config{});
  EXPECT_EQ(r->discovery->inventory.nics.size(), 1u);
  EXPECT_EQ(r->plan->irq(201), nullptr);
  for (const auto& k : r->diff.knobs) EXPECT_EQ(k.path.find("wlan0"), std::string::npos) << k.path;
  EXPECT_EQ(r->discovery->inventory.irq(201)->cls, sysfs::IrqClass::kOther);
}

}  // namespace
}  // namespace irqd
