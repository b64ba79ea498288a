// The daemon loop (irqd --foreground) on veth pairs in a fresh network namespace: it configures
// the knobs, survives SIGHUP, stops cleanly on SIGTERM and, with --restore-on-exit, puts the
// original values back.
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

using sysfs::CpuSet;

std::string read_all(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class DaemonTest : public ::testing::Test {
 protected:
  void SetUp() override {
    IRQD_REQUIRE_NETNS();
    ns_ = std::make_unique<NetNs>();
    ns_->run_checked("ip link add name va numrxqueues 1 numtxqueues 2 type veth peer name vb && "
                     "ip link set dev va up && ip link set dev vb up");
  }

  CpuSet rps(const std::string& dev) {
    auto r = ns_->run("cat /sys/class/net/" + dev + "/queues/rx-0/rps_cpus");
    return CpuSet::parse_mask(r.output);
  }


  std::unique_ptr<NetNs> ns_;
  TempDir run_;
};

TEST_F(DaemonTest, ConfiguresSurvivesHupAndRestoresOnTerm) {
  std::string log = (run_.path() / "irqd.log").string();
  Child d({"ip", "netns", "exec", ns_->name(), std::getenv("IRQD_BINARY"), "--foreground", "--interval", "0.2",
           "--restore-on-exit", "--run-dir", run_.path().string(), "--log-level", "debug"},
          log);
  ASSERT_TRUE(eventually([&] { return !rps("va").empty(); })) << read_all(log);
  d.signal(SIGHUP);
  // The reload is done when a cycle after it has run (the log says both); then it must still run.
  ASSERT_TRUE(eventually([&] {
    std::string t = read_all(log);
    auto hup = t.find("SIGHUP");
    return hup != std::string::npos && t.find("cycle ", hup) != std::string::npos;
  })) << read_all(log);
  ASSERT_TRUE(d.running()) << read_all(log);
  // Someone else changes a knob: the next cycle puts it back (the daemon converges).
  ns_->run_checked("echo 0 > /sys/class/net/va/queues/rx-0/rps_cpus");
  ASSERT_TRUE(eventually([&] { return !rps("va").empty(); })) << read_all(log);
  d.signal(SIGTERM);
  EXPECT_EQ(d.wait(5000), 0) << read_all(log);
  EXPECT_TRUE(rps("va").empty()) << "restore_on_exit did not restore rps_cpus";
  std::string text = read_all(log);
  EXPECT_NE(text.find("cycle 1:"), std::string::npos) << text;
  EXPECT_NE(text.find("SIGHUP"), std::string::npos) << text;
  EXPECT_NE(text.find("restored"), std::string::npos) << text;
}

TEST_F(DaemonTest, WithoutRestoreOnExitTheValuesStayAndOriginalsAreKept) {
  std::string log = (run_.path() / "irqd.log").string();
  Child d({"ip", "netns", "exec", ns_->name(), std::getenv("IRQD_BINARY"), "--foreground", "--interval", "0.2",
           "--run-dir", run_.path().string()},
          log);
  ASSERT_TRUE(eventually([&] { return !rps("va").empty(); })) << read_all(log);
  d.signal(SIGINT);
  EXPECT_EQ(d.wait(5000), 0) << read_all(log);
  EXPECT_FALSE(rps("va").empty());
  EXPECT_TRUE(std::filesystem::exists(run_.path() / "original.json"));  // irqd --restore can still undo
}

}  // namespace
}  // namespace irqd::testing
