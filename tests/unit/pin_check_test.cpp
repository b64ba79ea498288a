// Pin warnings from a hand-made last plan: CPUs off the NIC's NUMA node, banned and isolated CPUs,
// other unpinned IRQs on those CPUs; nothing for a pin that is all fine.
#include <gtest/gtest.h>

#include "irqd/daemon/pin_check.hpp"
#include "topology/hwloc_loader.hpp"

namespace irqd {
namespace {

class PinCheckTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto m = std::make_shared<topology::Machine>(topology::load_synthetic("pack:1 numa:1 l3:1 core:8 pu:1"));
    m->isolated = sysfs::CpuSet::of({7});
    p_.machine = m;
    sysfs::NicInfo nic;
    nic.name = "eth0";
    nic.numa_node = 0;
    nic.local_cpus = sysfs::CpuSet::range(0, 3);
    irq_.irq = 38;
    irq_.name = "eth0-TxRx-0";
    irq_.device = "eth0";
    sysfs::IrqInfo other = irq_;
    other.irq = 39;
    sysfs::IrqInfo pinned = irq_;
    pinned.irq = 40;
    auto d = std::make_shared<Discovery>();
    d->inventory.nics = {nic};
    d->inventory.irqs = {irq_, other, pinned};
    p_.discovery = d;
    auto plan = std::make_shared<policies::Plan>();
    plan->set_irq({38, sysfs::CpuSet::of({0}), "spread"});
    plan->set_irq({39, sysfs::CpuSet::of({1}), "spread"});
    plan->set_irq({40, sysfs::CpuSet::of({2}), "pin"});
    p_.plan = plan;
    auto cfg = std::make_shared<config::Config>();
    cfg->banned_cpus = sysfs::CpuSet::of({5});
    cfg->irq_pins[40] = sysfs::CpuSet::of({2});
    p_.config = cfg;
  }
  PlanResult p_;
  sysfs::IrqInfo irq_;
};

TEST_F(PinCheckTest, NothingToSayForALocalFreeCpu) {
  EXPECT_TRUE(pin_warnings(p_, irq_, sysfs::CpuSet::of({3})).empty());
}

TEST_F(PinCheckTest, OffNodeBannedAndIsolatedCpusEachSaySo) {
  auto w = pin_warnings(p_, irq_, sysfs::CpuSet::range(4, 7));
  ASSERT_EQ(w.size(), 3u);
  EXPECT_EQ(w[0], "CPUs 4-7 are off eth0's NUMA node 0 (its CPUs: 0-3)");
  EXPECT_EQ(w[1], "CPUs 5 are banned: the pin puts the IRQ there anyway");
  EXPECT_EQ(w[2], "CPUs 7 are isolated (isolcpus/nohz_full)");
}

TEST_F(PinCheckTest, CpusOutsideDefaultSmpAffinitySaySo) {
  auto m = std::make_shared<topology::Machine>(*p_.machine);
  m->outside_default_affinity = sysfs::CpuSet::range(3, 4);
  p_.machine = m;
  auto w = pin_warnings(p_, irq_, sysfs::CpuSet::of({3}));
  ASSERT_EQ(w.size(), 1u);
  EXPECT_EQ(w[0], "CPUs 3 are outside /proc/irq/default_smp_affinity");
}

TEST_F(PinCheckTest, OtherUnpinnedIrqsThereMayMovePinnedOnesAndItselfAreNotNamed) {
  auto w = pin_warnings(p_, irq_, sysfs::CpuSet::range(0, 2));
  ASSERT_EQ(w.size(), 1u);
  EXPECT_EQ(w[0], "1 other IRQ the last plan placed on CPUs 0-2 (39): the next cycle may move it");
}

}  // namespace
}  // namespace irqd
