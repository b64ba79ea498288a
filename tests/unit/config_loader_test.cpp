// Configuration files: no file at all, conf.d merging and order, --config, size bounds, and the
// daemon keeping its configuration when a reload finds a broken file.
#include <gtest/gtest.h>

#include <fstream>

#include "config/command_line.hpp"
#include "config/loader.hpp"
#include "config/rules.hpp"
#include "irqd/daemon/config_files.hpp"
#include "irqd/daemon/daemon.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/support/synthetic_tree.hpp"

namespace irqd::config {
namespace {

using testing::TempDir;

LoadOptions options(const TempDir& d, bool required = false) {
  LoadOptions o;
  o.file = d.path() / "irqd.toml";
  o.file_required = required;
  o.read.policies = {"spread", "balanced"};
  return o;
}

// The one error of `r` as text ("" with a test failure when there is not exactly one).
std::string only_error(const LoadResult& r) {
  EXPECT_EQ(r.errors.size(), 1u) << r.error_text();
  return r.errors.size() == 1 ? r.errors[0].to_string() : "";
}

TEST(ConfigLoader, NoFileAtAllIsNoError) {
  TempDir d;
  auto r = load_files(options(d));
  EXPECT_TRUE(r.ok()) << r.error_text();
  EXPECT_TRUE(r.config.sources.empty());
  EXPECT_EQ(r.config.policy, Config{}.policy);
  EXPECT_NE(describe(r.config).find("no configuration file"), std::string::npos);
}

TEST(ConfigLoader, AMissingConfigGivenOnTheCommandLineIsAnError) {
  TempDir d;
  auto r = load_files(options(d, true));
  EXPECT_EQ(only_error(r),
            (d.path() / "irqd.toml").string() + ": does not exist (expected the configuration file given with --config)");
}

TEST(ConfigLoader, DropInsMergeInLexicalOrder) {
  TempDir d;
  d.write("irqd.toml", "[daemon]\ninterval = 5\npolicy = \"spread\"\nbanned_cpus = \"0\"\n[[device]]\nname = \"eth*\"\nrps = \"off\"\n");
  d.write("conf.d/20-late.toml", "[daemon]\npolicy = \"balanced\"\n[[device]]\nname = \"eth0\"\nrps = \"auto\"\n");
  d.write("conf.d/10-early.toml", "[daemon]\ninterval = 7\npolicy = \"spread\"\nbanned_cpus = \"2\"\n");
  d.write("conf.d/README", "not toml, ignored");
  d.write("conf.d/.hidden.toml", "garbage = = =");
  auto r = load_files(options(d));
  ASSERT_TRUE(r.ok()) << r.error_text();
  auto base = d.path().string();
  EXPECT_EQ(r.config.sources, (std::vector<std::string>{base + "/irqd.toml", base + "/conf.d/10-early.toml",
                                                        base + "/conf.d/20-late.toml"}));
  EXPECT_EQ(r.config.interval_seconds, 7.0);       // later values win
  EXPECT_EQ(r.config.policy, "balanced");
  EXPECT_EQ(r.config.banned_cpus.to_list(), "0,2");  // lists append
  ASSERT_EQ(r.config.device_rules.size(), 2u);       // rules append, in file order
  EXPECT_EQ(r.config.device_rules[0].name, "eth*");
  EXPECT_EQ(r.config.device_rules[1].name, "eth0");
}

TEST(ConfigLoader, ErrorsOfEveryFileAreCollectedInReadingOrder) {
  TempDir d;
  d.write("irqd.toml", "[daemon]\npolicy = \"x\"\n");
  d.write("conf.d/a.toml", "[balance]\nmax_moves = 0\n");
  d.write("conf.d/b.toml", "[[irq]]\nnumber = 1\npin = \"0\"\n");
  d.write("conf.d/c.toml", "[[irq]]\nnumber = 1\nignore = true\n");
  auto r = load_files(options(d));
  auto base = d.path().string();
  ASSERT_EQ(r.errors.size(), 3u) << r.error_text();
  EXPECT_TRUE(r.errors[0].to_string().starts_with(base + "/irqd.toml:2:10: daemon.policy: unknown policy 'x'"));
  EXPECT_EQ(r.errors[1].to_string(),
            base + "/conf.d/a.toml:2:13: balance.max_moves: 0 is out of range (expected an integer from 1 to 100000)");
  EXPECT_EQ(r.errors[2].to_string(), base + "/conf.d/c.toml:1:1: irq.ignore: IRQ 1 conflicts with the rule at " + base +
                                         "/conf.d/b.toml:1:1 (pin 0) (expected one action per IRQ)");
  EXPECT_THROW(require_valid(r), ConfigErrors);
  try {
    require_valid(r);
  } catch (const ConfigErrors& e) {
    EXPECT_EQ(e.errors().size(), 3u);
    EXPECT_TRUE(std::string(e.what()).starts_with("configuration has 3 errors:\n" + base + "/irqd.toml:2:10")) << e.what();
  }
}

TEST(ConfigLoader, TenMegabyteFileIsRefusedUnread) {
  TempDir d;
  {
    std::ofstream f(d.path() / "irqd.toml");
    std::string line = "# " + std::string(1021, 'x') + "\n";
    for (int i = 0; i < 10 * 1024; ++i) f << line;
  }
  auto r = load_files(options(d));
  EXPECT_EQ(only_error(r), (d.path() / "irqd.toml").string() +
                                         ": 10485760 bytes is too large (expected at most 1048576 bytes)");
}

TEST(ConfigLoader, LargestAcceptedFileParses) {
  TempDir d;
  std::string text = "[daemon]\ninterval = 5\n";
  while (text.size() + 40 < kMaxFileBytes) text += "[[irq]]\nnumber = 7\nignore = true\n";
  d.write("irqd.toml", text);
  auto r = load_files(options(d));
  EXPECT_TRUE(r.ok()) << r.error_text();
  EXPECT_EQ(r.config.interval_seconds, 5.0);
}

TEST(ConfigLoader, ADirectoryWhereAFileShouldBe) {
  TempDir d;
  std::filesystem::create_directories(d.path() / "conf.d/x.toml");
  auto r = load_files(options(d));
  EXPECT_EQ(only_error(r),
            (d.path() / "conf.d/x.toml").string() + ": is not a regular file (expected a TOML file)");
}

TEST(ConfigLoader, CpusAreCheckedAgainstThePlannedMachine) {
  TempDir d;
  d.write("irqd.toml", "[daemon]\nbanned_cpus = \"200\"\n[[irq]]\nnumber = 5\npin = \"200\"\n");
  irqd::ConfigSetup s;
  s.files = options(d);
  s.engine.topology_xml = testing::fixture("hwloc/" + testing::fixture_files("hwloc", ".xml").front());
  auto r = irqd::load_configuration(s);
  // A pin to a CPU the host lacks is an error; a banned one a warning.
  EXPECT_TRUE(only_error(r).starts_with((d.path() / "irqd.toml").string() +
                                                  ":5:7: irq.pin: CPU 200 does not exist (expected CPUs of this machine: "))
      << r.error_text();
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_TRUE(r.warnings[0].to_string().starts_with((d.path() / "irqd.toml").string() +
                                                    ":2:15: daemon.banned_cpus: CPU 200 does not exist on this host (its CPUs: "))
      << r.warnings[0].to_string();
}

TEST(ConfigLoader, CommandLineWinsOverFiles) {
  TempDir d;
  d.write("irqd.toml", "[daemon]\npolicy = \"balanced\"\n[[device]]\nname = \"eth0\"\nrps = \"off\"\nrfs = \"off\"\n");
  irqd::ConfigSetup s;
  s.files = options(d);
  s.command_line = [](LoadResult& lr) { apply_command_line({{"--policy", "spread"}, {"--rps", "auto"}}, {}, lr); };
  auto r = irqd::load_configuration(s);
  ASSERT_TRUE(r.ok()) << r.error_text();
  EXPECT_EQ(r.config.policy, "spread");
  EXPECT_FALSE(r.config.device_rules[0].set.rps);            // --rps took it out of the rule
  EXPECT_EQ(r.config.device_rules[0].set.rfs, RfsMode::kOff);  // what the option does not name stays
  s.command_line = [](LoadResult& lr) { apply_command_line({{"--rps", "x"}}, {}, lr); };
  r = irqd::load_configuration(s);
  EXPECT_EQ(only_error(r), "command line: --rps: 'x' is not valid (expected auto, off or a cpulist such as \"0-3,8\")");
}

TEST(ConfigReload, ABrokenFileKeepsTheRunningConfiguration) {
  TempDir d;
  d.write("irqd.toml", "[daemon]\npolicy = \"balanced\"\nbanned_cpus = \"1\"\n");
  irqd::ConfigSetup s;
  s.files = options(d, true);
  irqd::Daemon daemon(irqd::DaemonOptions{}, require_valid(irqd::load_configuration(s)));
  daemon.set_reloader([s] { return require_valid(irqd::load_configuration(s)); });
  std::vector<std::pair<bool, std::string>> outcomes;
  daemon.on_reload([&](bool ok, const std::string& e) { outcomes.emplace_back(ok, e); });

  d.write("irqd.toml", "[daemon]\npolicy = \"spread\"\nbanned_cpus = \"1\"\ninterval = -1\n");
  std::string error = daemon.reload();
  EXPECT_NE(error.find((d.path() / "irqd.toml").string() + ":4:12: daemon.interval: -1 is out of range"), std::string::npos)
      << error;
  EXPECT_EQ(daemon.config().policy, "balanced");  // the old configuration stays
  ASSERT_EQ(outcomes.size(), 1u);
  EXPECT_FALSE(outcomes[0].first);

  d.write("irqd.toml", "[daemon]\npolicy = \"spread\"\n");
  EXPECT_EQ(daemon.reload(), "");
  EXPECT_EQ(daemon.config().policy, "spread");
  EXPECT_TRUE(daemon.config().banned_cpus.empty());
  EXPECT_TRUE(outcomes.back().first);
}

TEST(ConfigReload, TheTopologyIsLoadedOnceAtStartAndOncePerReload) {
  // The files name CPUs, so they are checked against the machine: the check and the daemon share
  // one model (not one load to check and another to plan), at start and at every reload.
  testing::SyntheticTree t{4};
  t.add_nic({.name = "eth0", .pci = "0000:03:00.0", .rx = 1, .tx = 1, .msi_irqs = {101}});
  t.add_irq({101, "eth0-TxRx-0", "0"});
  t.finish();
  t.dir().write("proc/stat", "cpu  4 0 4 40 0 0 0 0 0 0\ncpu0 1 0 1 10 0 0 0 0 0 0\ncpu1 1 0 1 10 0 0 0 0 0 0\n"
                             "cpu2 1 0 1 10 0 0 0 0 0 0\ncpu3 1 0 1 10 0 0 0 0 0 0\n");
  TempDir d;
  d.write("irqd.toml", "[daemon]\npolicy = \"spread\"\nbanned_cpus = \"1\"\n");
  irqd::ConfigSetup s;
  s.files = options(d, true);
  s.engine.root = t.root();
  s.engine.use_netlink = false;
  s.engine.topology_xml = testing::fixture("hwloc/derived/1s-intel-i7-7600u-2c4t-laptop.from-cpuid-dump.xml");
  const auto before = irqd::machine_loads();
  std::shared_ptr<const topology::Machine> machine;
  s.machine = [&] {
    if (!machine)
      machine = std::make_shared<const topology::Machine>(irqd::load_machine(sysfs::SysRoot(t.root()), s.engine));
    return machine;
  };
  Config cfg = require_valid(irqd::load_configuration(s));
  cfg.run_dir = (t.root() / "run/irqd").string();
  irqd::DaemonOptions o;
  o.engine = s.engine;
  o.dry_run = true;
  o.machine = machine;
  irqd::Daemon daemon(o, cfg);
  daemon.cycle();
  daemon.cycle();
  EXPECT_EQ(irqd::machine_loads() - before, 1u);  // the check's model planned both cycles

  s.machine = [&daemon] { return daemon.ensure_machine(); };
  daemon.set_reloader([s] { return require_valid(irqd::load_configuration(s)); });
  d.write("irqd.toml", "[daemon]\npolicy = \"spread\"\nbanned_cpus = \"2\"\n");
  ASSERT_EQ(daemon.reload(), "");
  daemon.cycle();
  EXPECT_EQ(irqd::machine_loads() - before, 2u);  // one load for the reload's check and its cycle
  EXPECT_EQ(daemon.config().banned_cpus.to_list(), "2");
}

}  // namespace
}  // namespace irqd::config
