// irqctl napi: the view of a device's NAPI settings with where each comes from and its NAPIs with
// the queues that name them, as text and JSON, and NAPI settings in `irqctl overrides`. Typed
// values only, no bus. (Its NAME=VALUE arguments: irqctl_arguments_test.cpp.)
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "irqd/irqctl/json_views.hpp"
#include "irqd/irqctl/napi_view.hpp"
#include "irqd/irqctl/text_views.hpp"

namespace irqd::irqctl {
namespace {

using Settings = std::map<std::string, std::string>;

Queue napi_queue(const std::string& name, std::int32_t irq, std::int32_t napi) {
  return Queue{.name = name,
               .irq = irq,
               .napi = Napi{.id = napi,
                            .defer_hard_irqs = 2,
                            .gro_flush_timeout = 10000,
                            .irq_suspend_timeout = 0,
                            .threaded = true,
                            .thread_pid = 4242,
                            .thread_cpus = "1"}};
}

// eth0: rx-0 and tx-0 share NAPI 8193 (IRQ 38), rx-1 has NAPI 8194 without an IRQ, tx-1 none;
// [[device]] sets gro_flush_timeout, the run-time overrides defer_hard_irqs and threaded.
Device sample_device() {
  return Device{.name = "eth0",
                .queues = {napi_queue("rx-0", 38, 8193), napi_queue("rx-1", -1, 8194),
                           napi_queue("tx-0", -1, 8193), Queue{.name = "tx-1"}},
                .napi_settings = {{"threaded", "on"},
                                  {"thread_cpus", "sibling"},
                                  {"defer_hard_irqs", "2"},
                                  {"gro_flush_timeout", "10000"}}};
}
const Settings kRunTime{{"defer_hard_irqs", "2"}, {"threaded", "on"}};

TEST(IrqctlNapi, ViewSaysWhereEachSettingComesFromAndGroupsQueuesByNapi) {
  NapiView v = napi_view(sample_device(), kRunTime);
  ASSERT_EQ(v.settings.size(), 5u);
  auto from = [&](const std::string& name) {
    for (const auto& r : v.settings)
      if (r.name == name) return r.value + " " + r.from;
    return std::string("(missing)");
  };
  EXPECT_EQ(from("threaded"), "on run-time");
  EXPECT_EQ(from("thread_cpus"), "sibling default");
  EXPECT_EQ(from("defer_hard_irqs"), "2 run-time");
  EXPECT_EQ(from("gro_flush_timeout"), "10000 config");
  EXPECT_EQ(from("irq_suspend_timeout"), " ");  // nothing sets it
  ASSERT_EQ(v.napis.size(), 2u);
  EXPECT_EQ(v.napis[0].napi.id, 8193);
  EXPECT_EQ(v.napis[0].queues, (std::vector<std::string>{"rx-0", "tx-0"}));
  EXPECT_EQ(v.napis[0].napi.irq, 38);
  EXPECT_EQ(v.napis[1].napi.id, 8194);
  EXPECT_EQ(v.napis[1].napi.irq, -1);
  // A run-time override the daemon has not planned with yet still shows as run-time.
  v = napi_view(sample_device(), {{"irq_suspend_timeout", "500"}});
  EXPECT_EQ(v.settings[4].value, "500");
  EXPECT_EQ(v.settings[4].from, "run-time");
}

// The device's own list wins: every NAPI the kernel has, also one no queue names (veth), each with
// the IRQ napi-get gives it.
TEST(IrqctlNapi, ViewTakesTheDevicesNapisWithTheQueuesThatNameThem) {
  Device d = sample_device();
  d.napis = {Napi{.id = 8193, .irq = 40, .defer_hard_irqs = 3}, Napi{.id = 8194, .irq = -1},
             Napi{.id = 8195, .irq = -1, .threaded = false}};
  NapiView v = napi_view(d, {});
  ASSERT_EQ(v.napis.size(), 3u);
  EXPECT_EQ(v.napis[0].napi.irq, 40);
  EXPECT_EQ(v.napis[0].napi.defer_hard_irqs, 3u);
  EXPECT_EQ(v.napis[0].queues, (std::vector<std::string>{"rx-0", "tx-0"}));
  EXPECT_EQ(v.napis[1].queues, (std::vector<std::string>{"rx-1"}));
  EXPECT_TRUE(v.napis[2].queues.empty());
  std::string text = napi_text(v);
  EXPECT_NE(text.find("8195  -            -      -       -           -  off       off\n"),
            std::string::npos)
      << text;
  EXPECT_EQ(napi_json(v)["napis"][2]["queues"], nlohmann::ordered_json::array());
}

TEST(IrqctlNapi, TextShowsSettingsThenNapis) {
  std::string text = napi_text(napi_view(sample_device(), kRunTime));
  EXPECT_EQ(text,
            "eth0: NAPI settings\n"
            "SETTING              VALUE    FROM\n"
            "threaded             on       run-time\n"
            "thread_cpus          sibling  default\n"
            "defer_hard_irqs      2        run-time\n"
            "gro_flush_timeout    10000    config\n"
            "irq_suspend_timeout  -        - (the kernel's value stays)\n"
            "(run-time: irqctl napi; config: [[device]] in irqd.toml; default: irqd's own)\n"
            "\n"
            "NAPIs (2), as the kernel reports them\n"
            "NAPI  QUEUES     IRQ  DEFER  GRO_NS  SUSPEND_NS  THREADED  THREAD\n"
            "8193  rx-0,tx-0   38      2   10000           0  on        pid 4242, cpus 1\n"
            "8194  rx-1         -      2   10000           0  on        pid 4242, cpus 1\n")
      << text;
  Device none{.name = "eth1"};
  EXPECT_NE(napi_text(napi_view(none, {}))
                .find("NAPIs: the kernel lists none for eth1 (netdev napi-get, Linux 6.8+)"),
            std::string::npos);
}

TEST(IrqctlNapi, JsonNamesAsDevicesJsonWithNumbersAsNumbers) {
  auto j = napi_json(napi_view(sample_device(), kRunTime));
  EXPECT_EQ(j["schema"], 2);
  EXPECT_EQ(j["device"], "eth0");
  EXPECT_EQ(j["settings"]["defer_hard_irqs"]["value"], 2);
  EXPECT_EQ(j["settings"]["defer_hard_irqs"]["from"], "runtime");
  EXPECT_EQ(j["settings"]["threaded"]["value"], "on");
  EXPECT_EQ(j["settings"]["gro_flush_timeout"]["from"], "config");
  EXPECT_TRUE(j["settings"]["irq_suspend_timeout"]["value"].is_null());
  EXPECT_TRUE(j["settings"]["irq_suspend_timeout"]["from"].is_null());
  ASSERT_EQ(j["napis"].size(), 2u);
  EXPECT_EQ(j["napis"][0]["id"], 8193);
  EXPECT_EQ(j["napis"][0]["queues"],
            nlohmann::ordered_json::parse(R"([{"queue":0,"role":"rx"},{"queue":0,"role":"tx"}])"));
  EXPECT_EQ(j["napis"][0]["current"]["gro_flush_timeout_ns"], 10000);  // as in devices --json
  EXPECT_EQ(j["napis"][0]["thread_pid"], 4242);
  EXPECT_TRUE(j["napis"][1]["irq"].is_null());
}

TEST(IrqctlNapi, OverridesListNapiSettings) {
  Overrides o{.device_napi = {{"eth0", kRunTime}, {"eth1", {{"thread_cpus", "same-l3"}}}}};
  std::string text = overrides_text(o);
  EXPECT_NE(text.find("NAPI settings\n"
                      "DEVICE  SETTING          VALUE\n"
                      "eth0    defer_hard_irqs  2\n"
                      "eth0    threaded         on\n"
                      "eth1    thread_cpus      same-l3\n"),
            std::string::npos)
      << text;
  auto j = overrides_json(o);
  ASSERT_EQ(j["device_napi"].size(), 2u);
  EXPECT_EQ(j["device_napi"][0]["device"], "eth0");
  EXPECT_EQ(j["device_napi"][0]["settings"]["defer_hard_irqs"], 2);
  EXPECT_EQ(j["device_napi"][1]["settings"]["thread_cpus"], "same-l3");
  EXPECT_EQ(overrides_json({})["device_napi"], nlohmann::ordered_json::array());
}

}  // namespace
}  // namespace irqd::irqctl
