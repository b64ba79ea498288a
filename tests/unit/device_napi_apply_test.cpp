// The device-wide NAPI fallback as knobs, on a synthetic tree with no netdev family (as on 6.1):
// [[device]] napi settings become writes to /sys/class/net/<dev>/{threaded,napi_defer_hard_irqs,
// gro_flush_timeout}, read back, their originals recorded and restored, nothing written once they
// hold; a failed write names the file and leaves it as it was.
#include <gtest/gtest.h>

#include <cerrno>
#include <fstream>
#include <set>

#include "irqd/engine/apply.hpp"
#include "irqd/engine/napi_knob_io.hpp"
#include "irqd/engine/originals.hpp"
#include "tests/support/faulty_io.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/support/synthetic_tree.hpp"

namespace irqd {
namespace {

constexpr char kNic[] = "sys/devices/pci0000:00/0000:03:00.0/net/eth0";

// eth0 with 2 combined queues and its device-wide NAPI files at 0, on a 4-CPU laptop.
struct DeviceNapiMachine {
  testing::SyntheticTree tree{4};
  testing::TempDir run;
  EngineOptions opts;
  config::Config cfg;
  DeviceNapiMachine() {
    tree.add_nic({.name = "eth0", .pci = "0000:03:00.0", .rx = 2, .tx = 2, .msi_irqs = {101, 102}});
    tree.add_irq({101, "eth0-TxRx-0", "0-3"});
    tree.add_irq({102, "eth0-TxRx-1", "0-3"});
    tree.finish();
    for (const char* f : {"threaded", "napi_defer_hard_irqs", "gro_flush_timeout"}) set(f, "0");
    opts.root = tree.root();
    opts.topology_xml = testing::fixture("hwloc/derived/1s-intel-i7-7600u-2c4t-laptop.from-cpuid-dump.xml");
    opts.use_netlink = false;
    cfg.device_defaults.napi_threaded = config::NapiThreaded::kOn;
    cfg.device_defaults.napi_defer_hard_irqs = 7;
    cfg.device_defaults.gro_flush_timeout = 20000;
  }
  void set(const std::string& file, const std::string& value) const {
    tree.dir().write(std::string(kNic) + "/" + file, value + "\n");
  }
  std::string get(const std::string& file) const {
    return *sysfs::SysRoot(tree.root()).read_line(std::string(kNic) + "/" + file);
  }
  std::vector<KnobChange> device_knobs() const {
    std::vector<KnobChange> out;
    const auto r = plan_once(opts, cfg);
    for (const auto& k : r->diff.knobs)
      if (sysfs::is_device_napi_path(k.path)) out.push_back(k);
    return out;
  }
};

TEST(DeviceNapiApply, FilesAreWrittenReadBackRecordedAndRestored) {
  DeviceNapiMachine m;
  auto r = plan_once(m.opts, m.cfg);
  ASSERT_EQ(r->plan->device_napi.size(), 3u);
  std::set<std::string> paths;
  for (const auto& k : r->diff.knobs)
    if (sysfs::is_device_napi_path(k.path)) paths.insert(k.path + "=" + k.value + " (" + k.subject + ")");
  EXPECT_EQ(paths, (std::set<std::string>{
                       std::string(kNic) + "/gro_flush_timeout=20000 (eth0 gro_flush_timeout (device-wide))",
                       std::string(kNic) + "/napi_defer_hard_irqs=7 (eth0 napi_defer_hard_irqs (device-wide))",
                       std::string(kNic) + "/threaded=1 (eth0 threaded (device-wide))"}));

  sysfs::SysRoot root(m.tree.root());
  NapiKnobIo io(root, nullptr);  // no netdev family: the files are plain sysfs knobs
  OriginalStore originals(m.run.path() / "original.json");
  std::set<int> unchangeable;
  auto applied = apply_diff(r->diff, io, originals, unchangeable);
  EXPECT_EQ(applied.failed, 0) << ::testing::PrintToString(applied.errors);
  EXPECT_EQ(m.get("threaded"), "1");
  EXPECT_EQ(m.get("napi_defer_hard_irqs"), "7");
  EXPECT_EQ(m.get("gro_flush_timeout"), "20000");
  EXPECT_EQ(applied.read_back.at(std::string(kNic) + "/threaded"), "1");
  EXPECT_EQ(originals.values().at(std::string(kNic) + "/threaded"), "0");
  EXPECT_EQ(originals.values().at(std::string(kNic) + "/gro_flush_timeout"), "0");

  // Steady state: planned, already so, nothing to write.
  auto again = plan_once(m.opts, m.cfg);
  EXPECT_TRUE(m.device_knobs().empty());
  EXPECT_EQ(again->plan->device_napi.size(), 3u);

  // The originals survive a reload (the paths pass the file's knob check) and go back.
  OriginalStore reloaded(m.run.path() / "original.json");
  ASSERT_NO_THROW(reloaded.load());
  auto back = reloaded.restore(io);
  EXPECT_EQ(back.failed, 0) << ::testing::PrintToString(back.errors);
  EXPECT_EQ(m.get("threaded"), "0");
  EXPECT_EQ(m.get("napi_defer_hard_irqs"), "0");
  EXPECT_EQ(m.get("gro_flush_timeout"), "0");
}

TEST(DeviceNapiApply, AFailedWriteNamesTheFileAndLeavesItAsItWas) {
  DeviceNapiMachine m;
  auto r = plan_once(m.opts, m.cfg);
  sysfs::SysRoot root(m.tree.root());
  testing::FaultyIo io(root);
  io.fail[std::string(kNic) + "/threaded"] = EPERM;
  io.fail[std::string(kNic) + "/napi_defer_hard_irqs"] = EINVAL;
  io.fail[std::string(kNic) + "/gro_flush_timeout"] = ENOENT;  // the device went away
  OriginalStore originals(m.run.path() / "original.json");
  std::set<int> unchangeable;
  auto applied = apply_diff(r->diff, io, originals, unchangeable);
  EXPECT_EQ(applied.failed, 2);
  EXPECT_EQ(applied.vanished, 1);
  EXPECT_TRUE(unchangeable.empty()) << "no IRQ is marked for a device file";
  const std::string errors = ::testing::PrintToString(applied.errors);
  EXPECT_NE(errors.find("eth0 threaded (device-wide): cannot set 1: not permitted (EPERM); left as it was"),
            std::string::npos)
      << errors;
  EXPECT_NE(errors.find("eth0 napi_defer_hard_irqs (device-wide): cannot set 7: the kernel rejected the value "
                        "(EINVAL); left as it was"),
            std::string::npos)
      << errors;
  EXPECT_EQ(m.get("threaded"), "0");
  EXPECT_EQ(m.get("napi_defer_hard_irqs"), "0");
  EXPECT_EQ(m.get("gro_flush_timeout"), "0");
  EXPECT_FALSE(m.device_knobs().empty()) << "still differs: tried again next time";
}

TEST(DeviceNapiApply, OriginalsAcceptOnlyTheThreeFilesOfANetdev) {
  testing::TempDir run;
  const auto load = [&](const std::string& path) {
    run.write("original.json", "{\"schema\":1,\"knobs\":{\"" + path + "\":\"0\"}}");
    OriginalStore s(run.path() / "original.json");
    s.load();
    return s.values().size();
  };
  EXPECT_EQ(load("sys/class/net/eth0/threaded"), 1u);
  EXPECT_EQ(load(std::string(kNic) + "/gro_flush_timeout"), 1u);
  EXPECT_THROW(load("sys/class/net/eth0/mtu"), std::runtime_error);
  EXPECT_THROW(load("sys/class/net/threaded"), std::runtime_error);
  EXPECT_THROW(load("sys/kernel/threaded"), std::runtime_error);
  EXPECT_EQ(describe_vanished({std::string(kNic) + "/threaded", std::string(kNic) + "/queues/rx-0/rps_cpus",
                               "sys/class/net/eth1/gro_flush_timeout"}),
            "eth0 (1 queue knob, 1 device-wide NAPI file), eth1 (1 device-wide NAPI file)");
}

}  // namespace
}  // namespace irqd
