// One daemon per run directory: a second `irqd --foreground` on the same RUN_DIR refuses to start
// and names the PID of the first; once the first stops, the lock is free again.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <cstdlib>
#include <string>
#include <thread>

#include "tests/integration/run_process.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/support/synthetic_tree.hpp"

namespace irqd::testing {
namespace {

std::vector<std::string> daemon_argv(const std::string& root, const std::string& dir) {
  return {std::getenv("IRQD_BINARY"),
          "--foreground",
          "--no-dbus",
          "--interval",
          "0.2",
          "--root",
          root,
          "--run-dir",
          dir,
          "--state-dir",
          dir};
}

// Waits until RUN_DIR/irqd.lock names `pid` (the daemon took the lock).
bool lock_names(const std::string& dir, int pid) {
  for (int i = 0; i < 100; ++i) {
    if (read_text(dir + "/irqd.lock") == std::to_string(pid) + "\n") return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

TEST(InstanceLockTest, SecondDaemonOnTheSameRunDirRefusesAndNamesTheFirst) {
  ExtractedTree tree("nto-sno-12vcpu-kvm-virtio");
  TempDir d;
  std::string dir = d.path().string(), root = tree.root().string();
  Child first(daemon_argv(root, dir), dir + "/first.log");
  ASSERT_TRUE(lock_names(dir, first.pid())) << read_text(dir + "/first.log");

  Child second(daemon_argv(root, dir), dir + "/second.log");
  EXPECT_EQ(second.wait(5000), 1) << read_text(dir + "/second.log");
  std::string err = read_text(dir + "/second.log");
  EXPECT_NE(err.find("another irqd (PID " + std::to_string(first.pid()) + ") holds " + dir +
                     "/irqd.lock"),
            std::string::npos)
      << err;
  EXPECT_TRUE(first.running()) << "the first daemon keeps running";

  first.signal(SIGTERM);
  EXPECT_EQ(first.wait(5000), 0) << read_text(dir + "/first.log");
  Child third(daemon_argv(root, dir), dir + "/third.log");
  EXPECT_TRUE(lock_names(dir, third.pid())) << "the lock is free once its holder stopped:\n"
                                            << read_text(dir + "/third.log");
  third.signal(SIGTERM);
  EXPECT_EQ(third.wait(5000), 0);
}

}  // namespace
}  // namespace irqd::testing
