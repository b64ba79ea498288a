// Truthful status (issue #16) against the real daemon: with a configuration that bans CPU 0 and
// pins two IRQs, irqctl status names its counts placed and kernel-managed and shows the bans and
// pins by origin, irqctl overrides lists the configuration's pins, irqctl config prints the
// configuration, and irqctl pin warns of a pin onto a banned CPU or onto other IRQs' CPUs.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/integration/irqctl_daemon_fixture.hpp"

namespace irqd::testing {
namespace {

class IrqctlStatusDaemonTest : public IrqctlDaemonTest {
 protected:
  void SetUp() override {
    IrqctlDaemonTest::SetUp();
    daemon_.reset();
    config_.write("irqd.toml",
                  "[daemon]\nbanned_cpus = \"0\"\n\n[[irq]]\nnumber = 201\npin = \"3\"\n\n"
                  "[[irq]]\nnumber = 202\npin = \"2-3\"\n");
    start_daemon({"--config", config_file()});
  }
  std::string config_file() const { return (config_.path() / "irqd.toml").string(); }
  TempDir config_;
};

TEST_F(IrqctlStatusDaemonTest, StatusSaysPlacedAndKernelManagedAndShowsOrigins) {
  auto s = run_irqctl({"status"});
  ASSERT_EQ(s.exit_code, 0) << describe(s);
  EXPECT_NE(s.out.find("config files:  " + config_file() + "\n"), std::string::npos) << s.out;
  EXPECT_NE(s.out.find("usable CPUs:   1-3\n"), std::string::npos) << s.out;
  EXPECT_NE(s.out.find("banned CPUs:   0 (configuration)\n"), std::string::npos) << s.out;
  EXPECT_NE(s.out.find("pins:          2 IRQs, 0 queues (configuration), 0 IRQs, 0 queues (run time)"),
            std::string::npos)
      << s.out;
  EXPECT_NE(s.out.find("placed by irqd, 0 kernel-managed"), std::string::npos) << s.out;
  EXPECT_EQ(s.out.find(" managed"), std::string::npos) << s.out;
  EXPECT_NE(s.out.find("uptime:"), std::string::npos) << s.out;
  EXPECT_NE(s.out.find("last change:   "), std::string::npos) << s.out;

  auto j = nlohmann::json::parse(run_irqctl({"status", "--json"}).out);
  EXPECT_FALSE(j.contains("managed")) << j.dump(2);
  EXPECT_EQ(j["placed"], 4) << j.dump(2);
  EXPECT_EQ(j["kernel_managed"], 0) << j.dump(2);
  EXPECT_EQ(j["banned_cpus"]["config"], "0");
  EXPECT_EQ(j["banned_cpus"]["runtime"], "");
  EXPECT_EQ(j["pins"]["config"]["irqs"], 2);
  EXPECT_EQ(j["config_files"][0], config_file());
  EXPECT_GT(j["uptime_seconds"].get<double>(), 0.0);
  // The first cycles move IRQs off CPU 0 (banned): the history ring has a last change.
  EXPECT_FALSE(j["last_change"].is_null()) << j.dump(2);
}

TEST_F(IrqctlStatusDaemonTest, OverridesListConfigurationPinsAndBansWithTheirOrigin) {
  auto o = run_irqctl({"overrides"});
  ASSERT_EQ(o.exit_code, 0) << describe(o);
  EXPECT_NE(o.out.find("banned CPUs: 0 (configuration)\n"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("201  3     configuration"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("202  2-3   configuration"), std::string::npos) << o.out;
  EXPECT_EQ(o.out.find("no pins"), std::string::npos) << o.out;

  ASSERT_EQ(run_irqctl({"pin", "201", "2"}).exit_code, 0);
  auto j = nlohmann::json::parse(run_irqctl({"overrides", "--json"}).out);
  ASSERT_EQ(j["irq_pins"].size(), 3u) << j.dump(2);
  EXPECT_EQ(j["irq_pins"][0]["origin"], "config");
  EXPECT_EQ(j["irq_pins"][2]["irq"], 201);
  EXPECT_EQ(j["irq_pins"][2]["origin"], "runtime");
  EXPECT_EQ(j["banned_cpus"]["config"], "0");
  auto t = run_irqctl({"overrides"});
  EXPECT_NE(t.out.find("configuration (replaced at run time)"), std::string::npos) << t.out;
}

TEST_F(IrqctlStatusDaemonTest, ConfigPrintsTheConfigurationInEffect) {
  auto c = run_irqctl({"config"});
  ASSERT_EQ(c.exit_code, 0) << describe(c);
  EXPECT_NE(c.out.find("banned_cpus = \"0\""), std::string::npos) << c.out;
  EXPECT_NE(c.out.find("201"), std::string::npos) << c.out;
  // The same text irqd --check-config prints for the file.
  auto check = run_process({required_env("IRQD_BINARY"), "--check-config", "--config",
                            config_file(), "--root", tree_.root().string()});
  EXPECT_NE(check.out.find(c.out.substr(0, c.out.find('\n'))), std::string::npos) << check.out;
  auto j = nlohmann::json::parse(run_irqctl({"config", "--json"}).out);
  EXPECT_EQ(j["config"].get<std::string>(), c.out);
}

TEST_F(IrqctlStatusDaemonTest, PinWarnsOfABannedCpuAndOfOtherIrqsThere) {
  auto p = run_irqctl({"pin", "101", "0"});
  ASSERT_EQ(p.exit_code, 0) << describe(p);
  EXPECT_NE(p.out.find("IRQ 101 pinned to CPUs 0"), std::string::npos) << p.out;
  EXPECT_NE(p.out.find("warning: CPUs 0 are banned"), std::string::npos) << p.out;

  // CPUs 1-2 hold the unpinned IRQs 101 and 102 (0 is banned, 201 and 202 are pinned to 3 and
  // 2-3): pinning 201 there may move them; IRQ 202, pinned, is not named.
  auto q = run_irqctl({"pin", "201", "1-2", "--json"});
  ASSERT_EQ(q.exit_code, 0) << describe(q);
  auto j = nlohmann::json::parse(q.out);
  EXPECT_EQ(j["ok"], true);
  ASSERT_FALSE(j["warnings"].empty()) << q.out;
  const std::string w = j["warnings"].back().get<std::string>();
  EXPECT_NE(w.find("the next cycle may move"), std::string::npos) << q.out;
  EXPECT_EQ(w.find("202"), std::string::npos) << q.out;
}

}  // namespace
}  // namespace irqd::testing
