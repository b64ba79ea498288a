// SysRoot: paths stay under the root, errors carry errno and the file name.
#include "sysfs/sys_root.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>

#include "sysfs/error.hpp"
#include "tests/support/fixtures.hpp"

namespace irqd::sysfs {
namespace {

using irqd::testing::TempDir;

TEST(SysRootTest, ReadsAndWritesUnderTheRoot) {
  TempDir t;
  t.write("proc/irq/5/smp_affinity_list", "0-3\n");
  SysRoot root(t.path());
  EXPECT_FALSE(root.is_live());
  EXPECT_EQ(root.read("proc/irq/5/smp_affinity_list"), "0-3\n");
  EXPECT_EQ(root.read("/proc/irq/5/smp_affinity_list"), "0-3\n");
  EXPECT_EQ(root.read_line("proc/irq/5/smp_affinity_list"), "0-3");
  root.write("proc/irq/5/smp_affinity_list", "2");
  EXPECT_EQ(root.read("proc/irq/5/smp_affinity_list"), "2");
  EXPECT_EQ(root.list("proc/irq"), std::vector<std::string>{"5"});
  EXPECT_TRUE(root.is_dir("proc/irq/5"));
  EXPECT_FALSE(root.exists("proc/irq/6"));
}

TEST(SysRootTest, MissingFilesAreNulloptNotErrors) {
  TempDir t;
  SysRoot root(t.path());
  EXPECT_EQ(root.read_if_exists("proc/interrupts"), std::nullopt);
  EXPECT_EQ(root.read_line("sys/class/net/eth0/ifindex"), std::nullopt);
  EXPECT_TRUE(root.list("sys/class/net").empty());
  try {
    root.read("proc/interrupts");
    FAIL();
  } catch (const IoError& e) {
    EXPECT_EQ(e.error_code(), ENOENT);
    EXPECT_NE(std::string(e.what()).find("proc/interrupts"), std::string::npos);
  }
}

TEST(SysRootTest, WriteErrorsCarryErrno) {
  TempDir t;
  SysRoot root(t.path());
  try {
    root.write("proc/irq/9/smp_affinity_list", "1");
    FAIL();
  } catch (const IoError& e) {
    EXPECT_EQ(e.error_code(), ENOENT);
    EXPECT_NE(std::string(e.what()).find("proc/irq/9/smp_affinity_list"), std::string::npos);
  }
  // A directory where a file should be: EISDIR, reported, not a crash.
  std::filesystem::create_directories(t.path() / "proc/irq/10/smp_affinity_list");
  try {
    root.write("proc/irq/10/smp_affinity_list", "1");
    FAIL();
  } catch (const IoError& e) {
    EXPECT_EQ(e.error_code(), EISDIR);
  }
}

TEST(SysRootTest, ResolvesLinksInsideTheRoot) {
  TempDir t;
  t.write("sys/devices/pci0000:00/0000:00:03.0/virtio2/net/eth0/ifindex", "2\n");
  std::filesystem::create_directories(t.path() / "sys/class/net");
  std::filesystem::create_symlink("../../devices/pci0000:00/0000:00:03.0/virtio2/net/eth0", t.path() / "sys/class/net/eth0");
  std::filesystem::create_symlink("/etc", t.path() / "sys/class/net/evil");
  SysRoot root(t.path());
  EXPECT_EQ(root.resolve("sys/class/net/eth0"), "sys/devices/pci0000:00/0000:00:03.0/virtio2/net/eth0");
  EXPECT_EQ(root.resolve("sys/class/net/evil"), std::nullopt);  // escapes the root
  EXPECT_EQ(root.resolve("sys/class/net/none"), std::nullopt);
}

TEST(SysRootTest, LiveRootDisplaysKernelPaths) {
  SysRoot root("/");
  EXPECT_TRUE(root.is_live());
  EXPECT_EQ(root.display("proc/interrupts"), "/proc/interrupts");
}

// A root held open at a subdirectory (the daemon's re-reads of proc/irq and each NIC's queues):
// same reads and messages as through the whole path; a directory that goes away reads as absent.
TEST(SysRootTest, SubRootReadsLikeTheWholePath) {
  TempDir t;
  t.write("sys/devices/eth0/queues/rx-0/rps_cpus", "00000003\n");
  SysRoot root(t.path());
  SysRoot queues = root.at("sys/devices/eth0/queues");
  EXPECT_EQ(queues.read_line("rx-0/rps_cpus"), "00000003");
  EXPECT_EQ(queues.read_line("rx-1/rps_cpus"), std::nullopt);
  EXPECT_EQ(queues.display("rx-0/rps_cpus"), (t.path() / "sys/devices/eth0/queues/rx-0/rps_cpus").string());
  EXPECT_EQ(SysRoot("/").at("proc/irq").display("5/node"), "/proc/irq/5/node");
  SysRoot copy = queues;  // copies share the open directory
  std::filesystem::remove_all(t.path() / "sys/devices/eth0");
  EXPECT_EQ(copy.read_line("rx-0/rps_cpus"), std::nullopt);
  EXPECT_EQ(root.at("sys/devices/eth0/queues").read_line("rx-0/rps_cpus"), std::nullopt);
}

// A knob that only holds its first line is read once to the newline; a file without one, or a
// longer multi-line file, still whole.
TEST(SysRootTest, ReadLineStopsAtTheFirstLine) {
  TempDir t;
  t.write("a", "first\nsecond\n");
  t.write("b", "no newline");
  SysRoot root(t.path());
  EXPECT_EQ(root.read_line("a"), "first");
  EXPECT_EQ(root.read_line("b"), "no newline");
  EXPECT_EQ(root.read("a"), "first\nsecond\n");
}

}  // namespace
}  // namespace irqd::sysfs
