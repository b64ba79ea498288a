// Non-network IRQs ([daemon] other_irqs) on the captured two-socket machines, through the real
// irqd binary: the RT worker's isolcpus= (80 CPUs) and the 112-CPU master with isolated CPUs added
// to its tree. Other IRQs are planned off isolated CPUs and onto their node, a second run after
// the first one's writes plans nothing (no churn), and "ignore" leaves them alone.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "sysfs/cpuset.hpp"
#include "tests/integration/run_process.hpp"
#include "tests/support/fixtures.hpp"

namespace irqd::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using sysfs::CpuSet;

constexpr const char* kWorker80 = "nto-worker1-80cpu-2s-xeon6230-r740xd-rt-isolcpus";
constexpr const char* kMaster112 = "nto-master-112cpu-2s-xeon6330-r750-ice-i40e";

json dry_run(const fs::path& root, const std::vector<std::string>& extra = {}) {
  std::vector<std::string> args{"--dry-run", "--oneshot", "--format", "json", "--root", root.string()};
  args.insert(args.end(), extra.begin(), extra.end());
  auto r = run_irqd(args);
  EXPECT_TRUE(r.exit_code == 0 || r.exit_code == 2) << r.err;
  return json::parse(r.out);
}

// The node of each CPU, from the report's machine section.
std::map<int, int> cpu_nodes(const json& j) {
  std::map<int, int> out;
  for (const auto& n : j["machine"]["nodes"])
    for (int c : CpuSet::parse_list(n["cpus"].get<std::string>()).to_vector()) out[c] = n["numa_node"];
  return out;
}

// Every planned other IRQ is on usable CPUs only, and on its own node when it has one.
void expect_off_isolated_and_node_local(const json& j) {
  const CpuSet usable = CpuSet::parse_list(j["machine"]["usable"].get<std::string>());
  const auto node_of = cpu_nodes(j);
  int moved = 0;
  for (const auto& i : j["other_irqs"]["irqs"]) {
    if (!i["change"].get<bool>()) continue;
    ++moved;
    const CpuSet planned = CpuSet::parse_list(i["planned"].get<std::string>());
    EXPECT_TRUE(planned.is_subset_of(usable)) << i.dump();
    if (i["numa_node"].is_null()) continue;
    for (int c : planned.to_vector()) EXPECT_EQ(node_of.at(c), i["numa_node"].get<int>()) << i.dump();
  }
  EXPECT_GT(moved, 0);
}

// Writes each planned other IRQ's CPUs into the tree, as the daemon's apply does (the kernel then
// delivers a single-CPU IRQ there).
void apply_other(const fs::path& root, const json& j) {
  for (const auto& i : j["other_irqs"]["irqs"]) {
    if (!i["change"].get<bool>()) continue;
    const fs::path dir = root / "proc/irq" / std::to_string(i["irq"].get<int>());
    const std::string cpus = i["planned"];
    std::ofstream(dir / "smp_affinity_list") << cpus << "\n";
    if (CpuSet::parse_list(cpus).count() == 1) std::ofstream(dir / "effective_affinity_list") << cpus << "\n";
  }
}

TEST(OtherIrqs, RtWorkerPlacesOtherIrqsOffIsolatedCpusOnTheirNode) {
  ExtractedTree tree(kWorker80);
  json j = dry_run(tree.root());
  ASSERT_EQ(j["machine"]["usable"], "5-10");
  EXPECT_EQ(j["other_irqs"]["mode"], "place");
  EXPECT_GT(j["other_irqs"]["count"].get<int>(), 100);
  expect_off_isolated_and_node_local(j);
  // Before: most sit on isolated CPUs. After: every one (but the timer, which cannot move) is on 5-10.
  for (const auto& i : j["other_irqs"]["irqs"]) {
    const std::string now = i["change"].get<bool>() ? i["planned"] : i["current"];
    if (i["name"] != "timer") {
      EXPECT_TRUE(CpuSet::parse_list(now).is_subset_of(CpuSet::parse_list("5-10"))) << i.dump();
    }
  }
  apply_other(tree.root(), j);
  json again = dry_run(tree.root());
  EXPECT_EQ(again["other_irqs"]["change_count"], 0) << again["other_irqs"].dump(1);
}

TEST(OtherIrqs, MasterWithIsolatedCpusKeepsOtherIrqsOffThem) {
  ExtractedTree tree(kMaster112);
  // Node 0 is the even CPUs, node 1 the odd ones: isolate most of both, as an RT profile would.
  std::ofstream(tree.root() / "sys/devices/system/cpu/isolated") << "4-55,60-111\n";
  json j = dry_run(tree.root());
  ASSERT_EQ(j["machine"]["usable"], "0-3,56-59");
  expect_off_isolated_and_node_local(j);
  for (const auto& i : j["other_irqs"]["irqs"])
    if (i["change"].get<bool>()) {
      EXPECT_NE(i["reason"].get<std::string>().find("isolated"), std::string::npos) << i.dump();
    }
  apply_other(tree.root(), j);
  json again = dry_run(tree.root());
  EXPECT_EQ(again["other_irqs"]["change_count"], 0) << again["other_irqs"].dump(1);
}

TEST(OtherIrqs, KeepOffIsolatedOnlyRemovesIsolatedCpus) {
  ExtractedTree tree(kWorker80);
  TempDir conf;
  conf.write("irqd.toml", "[daemon]\nother_irqs = \"keep-off-isolated\"\n");
  json j = dry_run(tree.root(), {"--config", (conf.path() / "irqd.toml").string()});
  EXPECT_EQ(j["other_irqs"]["mode"], "keep-off-isolated");
  const CpuSet usable = CpuSet::parse_list("5-10");
  int changes = 0;
  for (const auto& i : j["other_irqs"]["irqs"]) {
    if (!i["change"].get<bool>()) continue;
    ++changes;
    const CpuSet was = CpuSet::parse_list(i["current"].get<std::string>());
    const CpuSet planned = CpuSet::parse_list(i["planned"].get<std::string>());
    EXPECT_TRUE(planned.is_subset_of(usable)) << i.dump();
    if (was.intersects(usable)) {
      EXPECT_EQ(planned, was & usable) << i.dump();  // the rest of its mask
    }
  }
  EXPECT_EQ(j["other_irqs"]["change_count"], changes);
  EXPECT_GT(changes, 100);
}

TEST(OtherIrqs, IgnoreLeavesThemAlone) {
  ExtractedTree tree(kWorker80);
  TempDir conf;
  conf.write("irqd.toml", "[daemon]\nother_irqs = \"ignore\"\n");
  const std::string file = (conf.path() / "irqd.toml").string();
  json j = dry_run(tree.root(), {"--config", file});
  EXPECT_EQ(j["other_irqs"]["mode"], "ignore");
  EXPECT_TRUE(j["other_irqs"]["irqs"].empty());
  EXPECT_EQ(j["other_irqs"]["change_count"], 0);
  auto text = run_irqd({"--dry-run", "--oneshot", "--root", tree.root().string(), "--config", file});
  EXPECT_NE(text.out.find("other IRQs: ignore ("), std::string::npos) << text.out;
  EXPECT_EQ(text.out.find("Other IRQs ("), std::string::npos);
}

}  // namespace
}  // namespace irqd::testing
