// irqctl's truthful status views (issue #16): status names its counts placed and kernel-managed,
// shows bans and pins by origin and the last change; overrides mark each pin's origin; pin prints
// the daemon's warnings.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "irqd/irqctl/json_views.hpp"
#include "irqd/irqctl/text_views.hpp"

namespace irqd::irqctl {
namespace {

Status full_status() {
  Status s;
  s.version = "0.1.0";
  s.policy = "balanced";
  s.interval_seconds = 10;
  s.cycles = 7;
  s.placed = 32;
  s.unchangeable = 4;
  s.uptime_seconds = 3723;
  s.config_files = {"/etc/irqd/irqd.toml", "/etc/irqd/irqd.d/10-pins.toml"};
  s.usable_cpus = "1-2,4-7";
  s.banned_config = "0";
  s.banned_runtime = "3";
  s.last_change_usec = 1765106403000000ull;  // 2025-12-07 11:20:03 UTC
  s.last_change = "IRQ 38 (eth0 rx-0) -> 2";
  s.config_irq_pins = 2;
  s.config_queue_pins = 0;
  s.runtime_irq_pins = 1;
  s.runtime_queue_pins = 1;
  return s;
}

TEST(IrqctlStatus, TextSaysPlacedAndKernelManagedNeverManagedAlone) {
  std::string t = status_text(full_status());
  EXPECT_NE(t.find("uptime:        1h 02m 03s\n"), std::string::npos) << t;
  EXPECT_NE(t.find("config files:  /etc/irqd/irqd.toml, /etc/irqd/irqd.d/10-pins.toml\n"),
            std::string::npos) << t;
  EXPECT_NE(t.find("usable CPUs:   1-2,4-7\n"), std::string::npos) << t;
  EXPECT_NE(t.find("banned CPUs:   0 (configuration), 3 (run time)\n"), std::string::npos) << t;
  EXPECT_NE(t.find("pins:          2 IRQs, 0 queues (configuration), 1 IRQ, 1 queue (run time)\n"),
            std::string::npos) << t;
  EXPECT_NE(t.find("IRQs:          32 placed by irqd, 4 kernel-managed, 0 failed writes\n"),
            std::string::npos) << t;
  EXPECT_NE(t.find("last change:   2025-12-07 11:20:03 UTC  IRQ 38 (eth0 rx-0) -> 2\n"),
            std::string::npos) << t;
  EXPECT_EQ(t.find(" managed"), std::string::npos) << t;
}

TEST(IrqctlStatus, TextWithoutAChangeOrBansSaysSo) {
  Status s = full_status();
  s.last_change_usec.reset();
  s.banned_config = s.banned_runtime = "";
  s.config_files.clear();
  std::string t = status_text(s);
  EXPECT_NE(t.find("last change:   (none since start)\n"), std::string::npos) << t;
  EXPECT_NE(t.find("banned CPUs:   (none)\n"), std::string::npos) << t;
  EXPECT_NE(t.find("config files:  (none: built-in defaults)\n"), std::string::npos) << t;
}

TEST(IrqctlStatus, JsonRenamesManagedToPlacedAndAddsKernelManaged) {
  auto j = status_json(full_status());
  EXPECT_FALSE(j.contains("managed"));
  EXPECT_EQ(j["placed"], 32);
  EXPECT_EQ(j["kernel_managed"], 4);
  EXPECT_DOUBLE_EQ(j["uptime_seconds"].get<double>(), 3723.0);
  EXPECT_EQ(j["config_files"].size(), 2u);
  EXPECT_EQ(j["usable_cpus"], "1-2,4-7");
  EXPECT_EQ(j["banned_cpus"]["config"], "0");
  EXPECT_EQ(j["banned_cpus"]["runtime"], "3");
  EXPECT_EQ(j["pins"]["config"]["irqs"], 2);
  EXPECT_EQ(j["pins"]["runtime"]["queues"], 1);
  EXPECT_EQ(j["last_change"]["subject"], "IRQ 38 (eth0 rx-0) -> 2");
}

TEST(IrqctlStatus, JsonFromAnOlderDaemonHasNullsNotZeros) {
  Status s;
  s.placed = 3;
  auto j = status_json(s);
  EXPECT_TRUE(j["uptime_seconds"].is_null());
  EXPECT_TRUE(j["usable_cpus"].is_null());
  EXPECT_TRUE(j["pins"]["config"]["irqs"].is_null());
  EXPECT_TRUE(j["last_change"].is_null());
}

Overrides mixed_overrides() {
  Overrides o;
  o.irq_pins = {{38, "1"}};
  o.banned_cpus = "3";
  o.config_known = true;
  o.config_irq_pins = {{38, "0-1"}, {39, "2"}};
  o.config_queue_pins = {{"eth0", "rx-0", "0-1"}};
  o.config_banned_cpus = "0";
  return o;
}

TEST(IrqctlOverrides, TextMarksEachPinAndBanWithItsOrigin) {
  std::string t = overrides_text(mixed_overrides());
  EXPECT_NE(t.find("banned CPUs: 0 (configuration), 3 (run time)\n"), std::string::npos) << t;
  EXPECT_NE(t.find(" 38  0-1   configuration (replaced at run time)"), std::string::npos) << t;
  EXPECT_NE(t.find(" 39  2     configuration\n"), std::string::npos) << t;
  EXPECT_NE(t.find(" 38  1     run time"), std::string::npos) << t;
  EXPECT_NE(t.find("eth0    rx-0   0-1   configuration"), std::string::npos) << t;
  EXPECT_EQ(t.find("no pins"), std::string::npos) << t;
}

TEST(IrqctlOverrides, ConfigurationPinsAloneAreNotNoPins) {
  Overrides o;
  o.config_known = true;
  o.config_irq_pins = {{40, "5"}};
  o.config_banned_cpus = "0";
  std::string t = overrides_text(o);
  EXPECT_NE(t.find("banned CPUs: 0 (configuration)\n"), std::string::npos) << t;
  EXPECT_NE(t.find("configuration"), std::string::npos) << t;
  EXPECT_EQ(t.find("no pins"), std::string::npos) << t;
}

TEST(IrqctlOverrides, JsonGivesEachPinItsOrigin) {
  auto j = overrides_json(mixed_overrides());
  ASSERT_EQ(j["irq_pins"].size(), 3u);
  EXPECT_EQ(j["irq_pins"][0]["origin"], "config");
  EXPECT_EQ(j["irq_pins"][2]["origin"], "runtime");
  EXPECT_EQ(j["queue_pins"][0]["origin"], "config");
  EXPECT_EQ(j["banned_cpus"]["runtime"], "3");
  EXPECT_EQ(j["banned_cpus"]["config"], "0");
}

TEST(IrqctlPin, ReplyListsEachWarning) {
  std::string t = pin_text(38, "4", {"CPUs 4 are off eth0's NUMA node 0 (its CPUs: 0-3)"});
  EXPECT_EQ(t,
            "IRQ 38 pinned to CPUs 4 from the next cycle (undo: irqctl unpin 38)\n"
            "warning: CPUs 4 are off eth0's NUMA node 0 (its CPUs: 0-3)\n");
}

}  // namespace
}  // namespace irqd::irqctl
