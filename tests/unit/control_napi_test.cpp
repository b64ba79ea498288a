// The control API's NAPI request (Control::set_device_napi) on a daemon over a synthetic tree:
// settings are validated against the last discovery, saved, layered over [[device]] in the next
// plan, dropped with "" or "default"; every refusal names what is wrong and changes nothing.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "irqd/daemon/control.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/support/synthetic_tree.hpp"

namespace irqd {
namespace {

using testing::SyntheticTree;
using testing::TempDir;
using Settings = std::map<std::string, std::string>;

struct NapiControl {
  SyntheticTree tree{4};
  TempDir state;
  std::unique_ptr<Daemon> daemon;
  std::unique_ptr<Control> control;

  NapiControl() {
    tree.add_nic({.name = "eth0", .pci = "0000:03:00.0", .rx = 2, .tx = 2, .msi_irqs = {101, 102}});
    tree.add_irq({101, "eth0-TxRx-0", "0"});
    tree.add_irq({102, "eth0-TxRx-1", "0"});
    tree.finish();
    tree.add_sampling_files();
    DaemonOptions opts;
    opts.engine.root = tree.root();
    opts.engine.use_netlink = false;
    opts.engine.topology_xml =
        testing::fixture("hwloc/derived/1s-intel-i7-7600u-2c4t-laptop.from-cpuid-dump.xml");
    config::Config cfg;
    cfg.policy = "spread";
    cfg.run_dir = (tree.root() / "run/irqd").string();
    config::DeviceRule rule;
    rule.name = "eth*";
    rule.set.gro_flush_timeout = 10000;
    rule.set.napi_threaded = config::NapiThreaded::kOn;
    cfg.device_rules.push_back(rule);
    daemon = std::make_unique<Daemon>(opts, cfg);
    control = std::make_unique<Control>(*daemon, state.path().string());
  }
  // eth0's settings in the plan of a cycle run now.
  config::DeviceSettings planned() {
    daemon->cycle();
    return daemon->last_plan()->config->device("eth0");
  }
  std::string file() const {
    std::ifstream in(state.path() / "overrides.json");
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
};

std::string message(const ControlResult& r) { return r ? r->message : "(ok)"; }

TEST(ControlNapi, SetsSavesAndWinsOverTheConfiguration) {
  NapiControl f;
  f.daemon->cycle();
  EXPECT_EQ(
      message(f.control->set_device_napi(
          "eth0", {{"defer_hard_irqs", "2"}, {"threaded", "keep"}, {"thread_cpus", "same-core"}})),
      "(ok)");
  EXPECT_TRUE(f.control->take_cycle_request());
  const auto& o = f.control->overrides().device_napi.at("eth0");
  EXPECT_EQ(o.napi_defer_hard_irqs, 2);
  EXPECT_EQ(o.napi_threaded, config::NapiThreaded::kKeep);
  EXPECT_NE(f.file().find(R"("defer_hard_irqs": "2")"), std::string::npos) << f.file();
  auto s = f.planned();
  EXPECT_EQ(s.napi_defer_hard_irqs, 2);
  EXPECT_EQ(s.napi_threaded, config::NapiThreaded::kKeep);  // over the rule's "on"
  EXPECT_EQ(s.napi_thread_cpus, config::NapiThreadCpus::kSameCore);
  EXPECT_EQ(s.gro_flush_timeout, 10000);  // the rule's, not overridden

  // A second request changes only what it names.
  EXPECT_EQ(message(f.control->set_device_napi("eth0", {{"gro_flush_timeout", "20000"}})), "(ok)");
  s = f.planned();
  EXPECT_EQ(s.gro_flush_timeout, 20000);
  EXPECT_EQ(s.napi_defer_hard_irqs, 2);
}

TEST(ControlNapi, DefaultDropsAndTheConfigurationAppliesAgain) {
  NapiControl f;
  f.daemon->cycle();
  ASSERT_FALSE(f.control->set_device_napi("eth0", {{"threaded", "off"}, {"defer_hard_irqs", "3"}}));
  EXPECT_FALSE(f.control->set_device_napi("eth0", {{"threaded", "default"}}));
  auto s = f.planned();
  EXPECT_EQ(s.napi_threaded, config::NapiThreaded::kOn);
  EXPECT_EQ(s.napi_defer_hard_irqs, 3);
  EXPECT_FALSE(f.control->set_device_napi("eth0", {{"defer_hard_irqs", ""}}));
  EXPECT_TRUE(f.control->overrides().device_napi.empty());  // nothing left: the device goes
  EXPECT_EQ(f.file().find("device_napi"), std::string::npos) << f.file();
  EXPECT_FALSE(f.planned().napi_defer_hard_irqs);
  // Dropping needs no discovery and no such device: a vanished NIC's overrides can be cleared.
  EXPECT_FALSE(f.control->set_device_napi("eth7", {{"threaded", "default"}}));
}

TEST(ControlNapi, RefusalsNameWhatIsWrongAndChangeNothing) {
  NapiControl f;
  // Before the first cycle there is no discovery to check the device against.
  auto early = f.control->set_device_napi("eth0", {{"threaded", "on"}});
  ASSERT_TRUE(early);
  EXPECT_EQ(early->code, ControlErrc::kNotReady);
  f.daemon->cycle();
  ASSERT_FALSE(f.control->set_device_napi("eth0", {{"defer_hard_irqs", "2"}}));
  f.control->take_cycle_request();
  const Overrides before = f.control->overrides();
  const std::string file_before = f.file();
  struct Case {
    std::string device;
    Settings settings;
    ControlErrc code;
    std::string message;
  };
  for (const auto& c : std::vector<Case>{
           {"eth0",
            {{"defer_hard_irqs", "5"}, {"gro_flush_timeout", "-1"}},
            ControlErrc::kInvalidArgument,
            "gro_flush_timeout '-1': expected nanoseconds, an integer from 0 to 3600000000000 (an "
            "hour)"},
           {"eth0",
            {{"busy_poll", "1"}},
            ControlErrc::kInvalidArgument,
            "unknown NAPI setting 'busy_poll' (expected threaded, thread_cpus, defer_hard_irqs, "
            "gro_flush_timeout or irq_suspend_timeout)"},
           {"eth0",
            {{"threaded", "yes"}},
            ControlErrc::kInvalidArgument,
            "threaded 'yes': expected keep, on or off"},
           {"eth0", {}, ControlErrc::kInvalidArgument, "device 'eth0': no NAPI setting given"},
           {"eth9",
            {{"threaded", "on"}},
            ControlErrc::kNotFound,
            "device 'eth9': no such network device"},
           {"eth/0",
            {{"threaded", "on"}},
            ControlErrc::kInvalidArgument,
            "device 'eth/0': not a network interface name (1-15 bytes, no '/', ':' or spaces)"},
       }) {
    auto r = f.control->set_device_napi(c.device, c.settings);
    ASSERT_TRUE(r) << c.message;
    EXPECT_EQ(r->code, c.code) << c.message;
    EXPECT_EQ(r->message, c.message);
    EXPECT_EQ(f.control->overrides(), before) << c.message;
    EXPECT_EQ(f.file(), file_before) << c.message;
    EXPECT_FALSE(f.control->take_cycle_request()) << c.message;
  }
}

TEST(ControlNapi, AFailedSaveKeepsThePreviousSettings) {
  NapiControl f;
  f.daemon->cycle();
  ASSERT_FALSE(f.control->set_device_napi("eth0", {{"defer_hard_irqs", "2"}}));
  // The state directory becomes a file: the next save fails.
  std::filesystem::remove_all(f.state.path());
  std::ofstream(f.state.path()) << "not a directory";
  auto r = f.control->set_device_napi("eth0", {{"defer_hard_irqs", "4"}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->code, ControlErrc::kFailed);
  EXPECT_NE(r->message.find("eth0: NAPI defer_hard_irqs=4: the overrides could not be saved, "
                            "nothing changed"),
            std::string::npos)
      << r->message;
  EXPECT_EQ(f.control->overrides().device_napi.at("eth0").napi_defer_hard_irqs, 2);
  std::filesystem::remove(f.state.path());
  std::filesystem::create_directory(f.state.path());  // for TempDir's clean-up
}

}  // namespace
}  // namespace irqd
