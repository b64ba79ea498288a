// irqctl's text and JSON views: what a person and a script see for status, irqs, devices, plan and
// overrides, from typed values (no bus).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "irqd/irqctl/json_views.hpp"
#include "irqd/irqctl/table.hpp"
#include "irqd/irqctl/text_views.hpp"

namespace irqd::irqctl {
namespace {

Status sample_status() {
  return Status{.version = "0.1.0",
                .policy = "spread",
                .interval_seconds = 10,
                .cycles = 42,
                .last_cycle_ms = 3.25,
                .placed = 12,
                .unchangeable = 1,
                .failed = 0,
                .last_error = "",
                .dry_run = false};
}

std::vector<Irq> sample_irqs() {
  return {Irq{.number = 38,
              .name = "virtio2-input.0",
              .device = "eth0",
              .queue = "rx-0",
              .irq_class = "rx",
              .numa_node = 0,
              .current = "0-1",
              .planned = "0",
              .effective_cpu = 1,
              .rate = 1234.4,
              .cost = 0.12,
              .share = 0.75,
              .pinned = true,
              .managed = false,
              .load_source = "packets"},
          Irq{.number = 24,
              .name = "nvme0q1",
              .device = "",
              .queue = "",
              .irq_class = "other",
              .numa_node = -1,
              .current = "0",
              .planned = "0",
              .effective_cpu = -1,
              .rate = 0,
              .cost = 0,
              .share = 0,
              .pinned = false,
              .managed = true}};
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (std::size_t nl; (nl = text.find('\n', start)) != std::string::npos; start = nl + 1) {
    out.push_back(text.substr(start, nl - start));
  }
  return out;
}

TEST(IrqctlTable, AlignsColumnsAndRightAlignsNumbers) {
  Table t({"IRQ", "NAME"}, {Table::Align::kRight});
  t.add_row({"7", "short"});
  t.add_row({"1234", "x"});
  EXPECT_EQ(t.render(), " IRQ  NAME\n   7  short\n1234  x\n");
}

TEST(IrqctlTable, CountsUtf8CharactersNotBytesAndDropsTrailingSpaces) {
  Table t({"A", "B"});
  t.add_row({"µs", ""});
  t.add_row({"abc", "d"});
  EXPECT_EQ(t.render(), "A    B\nµs\nabc  d\n");
}

TEST(IrqctlTable, RefusesRowsWiderThanTheHeader) {
  Table t({"A"});
  EXPECT_THROW(t.add_row({"1", "2"}), std::logic_error);
}

TEST(IrqctlText, StatusNamesPolicyCyclesAndCounts) {
  std::string text = status_text(sample_status());
  EXPECT_NE(text.find("irqd 0.1.0\n"), std::string::npos) << text;
  EXPECT_NE(text.find("policy:        spread"), std::string::npos) << text;
  EXPECT_NE(text.find("42 (last took 3.25 ms)"), std::string::npos) << text;
  EXPECT_NE(text.find("12 placed by irqd, 1 kernel-managed, 0 failed writes"), std::string::npos)
      << text;
  EXPECT_EQ(text.find(" managed"), std::string::npos) << text;
  EXPECT_NE(text.find("last cycle:    ok"), std::string::npos) << text;
}

TEST(IrqctlText, StatusShowsTheLastErrorAndDryRun) {
  Status s = sample_status();
  s.last_error = "/proc/interrupts:3: torn line";
  s.dry_run = true;
  std::string text = status_text(s);
  EXPECT_NE(text.find("error: /proc/interrupts:3: torn line"), std::string::npos) << text;
  EXPECT_NE(text.find("dry run"), std::string::npos) << text;
}

TEST(IrqctlText, IrqsTableHasOneRowPerIrqWithDashesForUnknowns) {
  auto l = lines(irqs_text(sample_irqs()));
  ASSERT_EQ(l.size(), 4u);
  EXPECT_EQ(l[0], "IRQs (2)");
  EXPECT_EQ(l[1].substr(0, 3), "IRQ");
  EXPECT_NE(l[2].find("eth0"), std::string::npos);
  EXPECT_NE(l[2].find("rx-0"), std::string::npos);
  EXPECT_NE(l[2].find("1234"), std::string::npos);
  EXPECT_NE(l[2].find("12.0%  pkts"), std::string::npos) << l[2];  // CPU% (cost), BY
  EXPECT_NE(l[2].find("75.0%"), std::string::npos) << l[2];  // SHARE
  EXPECT_NE(l[2].find("pinned"), std::string::npos);
  EXPECT_NE(l[2].find("virtio2-input.0"), std::string::npos);
  // The nvme IRQ: no device, no node, no CPU; planned == current shows "(=)".
  EXPECT_NE(l[3].find("(=)"), std::string::npos) << l[3];
  EXPECT_NE(l[3].find("kernel-managed"), std::string::npos) << l[3];
  EXPECT_NE(l[3].find("  -  "), std::string::npos) << l[3];
}

TEST(IrqctlText, DevicesListsDevicesAndTheirQueueKnobs) {
  std::vector<Device> devs{Device{.name = "eth0",
                                  .driver = "virtio_net",
                                  .pci = "0000:00:03.0",
                                  .numa_node = -1,
                                  .rx_queues = 1,
                                  .tx_queues = 1,
                                  .policy = "spread",
                                  .queues = {Queue{.name = "rx-0",
                                                   .irq = 38,
                                                   .rps_cpus = "1",
                                                   .rps_flow_cnt = 32768,
                                                   .xps_cpus = "",
                                                   .xps_rxqs = "",
                                                   .napi = Napi{.id = 8193,
                                                                .defer_hard_irqs = 7,
                                                                .gro_flush_timeout = 20000,
                                                                .irq_suspend_timeout = 0,
                                                                .threaded = true,
                                                                .thread_cpus = "3"}},
                                             Queue{.name = "tx-0",
                                                   .irq = -1,
                                                   .rps_cpus = "",
                                                   .rps_flow_cnt = 0,
                                                   .xps_cpus = "0",
                                                   .xps_rxqs = ""}}}};
  std::string text = devices_text(devs);
  EXPECT_NE(text.find("Network devices (1)"), std::string::npos) << text;
  EXPECT_NE(text.find("virtio_net"), std::string::npos) << text;
  EXPECT_NE(text.find("Queues (2)"), std::string::npos) << text;
  auto l = lines(text);
  auto row = [&](const std::string& q) {
    for (const auto& x : l) {
      if (x.rfind("eth0", 0) == 0 && x.find(" " + q + " ") != std::string::npos) return x;
    }
    return std::string();
  };
  EXPECT_NE(row("rx-0").find("32768"), std::string::npos) << text;
  EXPECT_NE(row("tx-0").find(" -  "), std::string::npos) << text;  // no IRQ of its own
  EXPECT_NE(row("tx-0").find(" 0  "), std::string::npos) << text;  // xps_cpus
  // The NAPI serving rx-0 with the values the kernel reports and where its kthread runs.
  EXPECT_NE(row("rx-0").find("8193"), std::string::npos) << text;
  EXPECT_NE(row("rx-0").find("20000"), std::string::npos) << text;
  EXPECT_NE(row("rx-0").find("cpus 3"), std::string::npos) << text;
  const auto j = devices_json(devs);
  EXPECT_EQ(j["devices"][0]["queues"][0]["napi"]["current"]["defer_hard_irqs"], 7) << j.dump();
  EXPECT_EQ(j["devices"][0]["queues"][0]["napi"]["current"]["thread_cpus"], "3") << j.dump();
  EXPECT_TRUE(j["devices"][0]["queues"][1]["napi"].is_null()) << j.dump();

  // Without NAPIs (no netdev genetlink) the NAPI columns go: the table fits 80 columns.
  devs[0].queues[0].napi = Napi{};
  const std::string plain = devices_text(devs);
  EXPECT_EQ(plain.find("NAPI"), std::string::npos) << plain;
  for (const auto& x : lines(plain)) EXPECT_LE(x.size(), 80u) << x;
}

TEST(IrqctlText, EmptyPlanSaysNothingWouldChange) {
  EXPECT_EQ(plan_text({}), "The plan matches what the kernel has now: nothing would change.\n");
  std::string text = plan_text({Change{.kind = "affinity",
                                       .subject = "irq 38",
                                       .path = "proc/irq/38/smp_affinity_list",
                                       .current = "0-1",
                                       .planned = "0"}});
  EXPECT_NE(text.find("Planned changes (1)"), std::string::npos);
  EXPECT_NE(text.find("affinity  irq 38   0-1      0"), std::string::npos) << text;
}

TEST(IrqctlText, OverridesListEachKind) {
  EXPECT_EQ(overrides_text({}),
            "banned CPUs: (none)\nno pins, no per-device policies and no NAPI settings\n");
  Overrides o{.irq_pins = {{38, "1"}},
              .queue_pins = {{"eth0", "rx-0", "0-1"}},
              .banned_cpus = "3",
              .device_policies = {{"eth0", "balanced"}}};
  std::string text = overrides_text(o);
  EXPECT_NE(text.find("banned CPUs: 3"), std::string::npos) << text;
  EXPECT_NE(text.find("IRQ pins"), std::string::npos) << text;
  EXPECT_NE(text.find("eth0    rx-0   0-1"), std::string::npos) << text;
  EXPECT_NE(text.find("eth0    balanced"), std::string::npos) << text;
}

TEST(IrqctlJson, StatusHasSchemaAndNullForNoError) {
  auto j = status_json(sample_status());
  EXPECT_EQ(j["schema"], 2);
  EXPECT_EQ(j["policy"], "spread");
  EXPECT_EQ(j["cycles"], 42);
  EXPECT_TRUE(j["last_error"].is_null());
  EXPECT_EQ(j["kernel_managed"], 1);
  EXPECT_FALSE(j.contains("unchangeable"));  // schema 2: one name, kernel_managed
}

TEST(IrqctlJson, IrqsUseNullForUnknownNodeCpuDeviceAndQueue) {
  auto j = irqs_json(sample_irqs());
  ASSERT_EQ(j["irqs"].size(), 2u);
  EXPECT_EQ(j["irqs"][0]["irq"], 38);
  EXPECT_EQ(j["irqs"][0]["queue"], 0);
  EXPECT_EQ(j["irqs"][0]["role"], "rx");
  EXPECT_EQ(j["irqs"][0]["class"], "queue");
  EXPECT_EQ(j["irqs"][0]["effective"], "1");
  EXPECT_DOUBLE_EQ(j["irqs"][0]["rate_per_second"].get<double>(), 1234.4);
  EXPECT_TRUE(j["irqs"][1]["device"].is_null());
  EXPECT_TRUE(j["irqs"][1]["numa_node"].is_null());
  EXPECT_TRUE(j["irqs"][1]["effective"].is_null());
  EXPECT_TRUE(j["irqs"][1]["queue"].is_null());
  EXPECT_TRUE(j["irqs"][1]["role"].is_null());
  EXPECT_EQ(j["irqs"][1]["kernel_managed"], true);
  // Round trip: what scripts parse is valid JSON.
  EXPECT_EQ(nlohmann::ordered_json::parse(j.dump()), j);
}

TEST(IrqctlJson, DevicesPlanAndOverrides) {
  auto d = devices_json({Device{.name = "eth0",
                                .driver = "",
                                .pci = "",
                                .numa_node = 1,
                                .rx_queues = 2,
                                .tx_queues = 2,
                                .policy = "spread",
                                .queues = {Queue{.name = "rx-0",
                                                 .irq = -1,
                                                 .rps_cpus = "0",
                                                 .rps_flow_cnt = 0,
                                                 .xps_cpus = "",
                                                 .xps_rxqs = ""}}}});
  EXPECT_EQ(d["devices"][0]["numa_node"], 1);
  EXPECT_TRUE(d["devices"][0]["driver"].is_null());
  EXPECT_TRUE(d["devices"][0]["queues"][0]["irqs"].empty());
  EXPECT_EQ(plan_json({})["changes"], nlohmann::ordered_json::array());
  auto o = overrides_json(Overrides{
      .irq_pins = {{5, "0"}}, .queue_pins = {}, .banned_cpus = "", .device_policies = {}});
  EXPECT_EQ(o["irq_pins"][0]["irq"], 5);
  EXPECT_EQ(o["banned_cpus"]["runtime"], "");
  EXPECT_TRUE(o["banned_cpus"]["config"].is_null());  // a daemon that does not say
  EXPECT_EQ(o["queue_pins"], nlohmann::ordered_json::array());
}

}  // namespace
}  // namespace irqd::irqctl
