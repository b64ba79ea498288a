// End to end: `irqd --import-irqbalance FILE` on irqbalance's shipped and hand-written files
// (tests/fixtures/irqbalance) prints a drop-in that `irqd --check-config` accepts from conf.d on a
// captured root and whose settings are in effect; a malformed file is exit 1 naming file:line;
// a hex mask where irqd wants a cpulist gets the cpulist as a hint.
#include <gtest/gtest.h>

#include <string>

#include "tests/integration/run_process.hpp"
#include "tests/support/fixtures.hpp"

namespace irqd::testing {
namespace {

class ImportIrqbalanceTest : public ::testing::Test {
 protected:
  ExtractedTree tree_{"nto-sno-12vcpu-kvm-virtio"};  // 12 CPUs: 0-11
};

TEST_F(ImportIrqbalanceTest, EveryFixtureRoundTripsThroughCheckConfig) {
  for (const char* name : {"debian-12-default", "fedora-sysconfig", "housekeeping-cpus"}) {
    auto imported = run_irqd({"--import-irqbalance", fixture(std::string("irqbalance/") + name).string()});
    ASSERT_EQ(imported.exit_code, 0) << imported.err;
    EXPECT_EQ(imported.err, "");
    TempDir d;
    d.write("irqd.toml", "");
    d.write("conf.d/50-irqbalance.toml", imported.out);
    auto r = run_irqd({"--check-config", "--config", (d.path() / "irqd.toml").string(), "--root", tree_.root().string()});
    EXPECT_EQ(r.exit_code, 0) << name << "\n" << r.err << imported.out;
    EXPECT_EQ(r.err, "configuration OK\n");
    if (std::string(name) == "housekeeping-cpus") {  // in effect: --check-config prints it
      EXPECT_NE(r.out.find("interval = 5.0"), std::string::npos) << r.out;
      EXPECT_NE(r.out.find("banned_cpus = \"0-1,6-7\""), std::string::npos) << r.out;
      EXPECT_NE(r.out.find("[[irq]]\nnumber = 45\nignore = true\n"), std::string::npos) << r.out;
    }
  }
}

TEST_F(ImportIrqbalanceTest, CpusOfAnotherMachineAreAWarningOfCheckConfig) {
  auto imported = run_irqd({"--import-irqbalance", fixture("irqbalance/tuned-mask").string()});
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  TempDir d;
  d.write("irqd.toml", "");
  d.write("conf.d/50-irqbalance.toml", imported.out);
  auto r = run_irqd({"--check-config", "--config", (d.path() / "irqd.toml").string(), "--root", tree_.root().string()});
  // Fleet-safe: CPUs this host lacks are a warning naming its CPUs, not an error.
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("warning: "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("50-irqbalance.toml:9:15: daemon.banned_cpus: CPUs 12-15,34-47 do not exist on this host "
                       "(its CPUs: 0-11): left out here"),
            std::string::npos)
      << r.err << imported.out;
}

TEST_F(ImportIrqbalanceTest, AMalformedFileIsAnErrorNamingTheLine) {
  TempDir d;
  d.write("irqbalance", "# site settings\nIRQBALANCE_BANNED_CPUS=0-3\n");
  auto file = (d.path() / "irqbalance").string();
  auto r = run_irqd({"--import-irqbalance", file});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "irqd: " + file + ":2: IRQBALANCE_BANNED_CPUS: cpumask '0-3': '-' is not a hex digit (expected a hex "
                                     "CPU mask such as \"f\" or \"ff,00000000\")\n");
  auto missing = run_irqd({"--import-irqbalance", (d.path() / "nope").string()});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_EQ(missing.err, "irqd: " + (d.path() / "nope").string() + ": cannot be read\n");
}

// irqbalance's habit of hex masks on irqd's command line and in its files: a hint with the cpulist.
TEST_F(ImportIrqbalanceTest, HexMasksGetACpulistHint) {
  TempDir d;
  d.write("irqd.toml", "[daemon]\nbanned_cpus = \"ff,ffffffff\"\n");
  auto file = (d.path() / "irqd.toml").string();
  auto r = run_irqd({"--check-config", "--config", file, "--root", tree_.root().string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, file + ":2:15: daemon.banned_cpus: cpulist 'ff,ffffffff': looks like a hex CPU mask; irqd takes "
                          "CPU lists: \"0-39\" (expected a cpulist such as \"0-3,8\" or items all, nodeN, packageN, "
                          "first-of-each-node, smt-siblings-of:N)\nconfiguration has errors\n");
  d.write("irqd.toml", "");
  auto o = run_irqd({"--dry-run", "--oneshot", "--config", file, "--root", tree_.root().string(), "--banned-cpus", "0x3"});
  EXPECT_EQ(o.exit_code, 1);
  EXPECT_EQ(o.err, "irqd: configuration has 1 error:\ncommand line: --banned-cpus: cpulist '0x3': looks like a hex CPU "
                   "mask; irqd takes CPU lists: \"0-1\" (expected a cpulist such as \"0-3,8\" or items all, nodeN, "
                   "packageN, first-of-each-node, smt-siblings-of:N)\n");
}

}  // namespace
}  // namespace irqd::testing
