// End to end: the real irqd binary in --dry-run --oneshot mode on fixture roots. Checks the
// report against the expected output, the exit codes, the JSON document, and that nothing under
// the root was written.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <nlohmann/json.hpp>

#include "tests/integration/run_process.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/support/synthetic_tree.hpp"

namespace irqd::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (std::size_t p = s.find(from); p != std::string::npos; p = s.find(from, p + to.size())) s.replace(p, from.size(), to);
  return s;
}

// Compares with tests/fixtures/expected/<name>; IRQD_UPDATE_EXPECTED=1 rewrites the file instead
// (review the diff before committing it).
void expect_matches_file(const std::string& actual, const std::string& name) {
  fs::path p = fixture("expected/" + name);
  if (std::getenv("IRQD_UPDATE_EXPECTED") != nullptr) {
    fs::create_directories(p.parent_path());
    std::ofstream(p) << actual;
    return;
  }
  EXPECT_EQ(actual, read_fixture("expected/" + name)) << "report differs from " << p
                                                      << " (IRQD_UPDATE_EXPECTED=1 rewrites it)";
}

// Every file's content and mtime under a tree, to prove a dry run wrote nothing.
std::map<std::string, std::pair<std::string, long>> snapshot(const fs::path& root) {
  std::map<std::string, std::pair<std::string, long>> out;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    if (!e.is_regular_file() || e.is_symlink()) continue;
    struct stat st {};
    ::stat(e.path().c_str(), &st);
    std::ifstream in(e.path());
    std::ostringstream content;
    content << in.rdbuf();
    out[e.path().string()] = {content.str(), st.st_mtim.tv_sec * 1000000000L + st.st_mtim.tv_nsec};
  }
  return out;
}

TEST(DryRunTest, VirtioGuestMatchesExpectedReport) {
  ExtractedTree tree("nto-sno-12vcpu-kvm-virtio");
  auto before = snapshot(tree.root());
  auto r = run_irqd({"--dry-run", "--oneshot", "--root", tree.root().string()});
  EXPECT_EQ(r.exit_code, 2) << r.err;  // the plan moves the queue IRQs
  expect_matches_file(replace_all(r.out, tree.root().string(), "ROOT"), "dry-run-nto-sno-12vcpu.txt");
  EXPECT_EQ(before, snapshot(tree.root())) << "a dry run wrote under the root";
}

TEST(DryRunTest, DryRunAloneImpliesOneshot) {
  ExtractedTree tree("nto-sno-12vcpu-kvm-virtio");
  auto before = snapshot(tree.root());
  auto r = run_irqd({"--dry-run", "--root", tree.root().string()});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  expect_matches_file(replace_all(r.out, tree.root().string(), "ROOT"), "dry-run-nto-sno-12vcpu.txt");
  EXPECT_EQ(before, snapshot(tree.root())) << "a dry run wrote under the root";
}

TEST(DryRunTest, TwoSocketServerWithThreeDriversMatchesExpectedReport) {
  ExtractedTree tree("nto-worker2-32cpu-2s-xeon6130-r740xd-ixgbe-i40e");
  auto r = run_irqd({"--dry-run", "--oneshot", "--root", tree.root().string()});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  expect_matches_file(replace_all(r.out, tree.root().string(), "ROOT"), "dry-run-nto-worker2-32cpu.txt");
}

// A big host's report in a screenful: --summary rolls the IRQ and queue tables up per device and
// per CPU; --changes-only keeps the rows that change, and says of how many.
TEST(DryRunTest, SummaryAndChangesOnlyFitABigHost) {
  ExtractedTree tree("nto-worker2-32cpu-2s-xeon6130-r740xd-ixgbe-i40e");
  auto sum = run_irqd({"--dry-run", "--oneshot", "--summary", "--root", tree.root().string()});
  EXPECT_EQ(sum.exit_code, 2) << sum.err;
  expect_matches_file(replace_all(sum.out, tree.root().string(), "ROOT"), "dry-run-nto-worker2-32cpu-summary.txt");
  EXPECT_EQ(sum.out.find("Network IRQs ("), std::string::npos);
  int lines = 0;
  for (char c : sum.out) lines += c == '\n' ? 1 : 0;
  EXPECT_LT(lines, 60) << sum.out;

  auto all = run_irqd({"--dry-run", "--oneshot", "--format", "json", "--root", tree.root().string()});
  auto changes = run_irqd({"--dry-run", "--oneshot", "--changes-only", "--format", "json", "--root", tree.root().string()});
  ASSERT_EQ(changes.exit_code, 2) << changes.err;
  const json a = json::parse(all.out), c = json::parse(changes.out);
  EXPECT_EQ(c["changes_only"], true);
  EXPECT_EQ(c["change_count"], a["change_count"]);
  std::size_t changing = 0;
  for (const auto& i : a["irqs"]) changing += i["change"] == true ? 1u : 0u;
  EXPECT_EQ(c["irqs"].size(), changing);
  EXPECT_LT(c["irqs"].size(), a["irqs"].size());
  for (const auto& i : c["irqs"]) EXPECT_EQ(i["change"], true);
  for (const auto& q : c["queues"]) EXPECT_EQ(q["change"], true);

  auto text = run_irqd({"--dry-run", "--oneshot", "--changes-only", "--root", tree.root().string()});
  EXPECT_NE(text.out.find("Network IRQs (" + std::to_string(changing) + " to change of " + std::to_string(a["irqs"].size()) + ")"),
            std::string::npos) << text.out;
  EXPECT_EQ(text.out.find(" (=) "), std::string::npos);  // one marker: "="
}

