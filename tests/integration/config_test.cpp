// End to end: `irqd --check-config` on good and broken files, a broken file being fatal at start,
// and configuration rules changing the real binary's plan on a captured root.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/integration/run_process.hpp"
#include "tests/support/fixtures.hpp"

namespace irqd::testing {
namespace {

using nlohmann::json;

// The captured 12-CPU virtio guest: the machine CPU numbers are checked against.
class ConfigTest : public ::testing::Test {
 protected:
  ExtractedTree tree_{"nto-sno-12vcpu-kvm-virtio"};
  std::string root() const { return tree_.root().string(); }
};

TEST_F(ConfigTest, CheckConfigPrintsTheEffectiveConfiguration) {
  TempDir d;
  d.write("irqd.toml", "[daemon]\npolicy = \"balanced\"\nbanned_cpus = \"3\"\n");
  d.write("conf.d/50-nic.toml", "[[device]]\nname = \"eth*\"\nrps = \"off\"\n");
  auto file = (d.path() / "irqd.toml").string();
  auto r = run_irqd({"--check-config", "--config", file, "--root", root()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "configuration OK\n");
  EXPECT_NE(r.out.find("# read from: " + file + ", " + (d.path() / "conf.d/50-nic.toml").string()), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("policy = \"balanced\"\nbanned_cpus = \"3\"\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("[[device]]\nname = \"eth*\"\nrps = \"off\"\n"), std::string::npos) << r.out;
  // Options on the command line win over the files.
  auto o = run_irqd({"--check-config", "--config", file, "--root", root(), "--policy", "spread", "--interval", "2"});
  EXPECT_EQ(o.exit_code, 0) << o.err;
  EXPECT_NE(o.out.find("interval = 2.0\npolicy = \"spread\"\n"), std::string::npos) << o.out;
}

TEST_F(ConfigTest, CheckConfigListsEveryErrorAndExitsOne) {
  TempDir d;
  d.write("irqd.toml", "[daemon]\nintervall = 5\nbanned_cpus = \"0,64\"\n[balance]\nmax_moves = \"8\"\n");
  auto file = (d.path() / "irqd.toml").string();
  auto r = run_irqd({"--check-config", "--config", file, "--root", root()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, file + ":2:1: daemon.intervall: unknown key (did you mean 'interval'?)\n" + file +
                       ":3:15: daemon.banned_cpus: CPU 64 does not exist (expected CPUs of this machine: 0-11)\n" + file +
                       ":5:13: balance.max_moves: is a string (expected an integer from 1 to 100000)\n"
                       "configuration has errors\n");
  // The valid part is still shown, so the effect of the good lines can be checked.
  EXPECT_NE(r.out.find("banned_cpus = \"0,64\""), std::string::npos) << r.out;
}

TEST_F(ConfigTest, AMissingConfigFileIsAnError) {
  TempDir d;
  auto r = run_irqd({"--check-config", "--config", (d.path() / "irqd.toml").string()});
  EXPECT_EQ(r.exit_code, 1);  // a file named with --config must exist
  EXPECT_NE(r.err.find("does not exist (expected the configuration file given with --config)"), std::string::npos) << r.err;
}

TEST_F(ConfigTest, ABrokenFileIsFatalAtStart) {
  TempDir d;
  d.write("irqd.toml", "[daemon]\npolicy = \"nope\"\n");
  auto file = (d.path() / "irqd.toml").string();
  auto r = run_irqd({"--dry-run", "--oneshot", "--config", file, "--root", root()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(r.out.empty()) << r.out;
  EXPECT_EQ(r.err, "irqd: configuration has 1 error:\n" + file +
                       ":2:10: daemon.policy: unknown policy 'nope' (expected one of: spread, balanced)\n");
}

TEST_F(ConfigTest, RulesChangeThePlan) {
  TempDir d;
  d.write("irqd.toml", R"([[device]]
pci = "0000:01:00.*"
allowed_cpus = "4-5"

[[irq]]
name = "virtio1-output.*"
ignore = true
)");
  auto file = (d.path() / "irqd.toml").string();
  auto r = run_irqd({"--dry-run", "--oneshot", "--config", file, "--root", root(), "--format", "json"});
  ASSERT_EQ(r.exit_code, 2) << r.err;
  json j = json::parse(r.out);
  std::map<int, json> irqs;
  for (const auto& i : j["irqs"]) irqs[i["irq"].get<int>()] = i;
  EXPECT_EQ(irqs.at(69)["planned"], "4") << irqs.at(69);  // allowed_cpus of the device rule
  EXPECT_TRUE(irqs.at(70)["planned"].is_null()) << irqs.at(70);
  EXPECT_EQ(irqs.at(70)["reason"], "not placed: ignored by the [[irq]] rule at " + file + ":5:1");
}

}  // namespace
}  // namespace irqd::testing
