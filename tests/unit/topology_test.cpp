// Topology: hwloc XML exports, captured sysfs trees and synthetic descriptions turned into a
// Machine, plus the kernel's isolcpus / nohz_full / online layer and the Machine queries.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "sysfs/error.hpp"
#include "sysfs/sys_root.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/unit/topology_checks.hpp"
#include "topology/hwloc_loader.hpp"
#include "topology/machine.hpp"

namespace irqd::topology {
namespace {

using irqd::testing::ExtractedTree;
using irqd::testing::fixture;
using irqd::testing::fixture_files;
using irqd::testing::TempDir;
using sysfs::CpuSet;
using namespace checks;

// Extracting a captured tree costs seconds (tens of thousands of files): once per tarball per run.
const ExtractedTree& tree_of(const std::string& name) {
  static std::map<std::string, std::unique_ptr<ExtractedTree>> cache;
  auto& slot = cache[name];
  if (!slot) slot = std::make_unique<ExtractedTree>(name);
  return *slot;
}

struct Counts {
  int pus, cores, packages, nodes, cpuless, l3s, l2s;
};

int cpuless_nodes(const Machine& m) {
  return static_cast<int>(std::count_if(m.nodes.begin(), m.nodes.end(),
                                        [](const NumaNode& n) { return n.cpus.empty(); }));
}

void expect_counts(const Machine& m, const Counts& c) {
  EXPECT_EQ(static_cast<int>(m.pus.size()), c.pus);
  EXPECT_EQ(m.online.count(), c.pus);
  EXPECT_EQ(static_cast<int>(m.cores.size()), c.cores);
  EXPECT_EQ(static_cast<int>(m.packages.size()), c.packages);
  EXPECT_EQ(static_cast<int>(m.nodes.size()), c.nodes);
  EXPECT_EQ(cpuless_nodes(m), c.cpuless);
  EXPECT_EQ(static_cast<int>(m.l3s.size()), c.l3s);
  EXPECT_EQ(static_cast<int>(m.l2s.size()), c.l2s);
}

std::string test_name(std::string file) {
  for (char& c : file)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return file;
}

// ---------------------------------------------------------------------------------------------
// (1) Every XML fixture loads, with hwloc-info's counts (SOURCES.md).

struct XmlCase {
  std::string file;  // relative to tests/fixtures/hwloc
  Counts counts;
};

const std::vector<XmlCase> kXmlCases = {
    {"1s-amd-epyc-7a53-64c128t-4numa-nps4-llnl-tioga.xml", {128, 64, 1, 4, 0, 8, 64}},
    {"1s-intel-knl-7250-68c272t-snc4-flat-cpuless-mcdram-numa.hwloc-v1.xml",
     {272, 68, 1, 8, 4, 0, 34}},
    {"2s-arm64-thunderx2-64c256t-smt4-ulna.hwloc-v1.xml", {256, 64, 2, 2, 0, 2, 64}},
    {"2s-ibm-power9-40c160t-smt4-llnl-lassen.xml", {160, 40, 2, 2, 0, 20, 20}},
    {"2s-intel-xeon-8259cl-48c96t-aws-g4dn-metal-ena.xml", {96, 48, 2, 2, 0, 2, 48}},
    {"2s-intel-xeon-e5-2695v4-36c72t-smt-llnl-pascal.xml", {72, 36, 2, 2, 0, 2, 36}},
    {"2s-intel64-16c-sriov-many-vfs.xml", {16, 16, 2, 2, 0, 2, 16}},
    {"derived/1s-arm64-nvidia-gb10-20c-dgx-spark.from-sysfs.xml", {20, 20, 1, 1, 0, 2, 20}},
    {"derived/1s-intel-i7-1370p-6p8e-20t-hybrid-laptop.from-sysfs.xml", {20, 14, 1, 1, 0, 1, 8}},
    {"derived/1s-intel-i7-7600u-2c4t-laptop.from-cpuid-dump.xml", {4, 2, 1, 1, 0, 1, 2}},
    {"derived/2s-arm64-huawei-kunpeng920-128c-4numa-clusters.from-sysfs.xml",
     {128, 128, 2, 4, 0, 4, 128}},
    {"derived/2s-ibm-power9-v100-gpu-cpuless-numa-reduced.from-sysfs.xml", {32, 8, 2, 8, 6, 4, 4}},
};

void PrintTo(const XmlCase& c, std::ostream* os) { *os << c.file; }

class XmlFixture : public ::testing::TestWithParam<XmlCase> {};

TEST_P(XmlFixture, LoadsWithHwlocCounts) {
  const XmlCase& c = GetParam();
  auto path = fixture("hwloc/" + c.file);
  Machine m = load_xml(path);
  EXPECT_EQ(m.source, "xml:" + path.string());
  expect_counts(m, c.counts);
  expect_consistent(m);
}

INSTANTIATE_TEST_SUITE_P(Fixtures, XmlFixture, ::testing::ValuesIn(kXmlCases),
                         [](const auto& p) { return test_name(p.param.file); });

// A fixture added without a row above would otherwise go untested.
TEST(XmlFixtures, TableCoversEveryFile) {
  std::set<std::string> on_disk, in_table;
  for (const auto& f : fixture_files("hwloc", ".xml")) on_disk.insert(f);
  for (const auto& f : fixture_files("hwloc/derived", ".xml")) on_disk.insert("derived/" + f);
  for (const auto& c : kXmlCases) in_table.insert(c.file);
  EXPECT_EQ(on_disk, in_table);
}

// (2) hwloc 2.9 cannot read XML v3; the error must say which file and why.
TEST(XmlFixtures, V3IsRejectedNamingTheFile) {
  auto files = fixture_files("hwloc/v3", ".xml");
  ASSERT_FALSE(files.empty());
  for (const auto& f : files) {
    auto path = fixture("hwloc/v3/" + f);
    std::string msg = thrown<TopologyError>([&] { load_xml(path); });
    EXPECT_TRUE(contains(msg, "cannot load topology XML " + path.string() + ": ")) << msg;
    EXPECT_TRUE(contains(msg, "XML version 3.0 is newer than hwloc")) << msg;
  }
}

TEST(XmlFixtures, MissingAndGarbageFilesAreTopologyErrors) {
  TempDir dir;
  auto missing = dir.path() / "nope.xml";
  std::string msg = thrown<TopologyError>([&] { load_xml(missing); });
  EXPECT_TRUE(contains(msg, "cannot load topology XML " + missing.string() + ": ")) << msg;
  dir.write("garbage.xml", "<?xml version=\"1.0\"?>\n<not-a-topology/>\n");
  auto garbage = dir.path() / "garbage.xml";
  msg = thrown<TopologyError>([&] { load_xml(garbage); });
  EXPECT_TRUE(contains(msg, "cannot load topology XML " + garbage.string() + ": ")) << msg;
}

// (3) NUMA nodes without CPUs.
TEST(CpulessNodes, KnlMcdramNodesHaveNoCpus) {
  Machine m = load_xml(
      fixture("hwloc/1s-intel-knl-7250-68c272t-snc4-flat-cpuless-mcdram-numa.hwloc-v1.xml"));
  ASSERT_EQ(m.nodes.size(), 8u);
  std::vector<int> sizes;
  for (int n = 0; n < 8; ++n) {
    ASSERT_NE(m.node(n), nullptr) << "node " << n;
    EXPECT_EQ(at(m.nodes, n).os_index, n);
    sizes.push_back(m.node_cpus(n).count());
  }
  // SNC4 splits the 68 tiles 18/18/16/16 cores x 4 threads; nodes 4-7 are the MCDRAM halves.
  EXPECT_EQ(sizes, (std::vector<int>{72, 72, 64, 64, 0, 0, 0, 0}));
  EXPECT_EQ(m.summary(), "1 package, 8 NUMA nodes (4 CPU-less), 68 cores, 272 CPUs");
}

TEST(CpulessNodes, Power9GpuMemoryNodesHaveNoCpus) {
  Machine m =
      load_xml(fixture("hwloc/derived/2s-ibm-power9-v100-gpu-cpuless-numa-reduced.from-sysfs.xml"));
  std::vector<int> ids;
  for (const auto& n : m.nodes) ids.push_back(n.os_index);
  EXPECT_EQ(ids, (std::vector<int>{0, 8, 250, 251, 252, 253, 254, 255}));
  EXPECT_EQ(m.node_cpus(0), CpuSet::range(0, 15));
  EXPECT_EQ(m.node_cpus(8), CpuSet::range(88, 103));
  for (int gpu = 250; gpu <= 255; ++gpu) {
    ASSERT_NE(m.node(gpu), nullptr);
    EXPECT_TRUE(m.node(gpu)->cpus.empty());
    EXPECT_TRUE(m.node_cpus(gpu).empty());
  }
  EXPECT_EQ(m.node_of(90), 8);
  // SMT4 on POWER9: four consecutive CPU numbers per core.
  EXPECT_EQ(m.smt_siblings(89), CpuSet::range(88, 91));
  EXPECT_EQ(m.pu(91)->smt_rank, 3);
}

// (4) SMT, caches and nodes on a 2-socket Broadwell.
TEST(Smt, XeonE5_2695v4) {
  Machine m = load_xml(fixture("hwloc/2s-intel-xeon-e5-2695v4-36c72t-smt-llnl-pascal.xml"));
  for (const Core& c : m.cores) {
    ASSERT_EQ(c.cpus.size(), 2u);
    EXPECT_EQ(c.cpus[1], c.cpus[0] + 36);  // Linux numbers the second threads after all cores
  }
  for (const Pu& p : m.pus) {
    EXPECT_EQ(p.smt_rank, p.cpu < 36 ? 0 : 1) << p.cpu;
    EXPECT_EQ(m.smt_siblings(p.cpu).count(), 2);
    EXPECT_EQ(m.l3_cpus(p.cpu), at(m.packages, p.package).cpus);
    EXPECT_GE(p.l2, 0);
  }
  EXPECT_EQ(m.smt_siblings(0), CpuSet::of({0, 36}));
  EXPECT_EQ(m.smt_siblings(37), CpuSet::of({1, 37}));
  EXPECT_EQ(m.pu(36)->smt_rank, 1);
  CpuSet pkg0 = CpuSet::range(0, 17) | CpuSet::range(36, 53);
  CpuSet pkg1 = CpuSet::range(18, 35) | CpuSet::range(54, 71);
  EXPECT_EQ(m.l3_cpus(0), pkg0);
  EXPECT_EQ(m.l3_cpus(71), pkg1);
  EXPECT_EQ(m.node_cpus(0), pkg0);
  EXPECT_EQ(m.node_cpus(1), pkg1);
  for (int cpu = 0; cpu < 72; ++cpu) EXPECT_EQ(m.node_of(cpu), pkg0.test(cpu) ? 0 : 1) << cpu;
  // Unknown CPUs and nodes.
  EXPECT_EQ(m.node_of(72), -1);
  EXPECT_EQ(m.pu(72), nullptr);
  EXPECT_EQ(m.pu(-1), nullptr);
  EXPECT_TRUE(m.l3_cpus(72).empty());
  EXPECT_TRUE(m.smt_siblings(72).empty());
  EXPECT_TRUE(m.node_cpus(2).empty());
  EXPECT_EQ(m.node(2), nullptr);
  EXPECT_EQ(m.max_cpu(), 71);
  EXPECT_TRUE(m.isolated.empty());
  EXPECT_TRUE(m.nohz_full.empty());
}

// ---------------------------------------------------------------------------------------------
// (5) Captured sysfs trees through HWLOC_FSROOT.

struct TreeCase {
  std::string name;
  Counts counts;
  std::string online;         // m.online after load (hwloc's view)
  std::string isolated = "";  // after apply_kernel_cpu_state
  std::string nohz_full = "";
};

const std::vector<TreeCase> kTreeCases = {
    {"hwloc-128cpu-2s-arm64-kunpeng920-4numa-clusters", {128, 128, 2, 4, 0, 4, 128}, "0-127"},
    {"hwloc-16cpu-2s-xeon-e5-2680-igb-mlx4-netqueues-xps", {16, 16, 2, 2, 0, 2, 16}, "0-15"},
    {"hwloc-20cpu-i7-1370p-hybrid-laptop", {20, 14, 1, 1, 0, 1, 8}, "0-19"},
    // Hand-edited upstream: CPUs 0-3,21-23 and node 0 offline.
    {"hwloc-24cpu-2s-xeon-e5-2680v3-cpu0-node0-offline-edited", {17, 17, 2, 1, 0, 2, 17}, "4-20"},
    {"hwloc-40cpu-4s-xeon-e7-4870-4numa-bnx2-qib-netqueues", {40, 40, 4, 4, 0, 4, 40}, "0-39"},
    // Outside of hwloc's XML export the GPU-memory nodes are CPU-less in hwloc too.
    {"hwloc-power9-v100-gpu-cpuless-numa-reduced", {32, 8, 2, 8, 6, 4, 4}, "0-15,88-103"},
    {"nto-e2e-2vcpu-gce-4possible", {2, 2, 1, 1, 0, 1, 2}, "0-1", "1", "1"},
    {"nto-master-112cpu-2s-xeon6330-r750-ice-i40e", {112, 56, 2, 2, 0, 2, 56}, "0-111"},
    {"nto-sno-12vcpu-kvm-virtio", {12, 12, 1, 1, 0, 1, 12}, "0-11"},
    {"nto-worker1-80cpu-2s-xeon6230-r740xd-rt-isolcpus",
     {80, 40, 2, 2, 0, 2, 40},
     "0-79",
     "0-4,11-79",
     "0-4,11-79"},
    {"nto-worker2-32cpu-2s-xeon6130-r740xd-ixgbe-i40e", {32, 32, 2, 2, 0, 2, 32}, "0-31"},
};

void PrintTo(const TreeCase& c, std::ostream* os) { *os << c.name; }

class TreeFixture : public ::testing::TestWithParam<TreeCase> {};

TEST_P(TreeFixture, LoadsThroughFsroot) {
  const TreeCase& c = GetParam();
  const ExtractedTree& tree = tree_of(c.name);
  Machine m = load_fsroot(tree.root());
  EXPECT_EQ(m.source, "fsroot:" + tree.root().string());
  expect_counts(m, c.counts);
  expect_consistent(m);
  EXPECT_EQ(m.online.to_list(), c.online);

  apply_kernel_cpu_state(m, sysfs::SysRoot(tree.root()));
  EXPECT_EQ(m.online.to_list(), c.online);
  EXPECT_EQ(static_cast<int>(m.pus.size()), c.counts.pus);
  EXPECT_EQ(m.isolated.to_list(), c.isolated);
  EXPECT_EQ(m.nohz_full.to_list(), c.nohz_full);
  expect_consistent(m);
}

INSTANTIATE_TEST_SUITE_P(Fixtures, TreeFixture, ::testing::ValuesIn(kTreeCases),
                         [](const auto& p) { return test_name(p.param.name); });

TEST(TreeFixtures, TableCoversEveryTarball) {
  std::set<std::string> on_disk, in_table;
  for (auto f : fixture_files("sysfs", ".tar.gz")) on_disk.insert(f.substr(0, f.size() - 7));
  for (const auto& c : kTreeCases) in_table.insert(c.name);
  // node_exporter's tree is one PCI device subtree with no CPU directories; see below.
  in_table.insert("node-exporter-igb-i350-ens10f0-256cpu-8q");
  EXPECT_EQ(on_disk, in_table);
}

// Upstream hand-edit: node 0 and CPUs 0-3,21-23 offline, so package 0's remaining CPUs (the even
// ones, 4-20) have no NUMA node at all.
TEST(TreeFixtures, CpusOfAnOfflineNodeHaveNoNode) {
  const ExtractedTree& tree = tree_of("hwloc-24cpu-2s-xeon-e5-2680v3-cpu0-node0-offline-edited");
  Machine m = load_fsroot(tree.root());
  ASSERT_EQ(m.nodes.size(), 1u);
  EXPECT_EQ(m.nodes[0].os_index, 1);
  EXPECT_EQ(m.node_cpus(1), CpuSet::parse_list("5-19:1/2"));  // odd CPUs (kernel used/group syntax)
  EXPECT_EQ(m.node(0), nullptr);
  for (int cpu = 4; cpu <= 20; cpu += 2) {
    EXPECT_EQ(m.node_of(cpu), -1) << cpu;
    EXPECT_EQ(m.pu(cpu)->package, 0);
  }
  EXPECT_EQ(m.packages[0].cpus, CpuSet::parse_list("4-20:1/2"));
  EXPECT_EQ(m.summary(), "2 packages, 1 NUMA node (0 CPU-less), 17 cores, 17 CPUs");
}

// Without sys/devices/system/cpu hwloc would quietly describe the host machine instead.
TEST(TreeFixtures, TreeWithoutCpuDirectoryIsRejected) {
  const ExtractedTree& tree = tree_of("node-exporter-igb-i350-ens10f0-256cpu-8q");
  std::string msg = thrown<TopologyError>([&] { load_fsroot(tree.root()); });
  EXPECT_TRUE(contains(msg, tree.root().string())) << msg;
}

TEST(TreeFixtures, WorkerSummaryMentionsIsolation) {
  const ExtractedTree& tree = tree_of("nto-worker1-80cpu-2s-xeon6230-r740xd-rt-isolcpus");
  Machine m = load_fsroot(tree.root());
  apply_kernel_cpu_state(m, sysfs::SysRoot(tree.root()));
  EXPECT_EQ(m.summary(),
            "2 packages, 2 NUMA nodes (0 CPU-less), 40 cores, 80 CPUs "
            "(isolated 0-4,11-79, nohz_full 0-4,11-79)");
}

// load_fsroot sets HWLOC_FSROOT / HWLOC_THISSYSTEM only while it loads.
TEST(TreeFixtures, EnvironmentIsRestored) {
  const ExtractedTree& tree = tree_of("nto-sno-12vcpu-kvm-virtio");
  ::setenv("HWLOC_FSROOT", "/previous/value", 1);
  ::unsetenv("HWLOC_THISSYSTEM");
  load_fsroot(tree.root());
  ASSERT_NE(std::getenv("HWLOC_FSROOT"), nullptr);
  EXPECT_STREQ(std::getenv("HWLOC_FSROOT"), "/previous/value");
  EXPECT_EQ(std::getenv("HWLOC_THISSYSTEM"), nullptr);
  ::unsetenv("HWLOC_FSROOT");
  EXPECT_THROW(load_fsroot(tree.root() / "missing"), TopologyError);
  EXPECT_EQ(std::getenv("HWLOC_FSROOT"), nullptr);
}

// ---------------------------------------------------------------------------------------------
// (6) Synthetic descriptions.

TEST(Synthetic, TwoPackagesFourCoresSmt2) {
  const std::string desc = "pack:2 numa:1 l3:1 core:4 pu:2";
  Machine m = load_synthetic(desc);
  EXPECT_EQ(m.source, "synthetic:" + desc);
  expect_counts(m, {16, 8, 2, 2, 0, 2, 0});
  expect_consistent(m);
  EXPECT_EQ(m.node_cpus(0), CpuSet::range(0, 7));
  EXPECT_EQ(m.node_cpus(1), CpuSet::range(8, 15));
  EXPECT_EQ(m.l3_cpus(9), CpuSet::range(8, 15));
  EXPECT_EQ(m.smt_siblings(3), CpuSet::of({2, 3}));
  EXPECT_EQ(m.pu(3)->smt_rank, 1);
  EXPECT_EQ(m.pu(3)->l2, -1);
  EXPECT_EQ(m.summary(), "2 packages, 2 NUMA nodes (0 CPU-less), 8 cores, 16 CPUs");
}

TEST(Synthetic, WithoutCoresEachPuIsItsOwnCore) {
  Machine m = load_synthetic("pack:1 pu:4");
  expect_counts(m, {4, 4, 1, 1, 0, 0, 0});
  expect_consistent(m);
  EXPECT_EQ(m.smt_siblings(2), CpuSet::of({2}));
  EXPECT_EQ(m.pu(2)->l3, -1);
  EXPECT_TRUE(m.l3_cpus(2).empty());
}

TEST(Synthetic, InvalidDescriptionIsTopologyError) {
  std::string msg = thrown<TopologyError>([] { load_synthetic("pack:two"); });
  EXPECT_TRUE(contains(msg, "pack:two")) << msg;
}

// ---------------------------------------------------------------------------------------------
// (8) summary().

TEST(Summary, Text) {
  Machine m = load_xml(fixture("hwloc/2s-intel-xeon-e5-2695v4-36c72t-smt-llnl-pascal.xml"));
  EXPECT_EQ(m.summary(), "2 packages, 2 NUMA nodes (0 CPU-less), 36 cores, 72 CPUs");
  m.isolated = CpuSet::range(2, 3);
  EXPECT_EQ(m.summary(), "2 packages, 2 NUMA nodes (0 CPU-less), 36 cores, 72 CPUs (isolated 2-3)");

  Machine laptop =
      load_xml(fixture("hwloc/derived/1s-intel-i7-7600u-2c4t-laptop.from-cpuid-dump.xml"));
  EXPECT_EQ(laptop.summary(), "1 package, 1 NUMA node (0 CPU-less), 2 cores, 4 CPUs");
  EXPECT_EQ(Machine{}.summary(), "0 packages, 0 NUMA nodes (0 CPU-less), 0 cores, 0 CPUs");
}

// Whatever it finds, the live machine must come out consistent.
TEST(Live, LoadsConsistently) {
  Machine m = load_live();
  EXPECT_EQ(m.source, "live");
  expect_consistent(m);
}

}  // namespace
}  // namespace irqd::topology

