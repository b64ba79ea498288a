// A NIC's NUMA node from every source: the PCI function's numa_node when it gives one, else the
// node most of the NIC's queue IRQs report in /proc/irq/N/node, else none. On the real 80-CPU
// R740xd capture with the NICs' numa_node taken away, every NIC still gets its node and every
// queue IRQ is planned on that node's CPUs, by spread and by balanced.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>

#include <nlohmann/json.hpp>

#include "irqd/engine/discover.hpp"
#include "irqd/engine/engine.hpp"
#include "irqd/engine/report.hpp"
#include "policies/core_order.hpp"
#include "policies/registry.hpp"
#include "policies/steering.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/support/synthetic_tree.hpp"
#include "topology/hwloc_loader.hpp"

namespace irqd {
namespace {

namespace fs = std::filesystem;
using sysfs::NumaSource;
using testing::ExtractedTree;
using testing::SynthIrq;
using testing::SyntheticTree;

constexpr const char* kWorker1 = "nto-worker1-80cpu-2s-xeon6230-r740xd-rt-isolcpus";

// How the NICs' PCI functions are stripped of their NUMA node.
enum class Strip {
  kNoFile,          // numa_node absent; local_cpulist covers every CPU (says nothing)
  kMinusOne,        // numa_node reads -1; no local_cpulist / local_cpus at all
};

void strip_numa(const fs::path& root, const std::string& pci, Strip how) {
  fs::path dev = fs::canonical(root / "sys/bus/pci/devices" / pci);
  fs::remove(dev / "local_cpus");
  if (how == Strip::kNoFile) {
    ASSERT_TRUE(fs::remove(dev / "numa_node")) << dev;
    std::ofstream(dev / "local_cpulist") << "0-79\n";
  } else {
    std::ofstream(dev / "numa_node") << "-1\n";
    fs::remove(dev / "local_cpulist");
  }
}

class Worker1WithoutDeviceNuma : public ::testing::TestWithParam<Strip> {};

TEST_P(Worker1WithoutDeviceNuma, EveryNicTakesItsNodeFromItsIrqs) {
  ExtractedTree tree(kWorker1);
  const sysfs::SysRoot root(tree.root());
  // The capture as taken: the devices name the node, and every queue IRQ of each NIC agrees.
  const auto before = discover(root, DiscoverOptions{false});
  const std::map<std::string, int> want = {{"eno1", 0}, {"eno2", 0}, {"eno3", 0},
                                           {"eno4", 0}, {"ens7f0", 1}, {"ens7f1", 1}};
  ASSERT_EQ(before.inventory.nics.size(), want.size());
  for (const auto& n : before.inventory.nics) {
    EXPECT_EQ(n.numa_node, want.at(n.name)) << n.name;
    EXPECT_EQ(n.numa_source, NumaSource::kDevice) << n.name;
    for (const auto* irq : before.inventory.queue_irqs(n.name)) EXPECT_EQ(irq->node, n.numa_node) << irq->irq;
    strip_numa(tree.root(), n.pci, GetParam());
  }

  const auto after = discover(root, DiscoverOptions{false});
  ASSERT_EQ(after.inventory.nics.size(), want.size());
  for (const auto& n : after.inventory.nics) {
    EXPECT_EQ(n.numa_node, want.at(n.name)) << n.name;
    EXPECT_EQ(n.numa_source, NumaSource::kIrq) << n.name;
  }
  EXPECT_EQ(after.warnings, before.warnings);  // the IRQs agree: nothing to warn about

  EngineOptions opts;
  opts.root = tree.root();
  const auto machine = load_machine(root, opts);
  ASSERT_EQ(machine.nodes.size(), 2u);
  for (const char* name : {"spread", "balanced"}) {
    const auto policy = policies::make_policy(name);
    const config::Config cfg;
    const auto plan = policies::build_plan(*policy, {machine, after.inventory, cfg});
    const auto device_plan = policies::build_plan(*policy, {machine, before.inventory, cfg});
    int placed = 0;
    for (const auto& n : after.inventory.nics) {
      const auto node_cpus = machine.node_cpus(want.at(n.name));
      for (const auto* irq : after.inventory.queue_irqs(n.name)) {
        const auto* p = plan.irq(irq->irq);
        ASSERT_NE(p, nullptr) << name << " IRQ " << irq->irq;
        EXPECT_TRUE(p->cpus.is_subset_of(node_cpus))
            << name << " " << n.name << " IRQ " << irq->irq << " on " << p->cpus.to_list();
        // The same CPU the device's own numa_node gives.
        ASSERT_NE(device_plan.irq(irq->irq), nullptr);
        EXPECT_EQ(p->cpus, device_plan.irq(irq->irq)->cpus) << name << " IRQ " << irq->irq;
        ++placed;
      }
    }
    EXPECT_EQ(placed, 336) << name;
  }
}

INSTANTIATE_TEST_SUITE_P(Strips, Worker1WithoutDeviceNuma, ::testing::Values(Strip::kNoFile, Strip::kMinusOne),
                         [](const ::testing::TestParamInfo<Strip>& p) {
                           return p.param == Strip::kNoFile ? "NoNumaNodeFile" : "NumaNodeMinusOne";
                         });

// One NIC, eth0, with queue IRQs 101.. on the given nodes and a misc vector 100 on node 0.
void one_nic(SyntheticTree& t, int device_node, const std::vector<int>& irq_nodes) {
  const int queues = static_cast<int>(irq_nodes.size());
  t.add_nic({.name = "eth0", .pci = "0000:03:00.0", .numa_node = device_node, .rx = queues, .tx = queues});
  t.add_irq({.irq = 100, .name = "eth0", .node = 0});
  for (std::size_t q = 0; q < irq_nodes.size(); ++q)
    t.add_irq({.irq = 101 + static_cast<int>(q), .name = "eth0-TxRx-" + std::to_string(q), .node = irq_nodes[q]});
  t.finish();
}

Discovery discover_tree(const SyntheticTree& t) { return discover(sysfs::SysRoot(t.root()), DiscoverOptions{false}); }

TEST(NicNumaTest, DeviceNumaNodeWinsOverIrqNodes) {
  SyntheticTree t(8);
  one_nic(t, 1, {0, 0, 0, 0});
  auto d = discover_tree(t);
  const auto* nic = d.inventory.nic("eth0");
  ASSERT_NE(nic, nullptr);
  EXPECT_EQ(nic->numa_node, 1);
  EXPECT_EQ(nic->numa_source, NumaSource::kDevice);
  EXPECT_TRUE(d.warnings.empty());
}

TEST(NicNumaTest, IrqsAgreeingGiveTheirNode) {
  SyntheticTree t(8);
  one_nic(t, -1, {1, 1, 1, 1});
  auto d = discover_tree(t);
  const auto* nic = d.inventory.nic("eth0");
  EXPECT_EQ(nic->numa_node, 1);  // the misc vector on node 0 does not count
  EXPECT_EQ(nic->numa_source, NumaSource::kIrq);
  EXPECT_TRUE(d.warnings.empty());
}

TEST(NicNumaTest, MissingNumaNodeFileIsLikeMinusOne) {
  SyntheticTree t(8);
  one_nic(t, 0, {1, 1});
  fs::remove(t.root() / "sys/devices/pci0000:00/0000:03:00.0/numa_node");
  auto d = discover_tree(t);
  EXPECT_EQ(d.inventory.nic("eth0")->numa_node, 1);
  EXPECT_EQ(d.inventory.nic("eth0")->numa_source, NumaSource::kIrq);
}

TEST(NicNumaTest, DisagreeingIrqsGiveTheMajorityAndAWarning) {
  // -1 (no node) does not count, however many IRQs say it.
  SyntheticTree t(8);
  one_nic(t, -1, {1, 0, 1, -1, 1, -1, -1, -1});
  auto d = discover_tree(t);
  const auto* nic = d.inventory.nic("eth0");
  EXPECT_EQ(nic->numa_node, 1);
  EXPECT_EQ(nic->numa_source, NumaSource::kIrq);
  ASSERT_EQ(d.warnings.size(), 1u);
  const auto& w = d.warnings[0];
  EXPECT_NE(w.find("eth0"), std::string::npos) << w;
  EXPECT_NE(w.find("3 on node 1"), std::string::npos) << w;
  EXPECT_NE(w.find("1 on node 0"), std::string::npos) << w;
  EXPECT_NE(w.find("using node 1"), std::string::npos) << w;
}

TEST(NicNumaTest, ATieIsNoNode) {
  SyntheticTree t(8);
  one_nic(t, -1, {0, 1, 1, 0});
  auto d = discover_tree(t);
  const auto* nic = d.inventory.nic("eth0");
  EXPECT_EQ(nic->numa_node, -1);
  EXPECT_EQ(nic->numa_source, NumaSource::kNone);
  ASSERT_EQ(d.warnings.size(), 1u);
  EXPECT_NE(d.warnings[0].find("eth0"), std::string::npos) << d.warnings[0];
  EXPECT_NE(d.warnings[0].find("2 on node 0"), std::string::npos) << d.warnings[0];
  EXPECT_NE(d.warnings[0].find("2 on node 1"), std::string::npos) << d.warnings[0];
}

TEST(NicNumaTest, NoInformationIsNone) {
  SyntheticTree t(8);
  one_nic(t, -1, {-1, -1});
  auto d = discover_tree(t);
  const auto* nic = d.inventory.nic("eth0");
  EXPECT_EQ(nic->numa_node, -1);
  EXPECT_EQ(nic->numa_source, NumaSource::kNone);
  EXPECT_TRUE(d.warnings.empty());
  EXPECT_STREQ(sysfs::to_string(NumaSource::kNone), "none");
  EXPECT_STREQ(sysfs::to_string(NumaSource::kDevice), "device");
  EXPECT_STREQ(sysfs::to_string(NumaSource::kIrq), "irq");
}

// With a node from the IRQs, the NIC's local CPUs are that node's, whatever local_cpus says when
// it covers every CPU (the kernel's answer for a device without a node).
TEST(NicNumaTest, LocalCpusOfANodeFromIrqsAreTheNodes) {
  auto m = topology::load_xml(testing::fixture("hwloc/2s-intel-xeon-e5-2695v4-36c72t-smt-llnl-pascal.xml"));
  sysfs::NicInfo nic;
  nic.name = "eth0";
  nic.numa_node = 1;
  nic.numa_source = NumaSource::kIrq;
  nic.local_cpus = m.online;
  auto local = policies::nic_local_cpus(m, nic, m.online);
  EXPECT_EQ(local.cpus, m.node_cpus(1));
  EXPECT_TRUE(local.numa_local);
  EXPECT_NE(local.why.find("node 1"), std::string::npos) << local.why;
  EXPECT_NE(local.why.find("IRQs"), std::string::npos) << local.why;
}

// The reports say where the node came from.
TEST(NicNumaTest, ReportsSayTheSource) {
  SyntheticTree t(4);
  t.add_nic({.name = "eth0", .pci = "0000:03:00.0", .numa_node = -1, .rx = 1, .tx = 1});
  t.add_nic({.name = "eth1", .pci = "0000:04:00.0", .numa_node = 0, .rx = 1, .tx = 1});
  t.add_nic({.name = "eth2", .pci = "0000:05:00.0", .numa_node = -1, .rx = 1, .tx = 1});
  t.add_irq({.irq = 101, .name = "eth0-TxRx-0", .node = 0});
  t.add_irq({.irq = 102, .name = "eth1-TxRx-0", .node = 0});
  t.add_irq({.irq = 103, .name = "eth2-TxRx-0", .node = -1});
  t.finish();
  EngineOptions opts;
  opts.root = t.root();
  opts.use_netlink = false;
  opts.topology_xml = testing::fixture("hwloc/derived/1s-intel-i7-7600u-2c4t-laptop.from-cpuid-dump.xml");
  auto r = plan_once(opts, config::Config{});

  auto text = render_text(*r, "t", nullptr);
  auto row = [&](const std::string& dev) {
    auto at = text.find("\n" + dev + " ");
    return at == std::string::npos ? std::string() : text.substr(at + 1, text.find('\n', at + 1) - at - 1);
  };
  EXPECT_NE(row("eth0").find(" 0 (irq) "), std::string::npos) << row("eth0");
  EXPECT_EQ(row("eth1").find("(irq)"), std::string::npos) << row("eth1");
  EXPECT_NE(row("eth2").find(" - "), std::string::npos) << row("eth2");
  EXPECT_NE(text.find("(irq) = "), std::string::npos) << text;  // the footnote says what it means

  auto json = nlohmann::json::parse(render_json(*r, "t", nullptr));
  std::map<std::string, std::pair<int, std::string>> got;
  for (const auto& d : json["devices"])
    got[d["name"]] = {d["numa_node"].is_null() ? -1 : d["numa_node"].get<int>(), d["numa_source"]};
  EXPECT_EQ(got["eth0"], (std::pair<int, std::string>{0, "irq"}));
  EXPECT_EQ(got["eth1"], (std::pair<int, std::string>{0, "device"}));
  EXPECT_EQ(got["eth2"], (std::pair<int, std::string>{-1, "none"}));
}

// A report without a node from IRQs has no footnote.
TEST(NicNumaTest, NoFootnoteWithoutIrqNodes) {
  SyntheticTree t(4);
  t.add_nic({.name = "eth1", .pci = "0000:04:00.0", .numa_node = 0, .rx = 1, .tx = 1});
  t.add_irq({.irq = 102, .name = "eth1-TxRx-0", .node = 0});
  t.finish();
  EngineOptions opts;
  opts.root = t.root();
  opts.use_netlink = false;
  opts.topology_xml = testing::fixture("hwloc/derived/1s-intel-i7-7600u-2c4t-laptop.from-cpuid-dump.xml");
  auto text = render_text(*plan_once(opts, config::Config{}), "t", nullptr);
  EXPECT_EQ(text.find("(irq)"), std::string::npos) << text;
}

}  // namespace
}  // namespace irqd
