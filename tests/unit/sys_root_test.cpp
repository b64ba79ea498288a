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

}  // namespace
}  // namespace irqd::sysfs