namespace irqd::topology::checks {

using sysfs::CpuSet;

// What must hold for any machine the loader builds, whatever the source.
void expect_consistent(const Machine& m) {
  ASSERT_FALSE(m.pus.empty());
  EXPECT_TRUE(std::is_sorted(m.pus.begin(), m.pus.end(),
                             [](const Pu& a, const Pu& b) { return a.cpu < b.cpu; }));
  EXPECT_TRUE(
      std::is_sorted(m.nodes.begin(), m.nodes.end(),
                     [](const NumaNode& a, const NumaNode& b) { return a.os_index < b.os_index; }));
  EXPECT_EQ(m.max_cpu(), m.pus.back().cpu);
  CpuSet node_union, package_union;
  for (const NumaNode& n : m.nodes) {
    EXPECT_FALSE(node_union.intersects(n.cpus)) << "CPU in two nodes: node " << n.os_index;
    node_union |= n.cpus;
  }
  for (const Package& p : m.packages) package_union |= p.cpus;
  CpuSet nodeless;  // CPUs whose node hwloc does not know (its node is offline)
  for (const Pu& p : m.pus)
    if (p.node < 0) nodeless.set(p.cpu);
  EXPECT_EQ(node_union | nodeless, m.online);
  EXPECT_EQ(package_union, m.online);
  for (const Pu& p : m.pus) {
    SCOPED_TRACE("cpu " + std::to_string(p.cpu));
    ASSERT_EQ(m.pu(p.cpu), &p);
    EXPECT_TRUE(m.online.test(p.cpu));
    const Core& core = at(m.cores, p.core);
    EXPECT_EQ(at(core.cpus, p.smt_rank), p.cpu);
    EXPECT_TRUE(m.smt_siblings(p.cpu).test(p.cpu));
    EXPECT_EQ(core.package, p.package);
    EXPECT_EQ(core.node, p.node);
    EXPECT_EQ(m.node_of(p.cpu), p.node);
    EXPECT_EQ(m.node_cpus(p.node).test(p.cpu), p.node >= 0);
    EXPECT_TRUE(p.package < 0 || at(m.packages, p.package).cpus.test(p.cpu));
    EXPECT_TRUE(p.l3 < 0 || (at(m.l3s, p.l3).depth == 3 && m.l3_cpus(p.cpu).test(p.cpu)));
    EXPECT_TRUE(p.l3 >= 0 || m.l3_cpus(p.cpu).empty());
    EXPECT_TRUE(p.l2 < 0 || (at(m.l2s, p.l2).depth == 2 && at(m.l2s, p.l2).cpus.test(p.cpu)));
  }
}

}  // namespace irqd::topology::checks