TEST(DryRunTest, JsonReportIsStable) {
  ExtractedTree tree("nto-worker2-32cpu-2s-xeon6130-r740xd-ixgbe-i40e");
  auto r = run_irqd({"--dry-run", "--oneshot", "--format", "json", "--root", tree.root().string()});
  ASSERT_EQ(r.exit_code, 2) << r.err;
  json j = json::parse(r.out);
  EXPECT_EQ(j["schema"], 2);
  EXPECT_EQ(j["dry_run"], true);
  EXPECT_EQ(j["policy"], "balanced");  // the default
  EXPECT_EQ(j["machine"]["online"], "0-31");
  EXPECT_EQ(j["machine"]["nodes"].size(), 2u);
  std::map<std::string, int> queue_irqs;
  for (const auto& i : j["irqs"])
    if (i["class"] == "queue") {
      ++queue_irqs[i["device"]];
      ASSERT_TRUE(i["planned"].is_string());
      EXPECT_EQ(i["change"], i["planned"] != i["current"]);
    }
  EXPECT_EQ(queue_irqs["eno1"], 32);
  EXPECT_EQ(queue_irqs["ens7f0"], 32);
  EXPECT_EQ(queue_irqs["eno3"], 8);
  int changes = 0;
  for (const auto& i : j["irqs"]) changes += i["change"].get<bool>();
  EXPECT_EQ(j["change_count"], changes);
  // Knobs the plan does not set yet are reported with their current value and planned null.
  ASSERT_FALSE(j["queues"].empty());
  EXPECT_TRUE(j["queues"][0]["planned"].is_null()) << j["queues"][0];
  expect_matches_file(replace_all(r.out, tree.root().string(), "ROOT"), "dry-run-nto-worker2-32cpu.json");
}

TEST(DryRunTest, IsolatedCpusAreKeptFreeOnRtWorker) {
  // isolcpus=managed_irq,0-4,11-79: only 5-10 may take interrupts.
  ExtractedTree tree("nto-worker1-80cpu-2s-xeon6230-r740xd-rt-isolcpus");
  auto r = run_irqd({"--dry-run", "--oneshot", "--format", "json", "--root", tree.root().string()});
  ASSERT_EQ(r.exit_code, 2) << r.err;
  json j = json::parse(r.out);
  EXPECT_EQ(j["machine"]["usable"], "5-10");
  int planned = 0;
  for (const auto& i : j["irqs"]) {
    if (i["planned"].is_null()) continue;
    ++planned;
    int cpu = std::stoi(i["planned"].get<std::string>());
    EXPECT_GE(cpu, 5) << i["name"];
    EXPECT_LE(cpu, 10) << i["name"];
  }
  EXPECT_GT(planned, 300);
}

// A tree whose queue IRQs already sit where spread puts them.
void build_in_sync_tree(SyntheticTree& t, const std::string& second_affinity) {
  t.add_nic({.name = "eth0", .pci = "0000:00:03.0", .virtio = "virtio2", .driver = "virtio_net", .numa_node = -1,
             .local_cpulist = "0-3", .rx = 2, .tx = 2, .msi_irqs = {37, 38, 39, 40, 41}});
  t.add_irq({37, "virtio2-config", "0-3"});
  t.add_irq({38, "virtio2-input.0", "0"});
  t.add_irq({39, "virtio2-output.0", "0"});
  t.add_irq({40, "virtio2-input.1", second_affinity});
  t.add_irq({41, "virtio2-output.1", second_affinity});
  t.finish();
}

