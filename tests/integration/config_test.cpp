// End to end: `irqd --check-config` on good and broken files, a broken file being fatal at start,
// configuration rules changing the real binary's plan on a captured root, [[irq]] rules that clash
// on the machine's IRQs, and command-line options held to the files' rules.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

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
  EXPECT_EQ(r.err, "warning: " + (d.path() / "conf.d/50-nic.toml").string() +
                       ":1:1: device: the rule matches no device on this host (devices here: virtio1)\n"
                       "configuration OK\n");
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
  // A banned CPU this host lacks is a warning (one file serves a fleet), not an error.
  EXPECT_EQ(r.err, file + ":2:1: daemon.intervall: unknown key (did you mean 'interval'?)\n" + file +
                       ":5:13: balance.max_moves: is a string (expected an integer from 1 to 100000)\n"
                       "warning: " + file + ":3:15: daemon.banned_cpus: CPU 64 does not exist on this host (its CPUs: "
                       "0-11): left out here\n"
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

// irqd.toml(5): "Two rules giving one IRQ different actions are an error". A rule by number and one
// by name glob can only be found to clash on the IRQs the machine has, so the check is made
// against its /proc/interrupts: --check-config reports it, naming both rules.
TEST_F(ConfigTest, ConflictingIrqRulesAreAnErrorNamingBothRules) {
  TempDir d;
  d.write("irqd.toml", R"([[irq]]
number = 70
pin = "2"

[[irq]]
name = "virtio1-*"
ignore = true
)");
  auto file = (d.path() / "irqd.toml").string();
  auto r = run_irqd({"--check-config", "--config", file, "--root", root()});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(r.err, file + ":5:1: irq.ignore: IRQ 70 (virtio1-output.0) conflicts with the rule at " + file +
                       ":1:1 (pin 2) (expected one action per IRQ)\nconfiguration has errors\n");

  // Two pins to different CPUs clash too, across files; the same pin twice does not.
  d.write("irqd.toml", "[[irq]]\nname = \"virtio1-input.*\"\npin = \"4\"\n");
  d.write("conf.d/10-pin.toml", "[[irq]]\nnumber = 69\npin = \"3\"\n\n[[irq]]\nnumber = 70\npin = \"5\"\n");
  d.write("conf.d/20-out.toml", "[[irq]]\nname = \"*-output.0\"\npin = \"5\"\n");
  auto drop_in = (d.path() / "conf.d/10-pin.toml").string();
  r = run_irqd({"--check-config", "--config", file, "--root", root()});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(r.err, drop_in + ":1:1: irq.pin: IRQ 69 (virtio1-input.0) conflicts with the rule at " + file +
                       ":1:1 (pin 4) (expected one action per IRQ)\nconfiguration has errors\n");

  // Two globs over the same IRQ with different actions.
  d.write("irqd.toml", "[[irq]]\nname = \"virtio1-*\"\nignore = true\n\n[[irq]]\nname = \"*-output.0\"\npin = \"2\"\n");
  std::filesystem::remove_all(d.path() / "conf.d");
  r = run_irqd({"--check-config", "--config", file, "--root", root()});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(r.err, file + ":5:1: irq.pin: IRQ 70 (virtio1-output.0) conflicts with the rule at " + file +
                       ":1:1 (ignore) (expected one action per IRQ)\nconfiguration has errors\n");
}

TEST_F(ConfigTest, ConflictingIrqRulesAreRefusedAtStart) {
  TempDir d;
  d.write("irqd.toml", "[[irq]]\nnumber = 70\npin = \"2\"\n\n[[irq]]\nname = \"virtio1-output.*\"\nignore = true\n");
  auto file = (d.path() / "irqd.toml").string();
  const std::string error = file + ":5:1: irq.ignore: IRQ 70 (virtio1-output.0) conflicts with the rule at " + file +
                            ":1:1 (pin 2) (expected one action per IRQ)\n";
  auto r = run_irqd({"--dry-run", "--oneshot", "--config", file, "--root", root()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(r.out.empty()) << r.out;
  EXPECT_EQ(r.err, "irqd: configuration has 1 error:\n" + error);
  std::string log = (d.path() / "irqd.log").string();
  Child daemon({std::getenv("IRQD_BINARY"), "--foreground", "--no-dbus", "--config", file, "--root", root(),
                "--run-dir", d.path().string(), "--state-dir", d.path().string()},
               log);
  EXPECT_EQ(daemon.wait(5000), 1) << read_text(log);
  EXPECT_EQ(read_text(log), "irqd: configuration has 1 error:\n" + error);
}

// The options that set what a file can set follow the file's rules: the same checks (CPU numbers
// against the machine included) and the same messages, naming the option instead of file:line.
TEST_F(ConfigTest, CommandLineOptionsFollowTheFilesRules) {
  struct Case {
    std::string option, value, file_text, file_key;
  };
  for (const auto& c : std::vector<Case>{
           {"--banned-cpus", "nod0", "[daemon]\nbanned_cpus = \"nod0\"\n", "daemon.banned_cpus"},
           {"--banned-cpus", "0-x", "[daemon]\nbanned_cpus = \"0-x\"\n", "daemon.banned_cpus"},
           {"--rps", "0-99", "[[device]]\nname = \"*\"\nrps = \"0-99\"\n", "device.rps"},
           {"--rps", "sometimes", "[[device]]\nname = \"*\"\nrps = \"sometimes\"\n", "device.rps"},
           {"--rfs", "on", "[[device]]\nname = \"*\"\nrfs = \"on\"\n", "device.rfs"},
           {"--xps", "all", "[[device]]\nname = \"*\"\nxps = \"all\"\n", "device.xps"},
           {"--policy", "nope", "[daemon]\npolicy = \"nope\"\n", "daemon.policy"},
           {"--log-level", "loud", "[daemon]\nlog_level = \"loud\"\n", "daemon.log_level"},
           {"--state-dir", "var/lib/irqd", "[daemon]\nstate_dir = \"var/lib/irqd\"\n", "daemon.state_dir"},
           {"--run-dir", "run", "[daemon]\nrun_dir = \"run\"\n", "daemon.run_dir"},
       }) {
    SCOPED_TRACE(c.option + " " + c.value);
    TempDir d;
    d.write("irqd.toml", c.file_text);
    auto file = (d.path() / "irqd.toml").string();
    auto from_file = run_irqd({"--check-config", "--config", file, "--root", root()});
    ASSERT_EQ(from_file.exit_code, 1) << from_file.err;
    // "FILE:L:C: KEY: what is wrong\n" -> "what is wrong"
    auto at = from_file.err.find(": " + c.file_key + ": ");
    ASSERT_NE(at, std::string::npos) << from_file.err;
    std::string what = from_file.err.substr(at + c.file_key.size() + 4);
    what = what.substr(0, what.find('\n'));

    d.write("irqd.toml", "");
    auto given = run_irqd({"--check-config", "--config", file, "--root", root(), c.option, c.value});
    EXPECT_EQ(given.exit_code, 1) << given.err;
    EXPECT_EQ(given.err, "command line: " + c.option + ": " + what + "\nconfiguration has errors\n");
  }
  // The machine has CPUs 0-11: --rps 0-99 is refused at start, not cut to 0-11.
  TempDir empty;
  empty.write("irqd.toml", "");
  auto r = run_irqd({"--dry-run", "--oneshot", "--root", root(), "--config", (empty.path() / "irqd.toml").string(),
                     "--rps", "0-99"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "irqd: configuration has 1 error:\ncommand line: --rps: CPUs 12-99 do not exist (expected CPUs of "
                   "this machine: 0-11)\n");
  // Valid values still win over the files.
  TempDir d;
  d.write("irqd.toml", "[daemon]\nbanned_cpus = \"3\"\npolicy = \"balanced\"\n");
  auto ok = run_irqd({"--check-config", "--config", (d.path() / "irqd.toml").string(), "--root", root(),
                      "--banned-cpus", "4-5", "--policy", "spread", "--rps", "2-3"});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_NE(ok.out.find("policy = \"spread\"\nbanned_cpus = \"4-5\"\n"), std::string::npos) << ok.out;
  EXPECT_NE(ok.out.find("rps = \"2-3\""), std::string::npos) << ok.out;
}

}  // namespace
}  // namespace irqd::testing
