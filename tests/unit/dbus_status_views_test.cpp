// GetStatus's further fields without a bus: counts named placed and kernel_managed, bans and
// configuration pins by origin, usable CPUs, the last change.
#include <gtest/gtest.h>

#include "irqd/dbus/status_views.hpp"
#include "topology/hwloc_loader.hpp"

namespace irqd::dbus {
namespace {

TEST(DbusStatusViews, BansPinsAndCountsByOrigin) {
  auto m = topology::load_synthetic("pack:1 numa:1 l3:1 core:4 pu:1");
  m.isolated = sysfs::CpuSet::parse_list("2");
  config::Config cfg;
  cfg.sources = {"/etc/irqd/irqd.toml"};
  cfg.banned_cpus = sysfs::CpuSet::parse_list("0");
  cfg.irq_pins[40] = sysfs::CpuSet::parse_list("1-2");
  cfg.queue_pins[config::QueueKey{"eth0", true, 1}] = sysfs::CpuSet::parse_list("3");
  Overrides o;
  o.banned_cpus = sysfs::CpuSet::parse_list("3");
  ChangeRecord c;
  c.time = std::chrono::system_clock::time_point(std::chrono::seconds(1700000000));
  c.subject = "IRQ 40";
  c.new_value = "1";
  More more;
  add_status_fields(StatusFacts{.placed = 5,
                                .kernel_managed = 2,
                                .uptime_seconds = 12.5,
                                .config = cfg,
                                .overrides = o,
                                .machine = &m,
                                .inventory = nullptr,
                                .last_change = c},
                    more);
  EXPECT_EQ(more.at("placed").get<std::uint32_t>(), 5u);
  EXPECT_EQ(more.at("kernel_managed").get<std::uint32_t>(), 2u);
  EXPECT_EQ(more.count("managed"), 0u);
  EXPECT_DOUBLE_EQ(more.at("uptime_seconds").get<double>(), 12.5);
  EXPECT_EQ(more.at("config_files").get<std::vector<std::string>>(),
            std::vector<std::string>{"/etc/irqd/irqd.toml"});
  EXPECT_EQ(more.at("banned_cpus_config").get<std::string>(), "0");
  EXPECT_EQ(more.at("banned_cpus_runtime").get<std::string>(), "3");
  EXPECT_EQ(more.at("usable_cpus").get<std::string>(), "1");  // 0, 3 banned; 2 isolated
  auto pins = more.at("config_irq_pins").get<std::map<std::uint32_t, std::string>>();
  EXPECT_EQ(pins.at(40), "1-2");
  auto queues =
      more.at("config_queue_pins").get<std::vector<sdbus::Struct<std::string, std::string, std::string>>>();
  ASSERT_EQ(queues.size(), 1u);
  EXPECT_EQ(queues[0].get<1>(), "rx-1");
  EXPECT_EQ(more.at("last_change_usec").get<std::uint64_t>(), 1700000000000000ull);
  EXPECT_EQ(more.at("last_change").get<std::string>(), "IRQ 40 -> 1");
}

TEST(DbusStatusViews, NoChangeYetLeavesTheLastChangeOut) {
  config::Config cfg;
  Overrides o;
  More more;
  add_status_fields(StatusFacts{.placed = 0,
                                .kernel_managed = 0,
                                .uptime_seconds = 0,
                                .config = cfg,
                                .overrides = o,
                                .machine = nullptr,
                                .inventory = nullptr,
                                .last_change = std::nullopt},
                    more);
  EXPECT_EQ(more.count("last_change"), 0u);
  EXPECT_EQ(more.count("usable_cpus"), 0u);
  EXPECT_EQ(more.at("config_files").get<std::vector<std::string>>().size(), 0u);
}

// CPUs /proc/irq/default_smp_affinity leaves out are not usable, unless the configuration says so.
TEST(DbusStatusViews, CpusOutsideDefaultSmpAffinityAreNotUsable) {
  auto m = topology::load_synthetic("pack:1 numa:1 l3:1 core:4 pu:1");
  m.outside_default_affinity = sysfs::CpuSet::parse_list("2-3");
  for (bool honour : {true, false}) {
    config::Config cfg;
    cfg.honour_default_smp_affinity = honour;
    Overrides o;
    More more;
    add_status_fields(StatusFacts{.placed = 0,
                                  .kernel_managed = 0,
                                  .uptime_seconds = 0,
                                  .config = cfg,
                                  .overrides = o,
                                  .machine = &m,
                                  .inventory = nullptr,
                                  .last_change = std::nullopt},
                      more);
    EXPECT_EQ(more.at("usable_cpus").get<std::string>(), honour ? "0-1" : "0-3");
  }
}

}  // namespace
}  // namespace irqd::dbus