TEST(DryRunTest, ExitsZeroWhenThePlanMatches) {
  // 2 cores x 2 threads: CPUs 0,1 are the first threads, 2,3 their siblings.
  std::string xml = fixture("hwloc/derived/1s-intel-i7-7600u-2c4t-laptop.from-cpuid-dump.xml").string();
  SyntheticTree t(4);
  build_in_sync_tree(t, "1");
  auto probe = run_irqd({"--dry-run", "--oneshot", "--format", "json", "--root", t.root().string(), "--topology-xml", xml});
  json j = json::parse(probe.out);
  std::string second;
  for (const auto& i : j["irqs"])
    if (i["irq"] == 40) second = i["planned"];
  ASSERT_FALSE(second.empty()) << probe.out;

  SyntheticTree synced(4);
  build_in_sync_tree(synced, second);
  // Steering off: rps_cpus / xps_cpus are already 0 in the tree, so only IRQs could differ.
  auto r = run_irqd({"--dry-run", "--oneshot", "--root", synced.root().string(), "--topology-xml", xml, "--rps", "off",
                     "--xps", "off"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("0 changes would be made."), std::string::npos) << r.out;
  EXPECT_NE(second, "0");  // two queues never share a core while another is free
}

TEST(DryRunTest, MalformedInterruptsIsAnErrorNamingFileAndLine) {
  SyntheticTree t(2);
  t.finish();
  t.dir().write("proc/interrupts", "           CPU0       CPU1\n  0:         12  zz   IO-APIC   2-edge      timer\n"
                                   " 1x:          1          2   IO-APIC   1-edge      i8042\n");
  std::string xml = fixture("hwloc/derived/1s-intel-i7-7600u-2c4t-laptop.from-cpuid-dump.xml").string();
  auto r = run_irqd({"--dry-run", "--oneshot", "--root", t.root().string(), "--topology-xml", xml});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(r.out.empty()) << "no half report on error: " << r.out;
  EXPECT_NE(r.err.find("proc/interrupts:"), std::string::npos) << r.err;
}

TEST(DryRunTest, UsageErrors) {
  auto unknown = run_irqd({"--dry-run", "--oneshot", "--policy", "nope"});
  EXPECT_EQ(unknown.exit_code, 1);
  // Held to the configuration file's rule for policy, with its message.
  EXPECT_NE(unknown.err.find("command line: --policy: unknown policy 'nope' (expected one of: spread, balanced)"),
            std::string::npos)
      << unknown.err;
  EXPECT_EQ(run_irqd({"--dry-run", "--oneshot", "--root", "/nonexistent/irqd"}).exit_code, 1);
  EXPECT_EQ(run_irqd({"--dry-run", "--oneshot", "--format", "yaml"}).exit_code, 1);
  auto banned = run_irqd({"--dry-run", "--oneshot", "--banned-cpus", "0-x"});
  EXPECT_EQ(banned.exit_code, 1);
  EXPECT_NE(banned.err.find("--banned-cpus"), std::string::npos) << banned.err;
  auto bad_xml = run_irqd({"--dry-run", "--oneshot", "--topology-xml",
                           fixture("hwloc/v3/1s-intel-i7-7600u-2c4t-laptop.hwloc-v3.xml").string()});
  EXPECT_EQ(bad_xml.exit_code, 1);
  EXPECT_NE(bad_xml.err.find("hwloc-v3.xml"), std::string::npos) << bad_xml.err;
}

TEST(DryRunTest, HelpAndVersion) {
  auto help = run_irqd({"--help"});
  EXPECT_EQ(help.exit_code, 0);
  for (const char* s : {"--dry-run", "--oneshot", "--root", "--topology-xml", "--format", "--policy", "Exit codes", "spread"})
    EXPECT_NE(help.out.find(s), std::string::npos) << s;
  auto version = run_irqd({"--version"});
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_EQ(version.out.rfind("irqd 0.1.0 (commit ", 0), 0u) << version.out;
  for (const char* s : {"\nnetdev genetlink: ", "\nethtool genetlink: ", "\nhwloc: 2."})
    EXPECT_NE(version.out.find(s), std::string::npos) << s << " in:\n" << version.out;
}

TEST(DryRunTest, ThisMachineReadOnly) {
  // The live machine: read-only by construction (--dry-run), so safe on any host.
  auto r = run_irqd({"--dry-run", "--oneshot", "--format", "json"});
  ASSERT_TRUE(r.exit_code == 0 || r.exit_code == 2) << r.err;
  json j = json::parse(r.out);
  EXPECT_EQ(j["root"], "this machine");
  EXPECT_FALSE(j["machine"]["online"].get<std::string>().empty());
}

}  // namespace
}  // namespace irqd::testing
