// SIGHUP re-reads the configuration files in the running daemon (irqd --foreground on a veth pair
// in a fresh network namespace): a broken file is logged and the running configuration stays, a
// fixed one takes effect at once.
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
  auto eventually = [](auto pred) {
    for (int t = 0; t < 5000 && !pred(); t += 50) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    return pred();
  };
  TempDir dir;
  std::string file = (dir.path() / "irqd.toml").string();
  std::string log = (dir.path() / "irqd.log").string();
  dir.write("irqd.toml", "[daemon]\ninterval = 0.2\n");
  Child d({"ip", "netns", "exec", ns.name(), std::getenv("IRQD_BINARY"), "--foreground", "--config", file,
           "--run-dir", dir.path().string()},
          log);
  ASSERT_TRUE(eventually([&] { return !rps().empty(); })) << read_all(log);

  dir.write("irqd.toml", "[daemon]\ninterval = 0.2\npolicy = \"nope\"\n[[device]]\nname = \"va\"\nrps = \"off\"\n");
  d.signal(SIGHUP);
  ASSERT_TRUE(eventually([&] { return read_all(log).find("reload failed") != std::string::npos; })) << read_all(log);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // cycles run on the old configuration
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

}  // namespace
}  // namespace irqd::testing
