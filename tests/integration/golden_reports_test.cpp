// The expected dry-run reports (tests/fixtures/expected/) checked against what the captured kernel
// files say, not only against irqd's earlier output: a golden file regenerated with
// IRQD_UPDATE_EXPECTED=1 from a wrong program fails here. Every fact is read from the fixture
// tree independently of irqd (its own little parsers below).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <nlohmann/json.hpp>

#include "tests/support/fixtures.hpp"

namespace irqd::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string first_line(const fs::path& p) {
  std::ifstream in(p);
  std::string line;
  std::getline(in, line);
  return line;
}

// "0-3,8" -> {0,1,2,3,8}, written here rather than taken from sysfs/cpuset.
std::set<int> cpus_of(const std::string& list) {
  std::set<int> out;
  std::stringstream ss(list);
  std::string part;
  while (std::getline(ss, part, ',')) {
    if (part.empty()) continue;
    auto dash = part.find('-');
    int lo = std::stoi(part.substr(0, dash));
    int hi = dash == std::string::npos ? lo : std::stoi(part.substr(dash + 1));
    for (int c = lo; c <= hi; ++c) out.insert(c);
  }
  return out;
}

// IRQ number -> the name column (last field) of its /proc/interrupts row.
std::map<int, std::string> interrupt_names(const fs::path& root) {
  std::map<int, std::string> out;
  std::ifstream in(root / "proc/interrupts");
  std::string line;
  while (std::getline(in, line)) {
    auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string label = line.substr(0, colon);
    label.erase(0, label.find_first_not_of(' '));
    if (label.empty() || !std::all_of(label.begin(), label.end(), ::isdigit)) continue;
    auto end = line.find_last_not_of(' ');
    auto start = line.find_last_of(' ', end);
    out[std::stoi(label)] = line.substr(start + 1, end - start);
  }
  return out;
}

TEST(GoldenReports, TwoSocketReportAgreesWithTheCapturedKernelFiles) {
  ExtractedTree tree("nto-worker2-32cpu-2s-xeon6130-r740xd-ixgbe-i40e");
  const fs::path root = tree.root();
  const json report = json::parse(read_fixture("expected/dry-run-nto-worker2-32cpu.json"));
  const auto names = interrupt_names(root);
  std::map<int, std::set<int>> node_cpus;
  for (int n : {0, 1})
    node_cpus[n] = cpus_of(first_line(root / "sys/devices/system/node" / ("node" + std::to_string(n)) / "cpulist"));

  // Each NIC's node is its PCI device's numa_node file.
  std::map<std::string, int> nic_node;
  for (const auto& d : report["devices"]) {
    const std::string pci = d["pci_address"];
    EXPECT_EQ(d["numa_node"].get<int>(), std::stoi(first_line(root / "sys/bus/pci/devices" / pci / "numa_node")))
        << d["name"];
    nic_node[d["name"]] = d["numa_node"];
  }
  ASSERT_EQ(nic_node.size(), 6u);

  std::map<int, std::map<int, int>> per_cpu;  // node -> CPU -> queue IRQs planned there
  std::set<int> seen;
  for (const auto& i : report["irqs"]) {
    const int irq = i["irq"];
    EXPECT_TRUE(seen.insert(irq).second) << "IRQ " << irq << " listed twice";
    // Name and current affinity are the kernel's.
    ASSERT_TRUE(names.count(irq)) << "IRQ " << irq << " is not in /proc/interrupts";
    EXPECT_EQ(i["name"], names.at(irq));
    EXPECT_EQ(cpus_of(i["current"]), cpus_of(first_line(root / "proc/irq" / std::to_string(irq) / "smp_affinity_list")))
        << "IRQ " << irq;
    if (i["class"] != "queue") continue;
    // A queue IRQ is named for its device and planned on one CPU of the device's node.
    const std::string dev = i["device"];
    EXPECT_NE(names.at(irq).find(dev), std::string::npos) << names.at(irq) << " is not " << dev << "'s";
    const auto planned = cpus_of(i["planned"]);
    ASSERT_EQ(planned.size(), 1u) << "IRQ " << irq;
    const int node = nic_node.at(dev);
    EXPECT_TRUE(node_cpus[node].count(*planned.begin())) << "IRQ " << irq << " planned off node " << node;
    ++per_cpu[node][*planned.begin()];
  }
  // Every queue IRQ of the capture is in the report: the names that carry a NIC's name and TxRx.
  for (const auto& [irq, name] : names)
    if (name.find("TxRx") != std::string::npos) {
      EXPECT_TRUE(seen.count(irq)) << name << " missing";
    }
  // Spread over the node: every CPU of a node takes its share, within one IRQ of each other.
  for (const auto& [node, counts] : per_cpu) {
    EXPECT_EQ(counts.size(), node_cpus[node].size()) << "node " << node << " has idle CPUs";
    auto [lo, hi] = std::minmax_element(counts.begin(), counts.end(),
                                        [](const auto& a, const auto& b) { return a.second < b.second; });
    EXPECT_LE(hi->second - lo->second, 1) << "node " << node;
  }
}

}  // namespace
}  // namespace irqd::testing
