// The daemon's discovery cache: reused while the IRQ set stays, redone when it changes, and
// drift written by someone else is still seen (at once for a firing IRQ, within kSweepCycles
// cycles for an idle one or a queue knob).
#include "irqd/engine/discovery_cache.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <memory>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "irqd/daemon/daemon.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/support/synthetic_tree.hpp"

namespace irqd {
namespace {

namespace fs = std::filesystem;
using testing::SyntheticTree;

// One NIC with `nq` queue IRQs 100.. (so, beyond kMinPerCycle, a sweep takes several cycles).
struct CacheTree {
  int nq;
  SyntheticTree t{4};
  explicit CacheTree(int n) : nq(n) {
    std::vector<int> msi;
    for (int i = 0; i < nq; ++i) msi.push_back(100 + i);
    t.add_nic({.name = "eth0", .pci = "0000:03:00.0", .rx = nq, .tx = nq, .msi_irqs = msi});
    for (int i = 0; i < nq; ++i) t.add_irq({100 + i, fmt::format("eth0-TxRx-{}", i), "0"});
    t.finish();
    t.dir().write("proc/stat", "cpu  0 0 0 0 0 0 0 0 0 0\ncpu0 0 0 0 0 0 0 0 0 0 0\ncpu1 0 0 0 0 0 0 0 0 0 0\n"
                               "cpu2 0 0 0 0 0 0 0 0 0 0\ncpu3 0 0 0 0 0 0 0 0 0 0\n");
  }
  sysfs::SysRoot root() const { return sysfs::SysRoot(t.root()); }
  void set_affinity(int irq, const std::string& list) const {
    t.dir().write(fmt::format("proc/irq/{}/smp_affinity_list", irq), list + "\n");
  }
};

const sysfs::IrqInfo& irq_of(const Discovery& d, int irq) {
  const auto* i = d.inventory.irq(irq);
  EXPECT_NE(i, nullptr) << irq;
  return *i;
}

struct Cycle {
  const CacheTree& tree;
  Sampler sampler{1.0, 100};
  DiscoveryCache cache;
  const Discovery& run() {
    auto root = tree.root();
    sampler.sample(root, 1.0);
    return cache.get(root, sampler.interrupts(), DiscoverOptions{false}, &sampler);
  }
};

TEST(DiscoveryCache, SteadyIrqSetIsDiscoveredOnce) {
  CacheTree tree(4);
  Cycle c{tree};
  c.run();
  EXPECT_TRUE(c.cache.last_full());
  for (int i = 0; i < 5; ++i) c.run();
  EXPECT_FALSE(c.cache.last_full());
  EXPECT_EQ(c.cache.full_discoveries(), 1u);
  // Few items: all of them (4 IRQs, 8 queues) are re-read every cycle.
  EXPECT_EQ(c.cache.last_reads(), 12u);
}

TEST(DiscoveryCache, SmallSetSeesDriftAtTheNextCycle) {
  CacheTree tree(4);
  Cycle c{tree};
  c.run();
  tree.set_affinity(102, "3");
  EXPECT_EQ(irq_of(c.run(), 102).affinity->to_list(), "3");
}

// The version stamp lets a cycle's plan reuse the last one without comparing every IRQ and queue:
// it must change exactly when the cached discovery does.
TEST(DiscoveryCache, VersionChangesOnlyWithTheContents) {
  CacheTree tree(4);
  Cycle c{tree};
  const std::uint64_t first = c.run().version;
  EXPECT_NE(first, 0u);
  const Discovery before = c.run();
  EXPECT_EQ(before.version, first);  // re-read, nothing changed
  tree.set_affinity(102, "3");
  const Discovery& after = c.run();
  EXPECT_NE(after.version, first);
  EXPECT_FALSE(after == before);
  Discovery same_contents = after;
  same_contents.version = 0;
  EXPECT_TRUE(same_contents == after);  // no stamp: compared whole
}

// The last plan holds the cache's discovery instead of a copy: a re-read that finds something
// new changes a copy, so what the plan (and D-Bus views of it) read stays as it was.
TEST(DiscoveryCache, HeldDiscoveryIsNeverChangedUnderItsHolder) {
  CacheTree tree(4);
  Cycle c{tree};
  c.run();
  std::shared_ptr<const Discovery> held = c.cache.shared();
  const std::string before = irq_of(*held, 102).affinity->to_list();
  tree.set_affinity(102, "3");
  c.run();
  EXPECT_EQ(irq_of(*held, 102).affinity->to_list(), before);
  EXPECT_EQ(irq_of(*c.cache.shared(), 102).affinity->to_list(), "3");
  EXPECT_NE(c.cache.shared(), held);
  // Nobody else holding it: changed where it is.
  held.reset();
  const Discovery* same = c.cache.shared().get();
  tree.set_affinity(102, "2");
  c.run();
  EXPECT_EQ(c.cache.shared().get(), same);
  EXPECT_EQ(irq_of(*c.cache.shared(), 102).affinity->to_list(), "2");
}

TEST(DiscoveryCache, IdleIrqDriftIsSeenWithinASweep) {
  CacheTree tree(600);  // 600 IRQs + 1200 queues: 29 items a cycle (a sweep: 63 cycles)
  Cycle c{tree};
  c.run();
  c.run();
  EXPECT_LT(c.cache.last_reads(), 300u);
  tree.set_affinity(650, "2");
  bool seen = false;
  for (std::size_t k = 0; k < DiscoveryCache::kSweepCycles && !seen; ++k)
    seen = irq_of(c.run(), 650).affinity->to_list() == "2";
  EXPECT_TRUE(seen) << "an idle IRQ's drift must be seen within one sweep";
  EXPECT_EQ(c.cache.full_discoveries(), 1u);
}

TEST(DiscoveryCache, QueueKnobDriftIsSeenWithinASweep) {
  CacheTree tree(600);
  Cycle c{tree};
  c.run();
  std::string dir = "sys/devices/pci0000:00/0000:03:00.0/net/eth0/queues/rx-599/rps_cpus";
  ASSERT_TRUE(fs::exists(tree.t.root() / dir));
  tree.t.dir().write(dir, "c\n");
  bool seen = false;
  for (std::size_t k = 0; k < DiscoveryCache::kSweepCycles && !seen; ++k) {
    const auto& d = c.run();
    const auto* nic = d.inventory.nic("eth0");
    ASSERT_NE(nic, nullptr);
    seen = nic->rx[599].rps_cpus && nic->rx[599].rps_cpus->to_list() == "2-3";
  }
  EXPECT_TRUE(seen);
}

TEST(DiscoveryCache, FiringOutsideItsAffinityIsReReadAtOnce) {
  CacheTree tree(600);
  Cycle c{tree};
  c.run();
  c.run();
  // Someone moved IRQ 690 to CPU 3 and it fired there: the next cycle knows, whatever the sweep.
  tree.set_affinity(690, "3");
  std::ifstream in(tree.t.root() / "proc/interrupts");
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  auto row = text.find(" 690:");
  ASSERT_NE(row, std::string::npos);
  // Columns: "%4d:" then " %10u" per CPU; CPU3's field is the fourth.
  text.replace(row + 5 + 3 * 11, 11, fmt::format(" {:>10}", 50));
  tree.t.dir().write("proc/interrupts", text);
  EXPECT_EQ(irq_of(c.run(), 690).affinity->to_list(), "3");
  EXPECT_EQ(c.cache.full_discoveries(), 1u);
}

TEST(DiscoveryCache, WrittenKnobsAreReReadTheNextCycle) {
  CacheTree tree(600);
  Cycle c{tree};
  c.run();
  c.run();
  tree.set_affinity(640, "1");
  c.cache.written({KnobChange{"proc/irq/640/smp_affinity_list", "1", "0", 640, "IRQ 640"}});
  const auto& d = c.run();
  EXPECT_EQ(irq_of(d, 640).affinity->to_list(), "1");
}

// A queue knob irqd wrote is named by its path; it is re-read at the next cycle, long before
// the sweep would reach it.
TEST(DiscoveryCache, WrittenQueueKnobsAreReReadTheNextCycle) {
  CacheTree tree(600);
  Cycle c{tree};
  c.run();
  c.run();
  const std::string dir = "sys/devices/pci0000:00/0000:03:00.0/net/eth0/queues";
  tree.t.dir().write(dir + "/tx-598/xps_cpus", "4\n");
  tree.t.dir().write(dir + "/rx-599/rps_cpus", "c\n");
  c.cache.written({KnobChange{dir + "/tx-598/xps_cpus", "4", "0", -1, "eth0 tx-598 xps_cpus"},
                   KnobChange{dir + "/rx-599/rps_cpus", "c", "0", -1, "eth0 rx-599 rps_cpus"},
                   KnobChange{"proc/sys/net/core/rps_sock_flow_entries", "1", "0", -1, "rfs"}});
  const auto& d = c.run();
  ASSERT_EQ(d.inventory.nics.size(), 1u);
  EXPECT_EQ(d.inventory.nics[0].tx[598].xps_cpus->to_list(), "2");
  EXPECT_EQ(d.inventory.nics[0].rx[599].rps_cpus->to_list(), "2-3");
  EXPECT_EQ(c.cache.full_discoveries(), 1u);
}

// A device-wide NAPI file irqd wrote makes the next cycle discover from scratch: discovery holds
// the files' values, and threaded=1 starts kthreads that only napi-get names.
TEST(DiscoveryCache, WrittenDeviceWideNapiFilesRediscover) {
  CacheTree tree(2);
  const std::string nic = "sys/devices/pci0000:00/0000:03:00.0/net/eth0";
  tree.t.dir().write(nic + "/threaded", "0\n");
  Cycle c{tree};
  EXPECT_EQ(c.run().inventory.nics[0].device_napi.threaded, 0);
  tree.t.dir().write(nic + "/threaded", "1\n");
  c.cache.written({KnobChange{nic + "/threaded", "1", "0", -1, "eth0 threaded (device-wide)"}}, {{nic + "/threaded", "1"}});
  const auto& d = c.run();
  EXPECT_EQ(c.cache.full_discoveries(), 2u);
  EXPECT_EQ(d.inventory.nics[0].device_napi.threaded, 1);
}

// What apply read back after writing a queue knob is what the cache keeps: the next cycle does not
// read the knob again (an IRQ still is: its effective affinity follows the write later).
TEST(DiscoveryCache, QueueKnobsReadBackAfterTheWriteAreNotReadAgain) {
  CacheTree tree(600);
  Cycle c{tree};
  c.run();
  c.run();
  const std::string dir = "sys/devices/pci0000:00/0000:03:00.0/net/eth0/queues";
  tree.t.dir().write(dir + "/tx-598/xps_cpus", "4\n");
  tree.t.dir().write(dir + "/rx-599/rps_flow_cnt", "4096\n");
  const std::vector<KnobChange> knobs{
      {dir + "/tx-598/xps_cpus", "4", "0", -1, "eth0 tx-598 xps_cpus"},
      {dir + "/rx-599/rps_flow_cnt", "4096", "0", -1, "eth0 rx-599 rps_flow_cnt"}};
  const std::map<std::string, std::string> read_back{{dir + "/tx-598/xps_cpus", "4"},
                                                     {dir + "/rx-599/rps_flow_cnt", "4096"}};
  c.run();
  const std::size_t quiet = c.cache.last_reads();  // a cycle with nothing written: the sweep's share
  c.cache.written(knobs, read_back);
  const auto& d = c.run();
  EXPECT_EQ(c.cache.last_reads(), quiet);
  EXPECT_EQ(d.inventory.nics[0].tx[598].xps_cpus->to_list(), "2");
  EXPECT_EQ(d.inventory.nics[0].rx[599].rps_flow_cnt, 4096);
  // Without the read-back values both queues are read again.
  tree.t.dir().write(dir + "/tx-598/xps_cpus", "8\n");
  c.cache.written(knobs);
  const auto& again = c.run();
  EXPECT_EQ(c.cache.last_reads(), quiet + 2);
  EXPECT_EQ(again.inventory.nics[0].tx[598].xps_cpus->to_list(), "3");
  EXPECT_EQ(c.cache.full_discoveries(), 1u);
}

// The diff reads no file: the RFS table size comes from discovery, which the cache re-reads every
// cycle (one small file), so a change by someone else is seen at the next cycle.
TEST(DiscoveryCache, RfsTableSizeIsReadEveryCycle) {
  CacheTree tree(8);
  Cycle c{tree};
  EXPECT_FALSE(c.run().inventory.rps_sock_flow_entries.has_value());
  EXPECT_NE(c.run().inventory.rps_sock_flow_note.find("does not exist here"), std::string::npos);
  tree.t.dir().write("proc/sys/net/core/rps_sock_flow_entries", "4096\n");
  const auto& d = c.run();
  EXPECT_EQ(d.inventory.rps_sock_flow_entries, "4096");
  EXPECT_TRUE(d.inventory.rps_sock_flow_note.empty());
  EXPECT_EQ(c.cache.full_discoveries(), 1u);
}

TEST(DiscoveryCache, ChangedIrqSetOrNetdevsOrInvalidateDiscoverAgain) {
  CacheTree tree(4);
  Cycle c{tree};
  c.run();
  // A renamed IRQ (same number, new name: a driver re-requested it).
  std::ifstream in(tree.t.root() / "proc/interrupts");
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  text.replace(text.find("eth0-TxRx-3"), 11, "eth0-rx-3  ");
  tree.t.dir().write("proc/interrupts", text);
  c.run();
  EXPECT_TRUE(c.cache.last_full());
  EXPECT_EQ(irq_of(c.run(), 103).role, sysfs::QueueRole::kRx);
  // A netdev without IRQs appears.
  tree.t.add_nic({.name = "veth0", .rx = 1, .tx = 1});
  c.run();
  EXPECT_TRUE(c.cache.last_full());
  EXPECT_NE(c.run().inventory.nic("veth0"), nullptr);
  EXPECT_FALSE(c.cache.last_full());
  c.cache.invalidate();
  c.run();
  EXPECT_TRUE(c.cache.last_full());
}

TEST(DiscoveryCache, VanishedIrqDirectoryFallsBackToAFullDiscovery) {
  CacheTree tree(4);
  Cycle c{tree};
  c.run();
  fs::remove_all(tree.t.root() / "proc/irq/101");
  const auto& d = c.run();
  EXPECT_TRUE(c.cache.last_full());
  EXPECT_FALSE(irq_of(d, 101).error.empty()) << "reported as a fresh discovery would";
}

TEST(DiscoveryCache, MalformedKnobFallsBackToAFullDiscoveryWithItsWarning) {
  CacheTree tree(4);
  Cycle c{tree};
  c.run();
  tree.set_affinity(101, "zz");
  const auto& d = c.run();
  EXPECT_TRUE(c.cache.last_full());
  EXPECT_FALSE(irq_of(d, 101).error.empty());
  ASSERT_FALSE(d.warnings.empty());
  EXPECT_NE(d.warnings[0].find("101"), std::string::npos) << d.warnings[0];
}

// Through the daemon's real cycle: what someone else changes is put back, a busy IRQ at the next
// cycle, an idle one within a sweep, and the steady cycles never discover from scratch.
TEST(DiscoveryCache, DaemonPutsBackDriftWithoutRediscovering) {
  CacheTree tree(600);
  DaemonOptions opts;
  opts.engine.root = tree.t.root();
  opts.engine.use_netlink = false;
  opts.engine.topology_xml = testing::fixture("hwloc/derived/1s-intel-i7-7600u-2c4t-laptop.from-cpuid-dump.xml");
  config::Config cfg;
  cfg.policy = "spread";
  cfg.run_dir = (tree.t.root() / "run/irqd").string();
  Daemon d(opts, cfg);
  d.cycle();
  d.cycle();
  auto affinity = [&](int irq) {
    std::ifstream in(tree.t.root() / fmt::format("proc/irq/{}/smp_affinity_list", irq));
    std::string s;
    std::getline(in, s);
    return s;
  };
  const std::string busy_home = affinity(690), idle_home = affinity(650);
  const std::string busy_away = busy_home == "3" ? "2" : "3", idle_away = idle_home == "3" ? "2" : "3";
  // IRQ 690 moved by someone else and firing there; IRQ 650 moved but idle.
  tree.set_affinity(690, busy_away);
  tree.set_affinity(650, idle_away);
  std::ifstream in(tree.t.root() / "proc/interrupts");
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  const auto row = text.find(" 690:");
  ASSERT_NE(row, std::string::npos);
  text.replace(row + 5 + static_cast<std::size_t>(std::stoi(busy_away)) * 11, 11, fmt::format(" {:>10}", 77));
  tree.t.dir().write("proc/interrupts", text);
  const auto full = d.discovery_cache().full_discoveries();
  d.cycle();
  EXPECT_EQ(affinity(690), busy_home) << "a busy IRQ's drift is put back at the next cycle";
  for (std::size_t k = 1; k < DiscoveryCache::kSweepCycles && affinity(650) != idle_home; ++k) d.cycle();
  EXPECT_EQ(affinity(650), idle_home) << "an idle IRQ's drift is put back within a sweep";
  EXPECT_EQ(d.discovery_cache().full_discoveries(), full);
}

}  // namespace
}  // namespace irqd
