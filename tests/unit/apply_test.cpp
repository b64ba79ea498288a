// Applying plans on a synthetic tree through a fault-injecting KnobIo: every write is read back,
// originals are saved before the first change, one failed write never stops the rest.
#include "irqd/engine/apply.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <map>

#include "sysfs/error.hpp"
#include "tests/support/faulty_io.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/support/synthetic_tree.hpp"

namespace irqd {
namespace {

using testing::FaultyIo;
using testing::SynthIrq;
using testing::SynthNic;
using testing::SyntheticTree;
using testing::TempDir;

// Two NICs, 2 queues each, on a 2-core / 4-thread laptop topology; every IRQ starts on CPU 3.
struct Fixture {
  SyntheticTree tree{4};
  TempDir run;
  EngineOptions opts;
  config::Config cfg;

  Fixture() {
    tree.add_nic({.name = "eth0", .pci = "0000:03:00.0", .numa_node = -1, .rx = 2, .tx = 2});
    tree.add_nic({.name = "eth1", .pci = "0000:03:00.1", .numa_node = -1, .rx = 2, .tx = 2});
    for (int q = 0; q < 2; ++q) {
      tree.add_irq({101 + q, "eth0-TxRx-" + std::to_string(q), "3"});
      tree.add_irq({111 + q, "eth1-TxRx-" + std::to_string(q), "3"});
    }
    tree.finish();
    opts.root = tree.root();
    opts.topology_xml = testing::fixture("hwloc/derived/1s-intel-i7-7600u-2c4t-laptop.from-cpuid-dump.xml");
    cfg.rps_sock_flow_entries = 32768;
  }
  std::unique_ptr<PlanResult> plan() { return plan_once(opts, cfg); }
  std::filesystem::path originals_file() const { return run.path() / "original.json"; }
  std::string read(const std::string& rel) const { return *sysfs::SysRoot(tree.root()).read_line(rel); }
};

TEST(ApplyTest, AppliesReadsBackAndIsIdempotent) {
  Fixture f;
  auto r = f.plan();
  ASSERT_GT(r->diff.changes, 4);
  sysfs::SysRoot root(f.tree.root());
  sysfs::SysRootIo io(root);
  OriginalStore originals(f.originals_file());
  std::set<int> unchangeable;
  auto a = apply_diff(r->diff, io, originals, unchangeable);
  EXPECT_EQ(a.failed, 0);
  EXPECT_EQ(a.applied, r->diff.changes);
  EXPECT_NE(f.read("proc/irq/101/smp_affinity_list"), "3");
  // Originals were saved, with the values from before the change.
  OriginalStore saved(f.originals_file());
  saved.load();
  EXPECT_EQ(saved.values().at("proc/irq/101/smp_affinity_list"), "3");
  EXPECT_EQ(saved.values().at("sys/devices/pci0000:00/0000:03:00.0/net/eth0/queues/tx-0/xps_cpus"), "0");
  // The next cycle finds nothing to do.
  auto again = f.plan();
  EXPECT_EQ(again->diff.changes, 0);
  EXPECT_EQ(apply_diff(again->diff, io, originals, unchangeable).applied, 0);
}

TEST(ApplyTest, AKnobIsReadForItsOriginalOnceAndItsReadBackIsReturned) {
  Fixture f;
  sysfs::SysRoot root(f.tree.root());
  FaultyIo io(root);
  OriginalStore originals(f.originals_file());
  std::set<int> unchangeable;
  const std::string knob = "proc/irq/101/smp_affinity_list";
  auto a = apply_diff(f.plan()->diff, io, originals, unchangeable);
  EXPECT_EQ(io.reads[knob], 2);  // the original, then the read-back
  EXPECT_EQ(a.read_back.at(knob), f.read(knob));
  const std::string placed = f.read(knob);
  // Someone moves it back; the next apply writes it again but its original is already known.
  f.tree.dir().write(knob, "3\n");
  io.reads.clear();
  auto b = apply_diff(f.plan()->diff, io, originals, unchangeable);
  EXPECT_EQ(b.applied, 1);
  EXPECT_EQ(io.reads[knob], 1);  // the read-back only
  EXPECT_EQ(b.read_back.at(knob), placed);
  EXPECT_EQ(originals.values().at(knob), "3");
}

TEST(ApplyTest, KernelManagedIrqIsMarkedAndNeverRetried) {
  Fixture f;
  auto r = f.plan();
  sysfs::SysRoot root(f.tree.root());
  FaultyIo io(root);
  io.fail["proc/irq/102/smp_affinity_list"] = EIO;
  io.fail["proc/irq/111/smp_affinity_list"] = EPERM;  // 112 is already where it belongs
  OriginalStore originals(f.originals_file());
  std::set<int> unchangeable;
  auto a = apply_diff(r->diff, io, originals, unchangeable);
  EXPECT_EQ(a.failed, 2);
  EXPECT_EQ(a.applied, r->diff.changes - 2);
  EXPECT_EQ(unchangeable, (std::set<int>{102, 111}));
  ASSERT_EQ(a.errors.size(), 2u);
  EXPECT_NE(a.errors[0].find("IRQ 102 (eth0-TxRx-1, eth0)"), std::string::npos) << a.errors[0];
  EXPECT_NE(a.errors[0].find("managed by the kernel"), std::string::npos) << a.errors[0];
  EXPECT_EQ(f.read("proc/irq/102/smp_affinity_list"), "3");  // left as it was
  // Next cycle: not retried, not counted as a new failure.
  auto again = f.plan();
  auto b = apply_diff(again->diff, io, originals, unchangeable);
  EXPECT_EQ(io.writes["proc/irq/102/smp_affinity_list"], 1);
  EXPECT_EQ(b.failed, 0);
}

TEST(ApplyTest, VectorExhaustionAndEinvalAreReportedAndTheRestApplied) {
  Fixture f;
  auto r = f.plan();
  sysfs::SysRoot root(f.tree.root());
  FaultyIo io(root);
  io.fail["proc/irq/101/smp_affinity_list"] = ENOSPC;
  io.fail["sys/devices/pci0000:00/0000:03:00.1/net/eth1/queues/tx-1/xps_cpus"] = EINVAL;
  OriginalStore originals(f.originals_file());
  std::set<int> unchangeable;
  auto a = apply_diff(r->diff, io, originals, unchangeable);
  EXPECT_EQ(a.failed, 2);
  EXPECT_EQ(a.applied, r->diff.changes - 2);
  EXPECT_TRUE(unchangeable.empty());  // ENOSPC may pass: retried next cycle
  EXPECT_NE(a.errors[0].find("IRQ 101"), std::string::npos);
  EXPECT_NE(a.errors[0].find("ENOSPC"), std::string::npos) << a.errors[0];
  EXPECT_NE(a.errors[1].find("eth1 tx-1 xps_cpus"), std::string::npos) << a.errors[1];
  EXPECT_NE(f.read("proc/irq/111/smp_affinity_list"), "3");
}

TEST(ApplyTest, DeviceRemovedBetweenPlanAndApply) {
  Fixture f;
  auto r = f.plan();
  std::filesystem::remove_all(f.tree.root() / "sys/devices/pci0000:00/0000:03:00.1/net/eth1");
  sysfs::SysRoot root(f.tree.root());
  sysfs::SysRootIo io(root);
  OriginalStore originals(f.originals_file());
  std::set<int> unchangeable;
  auto a = apply_diff(r->diff, io, originals, unchangeable);
  // A vanished device is hotplug, not a failure: its knobs are dropped without an error.
  EXPECT_GT(a.vanished, 0);
  EXPECT_EQ(a.failed, 0);
  EXPECT_TRUE(a.errors.empty());
  EXPECT_EQ(a.applied + a.vanished, r->diff.changes);
  EXPECT_NE(f.read("proc/irq/101/smp_affinity_list"), "3");  // eth0 still done
}

// A knob that became a FIFO between the plan and the apply: its value cannot be recorded, so it is
// not written; it fails alone, named, and every other knob is applied.
TEST(ApplyTest, KnobThatBecameAFifoFailsAloneAndIsNotWritten) {
  Fixture f;
  auto r = f.plan();
  const auto fifo = f.tree.root() / "proc/irq/111/smp_affinity_list";
  std::filesystem::remove(fifo);
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  sysfs::SysRoot root(f.tree.root());
  sysfs::SysRootIo io(root);
  OriginalStore originals(f.originals_file());
  std::set<int> unchangeable;
  ApplyResult a;
  ASSERT_NO_THROW(a = apply_diff(r->diff, io, originals, unchangeable));
  EXPECT_EQ(a.failed, 1);
  ASSERT_EQ(a.errors.size(), 1u);
  EXPECT_NE(a.errors[0].find(fifo.string() + ": not a regular file (a FIFO)"), std::string::npos) << a.errors[0];
  EXPECT_EQ(a.applied, r->diff.changes - 1);
  EXPECT_TRUE(std::filesystem::is_fifo(fifo));
  EXPECT_NE(f.read("proc/irq/101/smp_affinity_list"), "3");
}

TEST(ApplyTest, ReadBackMismatchIsAFailure) {
  Fixture f;
  auto r = f.plan();
  sysfs::SysRoot root(f.tree.root());
  FaultyIo io(root);
  io.readback["proc/irq/111/smp_affinity_list"] = "0-3";  // the kernel kept its own idea
  OriginalStore originals(f.originals_file());
  std::set<int> unchangeable;
  auto a = apply_diff(r->diff, io, originals, unchangeable);
  EXPECT_EQ(a.failed, 1);
  ASSERT_EQ(a.errors.size(), 1u);
  EXPECT_NE(a.errors[0].find("kernel shows '0-3'"), std::string::npos) << a.errors[0];
}

TEST(ApplyTest, UnsavableOriginalsStopBeforeAnyWrite) {
  Fixture f;
  auto r = f.plan();
  f.tree.dir().write("not-a-dir", "x");
  sysfs::SysRoot root(f.tree.root());
  sysfs::SysRootIo io(root);
  OriginalStore originals(f.tree.root() / "not-a-dir" / "original.json");
  std::set<int> unchangeable;
  EXPECT_THROW(apply_diff(r->diff, io, originals, unchangeable), std::runtime_error);
  EXPECT_EQ(f.read("proc/irq/101/smp_affinity_list"), "3");
}

TEST(ApplyTest, RestorePutsOriginalsBackAndRemovesTheFile) {
  Fixture f;
  sysfs::SysRoot root(f.tree.root());
  sysfs::SysRootIo io(root);
  {
    OriginalStore originals(f.originals_file());
    std::set<int> unchangeable;
    apply_diff(f.plan()->diff, io, originals, unchangeable);
  }
  // A second run records nothing new: the first value seen stays the original.
  {
    OriginalStore originals(f.originals_file());
    originals.load();
    f.tree.dir().write("proc/irq/101/smp_affinity_list", "2\n");  // someone else changed it
    std::set<int> unchangeable;
    apply_diff(f.plan()->diff, io, originals, unchangeable);
    EXPECT_EQ(originals.values().at("proc/irq/101/smp_affinity_list"), "3");
  }
  OriginalStore originals(f.originals_file());
  originals.load();
  auto r = originals.restore(io);
  EXPECT_EQ(r.failed, 0);
  EXPECT_EQ(f.read("proc/irq/101/smp_affinity_list"), "3");
  EXPECT_EQ(f.read("sys/devices/pci0000:00/0000:03:00.0/net/eth0/queues/tx-0/xps_cpus"), "0");
  EXPECT_FALSE(std::filesystem::exists(f.originals_file()));
}

TEST(ApplyTest, FailedRestoreKeepsWhatIsLeft) {
  Fixture f;
  sysfs::SysRoot root(f.tree.root());
  FaultyIo io(root);
  OriginalStore originals(f.originals_file());
  std::set<int> unchangeable;
  apply_diff(f.plan()->diff, io, originals, unchangeable);
  io.fail["proc/irq/101/smp_affinity_list"] = EIO;
  auto r = originals.restore(io);
  EXPECT_EQ(r.failed, 1);
  OriginalStore left(f.originals_file());
  left.load();
  EXPECT_EQ(left.values().size(), 1u);
  EXPECT_EQ(left.values().count("proc/irq/101/smp_affinity_list"), 1u);
}

TEST(ApplyTest, RestoreDropsKnobsThatVanishAtTheWriteAndReportsThem) {
  Fixture f;
  sysfs::SysRoot root(f.tree.root());
  FaultyIo io(root);
  OriginalStore originals(f.originals_file());
  std::set<int> unchangeable;
  apply_diff(f.plan()->diff, io, originals, unchangeable);
  const std::size_t recorded = originals.values().size();
  // The IRQ goes between the read and the write (ENOENT), the queue's device refuses as removed
  // (ENODEV): neither can ever be restored, neither is a failure.
  io.fail["proc/irq/101/smp_affinity_list"] = ENOENT;
  io.fail["sys/devices/pci0000:00/0000:03:00.0/net/eth0/queues/tx-0/xps_cpus"] = ENODEV;
  ASSERT_TRUE(originals.values().count("sys/devices/pci0000:00/0000:03:00.0/net/eth0/queues/tx-0/xps_cpus"));
  auto r = originals.restore(io);
  EXPECT_EQ(r.failed, 0);
  EXPECT_EQ(r.vanished, 2);
  EXPECT_EQ(r.restored, static_cast<int>(recorded) - 2);
  EXPECT_EQ(describe_vanished(r.gone), "eth0 (1 queue knob); IRQ 101");
  EXPECT_FALSE(std::filesystem::exists(f.originals_file()));
}

TEST(ApplyTest, DescribeVanishedNamesTheFirstFewOfEachKind) {
  std::vector<std::string> gone;
  for (int irq = 100; irq < 112; ++irq) gone.push_back("proc/irq/" + std::to_string(irq) + "/smp_affinity_list");
  for (const char* q : {"rx-0/rps_cpus", "rx-0/rps_flow_cnt", "tx-0/xps_cpus"})
    gone.push_back(std::string("sys/devices/pci0000:00/0000:04:00.0/net/eth1/queues/") + q);
  gone.push_back("sys/devices/virtual/net/veth0/queues/rx-0/rps_cpus");
  EXPECT_EQ(describe_vanished(gone),
            "eth1 (3 queue knobs), veth0 (1 queue knob); IRQs 100, 101, 102, 103, 104, 105, 106, 107 and 4 more");
  EXPECT_EQ(describe_vanished({}), "");
}

TEST(ApplyTest, OriginalsFileIsValidatedBeforeAnythingIsRestored) {
  // Found by fuzz_originals: a huge or fractional schema number used to be converted to int.
  for (const char* text : {"{\"schema\":8888888888888888888888}", "{\"schema\":1.5,\"knobs\":{}}",
                           "{\"schema\":4294967297,\"knobs\":{}}",
                           "{\"schema\":1,\"knobs\":{\"../../etc/passwd\":\"x\"}}",
                           "{\"schema\":1,\"knobs\":{\"sys/kernel/mm/transparent_hugepage/enabled\":\"x\"}}"}) {
    TempDir t;
    t.write("original.json", text);
    OriginalStore s(t.path() / "original.json");
    EXPECT_THROW(s.load(), std::runtime_error) << text;
    EXPECT_TRUE(s.values().empty()) << text;
  }
}

TEST(ApplyTest, CorruptOriginalsFileIsReportedWithItsName) {
  TempDir t;
  t.write("original.json", "{\"schema\": 1, \"knobs\": [");
  OriginalStore s(t.path() / "original.json");
  try {
    s.load();
    FAIL();
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("original.json: corrupt"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(s.values().empty());
}

}  // namespace
}  // namespace irqd
