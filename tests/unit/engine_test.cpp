// Engine: the diff writes only what differs, picks smp_affinity_list or the mask, and --device
// scoping leaves other NICs' IRQs alone.
#include "irqd/engine/engine.hpp"

#include <gtest/gtest.h>

#include "irqd/engine/report.hpp"
#include "policies/other.hpp"

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
  // Its IRQ is left alone by every policy: not placed as a network IRQ, and not taken for a
  // non-network one either ([daemon] other_irqs, on by default).
  EXPECT_EQ(r->plan->irq(201), nullptr);
  for (const auto& k : r->diff.knobs) EXPECT_EQ(k.path.find("wlan0"), std::string::npos) << k.path;
  EXPECT_NE(r->discovery->inventory.irq(201)->error.find("outside --device"), std::string::npos);
}

// The daemon plans each cycle from its last result. What it shows must be what a plan from scratch
// shows, whatever was shared; what changed must be seen; an old result stays readable.
TEST(EngineTest, PlanFromThePreviousResultIsThePlanFromScratch) {
  Tree tree;
  sysfs::SysRoot root(tree.opts.root);
  auto machine = std::make_shared<const topology::Machine>(load_machine(root, tree.opts));
  Discovery found = discover(root, DiscoverOptions{false});
  config::Config cfg;
  auto fresh = [&](const config::Config& c, const policies::LoadInfo* load) {
    return render_json(*plan_discovered(tree.opts, c, machine, load, found), "t", nullptr);
  };
  auto first = plan_discovered(tree.opts, cfg, machine, nullptr, found);
  auto second = plan_discovered(tree.opts, cfg, machine, nullptr, found, first.get());
  EXPECT_EQ(second->discovery, first->discovery);  // shared, not copied
  EXPECT_EQ(second->plan, first->plan);
  EXPECT_EQ(render_json(*second, "t", nullptr), render_json(*first, "t", nullptr));

  // IRQ 102 now sits where the plan wants it.
  const int changes = first->diff.changes;
  for (auto& irq : found.inventory.irqs)
    if (irq.irq == 102) irq.affinity = first->plan->irq(102)->cpus;
  auto third = plan_discovered(tree.opts, cfg, machine, nullptr, found, second.get());
  EXPECT_NE(third->discovery, second->discovery);
  EXPECT_EQ(third->diff.changes, changes - 1);
  EXPECT_EQ(render_json(*third, "t", nullptr), fresh(cfg, nullptr));

  // A configuration change is resolved and planned again.
  config::Config off = cfg;
  off.device_defaults.xps = config::XpsMode::kOff;
  auto fourth = plan_discovered(tree.opts, off, machine, nullptr, found, third.get());
  EXPECT_NE(fourth->config, third->config);
  EXPECT_EQ(render_json(*fourth, "t", nullptr), fresh(off, nullptr));

  // A load-aware plan is made again when the load changes, and is what it would be from scratch.
  config::Config balanced = cfg;
  balanced.policy = "balanced";
  policies::LoadInfo load;
  load.irqs[101] = {0.2, 1000.0};
  load.irqs[102] = {0.1, 1000.0};
  auto fifth = plan_discovered(tree.opts, balanced, machine, &load, found, fourth.get());
  load.irqs[101].cost = 0.3;
  auto sixth = plan_discovered(tree.opts, balanced, machine, &load, found, fifth.get());
  EXPECT_NE(sixth->plan, fifth->plan);
  EXPECT_EQ(render_json(*sixth, "t", nullptr), fresh(balanced, &load));
  EXPECT_EQ(render_text(*sixth, "t", nullptr), render_text(*plan_discovered(tree.opts, balanced, machine, &load, found), "t", nullptr));

  // Results several cycles old are still whole (D-Bus views read the last one at any time).
  second.reset();
  EXPECT_NE(render_text(*first, "t", nullptr).find("IRQ"), std::string::npos);
}

}  // namespace
}  // namespace irqd

namespace irqd {
namespace {

// [daemon] other_irqs = "place" reads the load only once a non-network IRQ is busy enough for a
// balance move: below that the last plan of the same input is kept (not planned again every cycle,
// which doubled a cycle's cost on a 1862-IRQ host); a busy one makes the plan depend on the load.
TEST(EngineTest, OtherIrqsMakeThePlanLoadDependentOnlyWhenBusy) {
  Tree tree;
  tree.t.add_irq({9, "acpi", "0-3"});
  tree.t.finish();
  sysfs::SysRoot root(tree.opts.root);
  auto machine = std::make_shared<const topology::Machine>(load_machine(root, tree.opts));
  Discovery found = discover(root, DiscoverOptions{false});
  config::Config cfg;
  cfg.policy = "spread";  // reads no load itself
  ASSERT_NE(found.inventory.irq(9), nullptr);
  ASSERT_TRUE(policies::is_other_irq(*found.inventory.irq(9)));
  policies::LoadInfo load;
  load.irqs[9] = {policies::kMinGain / 2, 100.0};
  auto first = plan_discovered(tree.opts, cfg, machine, &load, found);
  EXPECT_FALSE(first->load_dependent);
  auto again = plan_discovered(tree.opts, cfg, machine, &load, found, first.get());
  EXPECT_EQ(again->plan, first->plan);  // kept, not planned again
  load.irqs[9].cost = 0.3;
  auto busy = plan_discovered(tree.opts, cfg, machine, &load, found, again.get());
  EXPECT_TRUE(busy->load_dependent);
  cfg.other_irqs = config::OtherIrqs::kIgnore;
  EXPECT_FALSE(plan_discovered(tree.opts, cfg, machine, &load, found, busy.get())->load_dependent);
}

}  // namespace
}  // namespace irqd
