// End to end: a captured root whose /proc/irq/default_smp_affinity is narrowed to housekeeping
// CPUs (as tuned's cpu-partitioning leaves it) gets a plan that keeps every IRQ off the other
// CPUs, says so in the report and the decision log, and honour_default_smp_affinity = false
// turns that off.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <fstream>
#include <set>
#include <string>

#include "tests/integration/run_process.hpp"
#include "tests/support/fixtures.hpp"

namespace irqd::testing {
namespace {

using nlohmann::json;

// "0-3,16" -> {0, 1, 2, 3, 16}
std::set<int> cpus_of(const std::string& list) {
  std::set<int> out;
  std::size_t pos = 0;
  while (pos < list.size()) {
    std::size_t end = list.find(',', pos);
    if (end == std::string::npos) end = list.size();
    std::string part = list.substr(pos, end - pos);
    std::size_t dash = part.find('-');
    int a = std::stoi(part.substr(0, dash));
    int b = dash == std::string::npos ? a : std::stoi(part.substr(dash + 1));
    for (int c = a; c <= b; ++c) out.insert(c);
    pos = end + 1;
  }
  return out;
}

class DefaultAffinityTest : public ::testing::Test {
 protected:
  // 32 CPUs on two sockets (0-15, 16-31), ixgbe and i40e; captured with a full mask.
  ExtractedTree tree_{"nto-worker2-32cpu-2s-xeon6130-r740xd-ixgbe-i40e"};
  std::string root() const { return tree_.root().string(); }
  void narrow() const {
    // Housekeeping CPUs 0-3 and 16-19, as a cpu-partitioning profile would leave the mask.
    std::ofstream(tree_.root() / "proc/irq/default_smp_affinity") << "000f000f\n";
  }
};

TEST_F(DefaultAffinityTest, ThePlanAvoidsCpusOutsideTheMask) {
  auto before = run_irqd({"--dry-run", "--oneshot", "--format", "json", "--root", root()});
  ASSERT_EQ(json::parse(before.out)["machine"]["usable"], "0-31") << before.err;
  narrow();
  auto r = run_irqd({"--dry-run", "--oneshot", "--format", "json", "--root", root()});
  ASSERT_EQ(r.exit_code, 2) << r.err;
  json j = json::parse(r.out);
  EXPECT_EQ(j["machine"]["usable"], "0-3,16-19");
  EXPECT_EQ(j["machine"]["outside_default_smp_affinity"], "4-15,20-31");
  int planned = 0;
  for (const auto& i : j["irqs"]) {
    if (i["planned"].is_null()) continue;
    ++planned;
    for (int cpu : cpus_of(i["planned"].get<std::string>()))
      EXPECT_TRUE((cpu >= 0 && cpu <= 3) || (cpu >= 16 && cpu <= 19)) << i["name"] << " on " << cpu;
  }
  EXPECT_GT(planned, 20);
  auto text = run_irqd({"--dry-run", "--oneshot", "--root", root()});
  EXPECT_NE(text.out.find("usable CPUs: 0-3,16-19 (online 0-31, isolated (none), nohz_full (none), banned (none), outside "
                          "default_smp_affinity 4-15,20-31)\n"),
            std::string::npos)
      << text.out;
  // Applied (to this private copy of the tree): the decision log says why each IRQ left.
  TempDir run;
  auto applied = run_irqd({"--oneshot", "--no-netlink", "--root", root(), "--run-dir", run.path().string(),
                           "--state-dir", run.path().string()});
  EXPECT_EQ(applied.exit_code, 0) << applied.err;
  EXPECT_NE(applied.err.find("IRQ 78 (eno3-TxRx-2, eno3): 28 -> 16: eno3 rx/tx queue 2 -> CPU 16 on node 0 (the NIC's "
                             "NUMA node) (leaves CPU 28 outside default_smp_affinity)\n"),
            std::string::npos)
      << applied.err;
}

TEST_F(DefaultAffinityTest, TheConfigurationCanTurnItOff) {
  narrow();
  TempDir d;
  d.write("irqd.toml", "[daemon]\nhonour_default_smp_affinity = false\n");
  auto r = run_irqd({"--dry-run", "--oneshot", "--format", "json", "--root", root(), "--config",
                     (d.path() / "irqd.toml").string()});
  ASSERT_EQ(r.exit_code, 2) << r.err;
  EXPECT_EQ(json::parse(r.out)["machine"]["usable"], "0-31");
  auto check = run_irqd({"--check-config", "--config", (d.path() / "irqd.toml").string(), "--root", root()});
  EXPECT_EQ(check.exit_code, 0) << check.err;
  EXPECT_NE(check.out.find("honour_default_smp_affinity = false\n"), std::string::npos) << check.out;
}

}  // namespace
}  // namespace irqd::testing
