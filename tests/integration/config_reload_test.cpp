// SIGHUP re-reads the configuration files in the running daemon (irqd --foreground on a veth pair
// in a fresh network namespace, or on a captured root): a broken file, or [[irq]] rules that clash
// on the machine's IRQs, is logged and the running configuration stays; a fixed one takes effect
// at once.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include "sysfs/cpuset.hpp"
#include "tests/integration/netns.hpp"
#include "tests/integration/run_process.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/support/poll.hpp"

namespace irqd::testing {
namespace {

std::string read_all(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(ConfigReloadTest, BrokenFileKeepsTheRunningConfigurationAndAFixedOneApplies) {
  IRQD_REQUIRE_NETNS();
  NetNs ns;
  ns.run_checked("ip link add name va numrxqueues 1 numtxqueues 2 type veth peer name vb && "
                 "ip link set dev va up && ip link set dev vb up");
  auto rps = [&] { return sysfs::CpuSet::parse_mask(ns.run("cat /sys/class/net/va/queues/rx-0/rps_cpus").output); };
  TempDir dir;
  std::string file = (dir.path() / "irqd.toml").string();
  std::string log = (dir.path() / "irqd.log").string();
  dir.write("irqd.toml", "[daemon]\ninterval = 0.2\n");
  Child d({"ip", "netns", "exec", ns.name(), std::getenv("IRQD_BINARY"), "--foreground", "--config", file,
           "--run-dir", dir.path().string(), "--log-level", "debug"},
          log);
  ASSERT_TRUE(eventually([&] { return !rps().empty(); })) << read_all(log);

  dir.write("irqd.toml", "[daemon]\ninterval = 0.2\npolicy = \"nope\"\n[[device]]\nname = \"va\"\nrps = \"off\"\n");
  d.signal(SIGHUP);
  ASSERT_TRUE(eventually([&] { return read_all(log).find("reload failed") != std::string::npos; })) << read_all(log);
  // Two cycles run after the refused reload (on the old configuration) before looking at rps.
  ASSERT_TRUE(eventually([&] {
    std::string t = read_all(log);
    auto at = t.find("reload failed");
    int cycles = 0;
    for (auto p = t.find(": cycle ", at); p != std::string::npos; p = t.find(": cycle ", p + 1)) ++cycles;
    return cycles >= 2;
  })) << read_all(log);
  EXPECT_TRUE(d.running()) << read_all(log);
  EXPECT_FALSE(rps().empty()) << "the broken file's rps = off was applied";
  EXPECT_NE(read_all(log).find("the previous configuration stays in force: configuration has 1 error:\n" + file +
                               ":3:10: daemon.policy: unknown policy 'nope'"),
            std::string::npos)
      << read_all(log);

  dir.write("irqd.toml", "[daemon]\ninterval = 0.2\n[[device]]\nname = \"va\"\nrps = \"off\"\n");
  d.signal(SIGHUP);
  EXPECT_TRUE(eventually([&] { return rps().empty(); })) << read_all(log);
  d.signal(SIGTERM);
  EXPECT_EQ(d.wait(5000), 0) << read_all(log);
}

// A reload whose [[irq]] rules clash on the machine's IRQs is refused like any broken file: the
// running configuration stays. On a captured root (--root), so the writes go to its copy of
// /proc/irq, never the host's.
TEST(ConfigReloadTest, ConflictingIrqRulesKeepTheRunningConfiguration) {
  ExtractedTree tree("nto-sno-12vcpu-kvm-virtio");
  {
    // The capture has no /proc/stat; the daemon's sampler needs one (12 idle CPUs).
    std::ofstream stat(tree.root() / "proc/stat");
    stat << "cpu  0 0 0 0 0 0 0 0 0 0\n";
    for (int c = 0; c < 12; ++c) stat << "cpu" << c << " 0 0 0 0 0 0 0 0 0 0\n";
    stat << "intr 0\nctxt 0\nbtime 0\n";
  }
  auto affinity = [&] { return read_all((tree.root() / "proc/irq/70/smp_affinity_list").string()); };
  auto eventually = [](auto pred) {
    for (int t = 0; t < 5000 && !pred(); t += 50) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    return pred();
  };
  TempDir dir;
  std::string file = (dir.path() / "irqd.toml").string();
  std::string log = (dir.path() / "irqd.log").string();
  dir.write("irqd.toml", "[daemon]\ninterval = 0.2\n[[irq]]\nnumber = 70\npin = \"2\"\n");
  Child d({std::getenv("IRQD_BINARY"), "--foreground", "--no-dbus", "--config", file, "--root", tree.root().string(),
           "--run-dir", dir.path().string(), "--state-dir", dir.path().string()},
          log);
  ASSERT_TRUE(eventually([&] { return affinity() == "2\n" || affinity() == "2"; })) << affinity() << read_all(log);

  // First in file order, the glob would win for IRQ 70 if the file were taken.
  dir.write("irqd.toml", "[daemon]\ninterval = 0.2\n[[irq]]\nname = \"virtio1-output.*\"\npin = \"3\"\n"
                         "[[irq]]\nnumber = 70\npin = \"2\"\n");
  d.signal(SIGHUP);
  ASSERT_TRUE(eventually([&] { return read_all(log).find("reload failed") != std::string::npos; })) << read_all(log);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // cycles run on the old configuration
  EXPECT_TRUE(d.running()) << read_all(log);
  EXPECT_EQ(sysfs::CpuSet::parse_list(affinity()), sysfs::CpuSet::of({2})) << read_all(log);
  EXPECT_NE(read_all(log).find("the previous configuration stays in force: configuration has 1 error:\n" + file +
                               ":6:1: irq.pin: IRQ 70 (virtio1-output.0) conflicts with the rule at " + file +
                               ":3:1 (pin 3) (expected one action per IRQ)"),
            std::string::npos)
      << read_all(log);
  d.signal(SIGTERM);
  EXPECT_EQ(d.wait(5000), 0) << read_all(log);
}

}  // namespace
}  // namespace irqd::testing
