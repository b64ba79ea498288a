// Topology: the kernel's isolcpus / nohz_full / online layer (apply_kernel_cpu_state) on
// hand-made trees over a synthetic machine.
#include <gtest/gtest.h>

#include <string>

#include "sysfs/error.hpp"
#include "sysfs/sys_root.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/unit/topology_checks.hpp"
#include "topology/hwloc_loader.hpp"
#include "topology/machine.hpp"

namespace irqd::topology {
namespace {

using irqd::testing::TempDir;
using sysfs::CpuSet;
using namespace checks;

// ---------------------------------------------------------------------------------------------
// (7) apply_kernel_cpu_state on hand-made trees.

Machine small_machine() { return load_synthetic("pack:2 numa:1 l3:1 core:4 pu:2"); }

TEST(KernelCpus, MalformedIsolatedFileNamesTheFile) {
  TempDir root;
  root.write("sys/devices/system/cpu/isolated", "1-3,x\n");
  Machine m = small_machine();
  std::string msg =
      thrown<sysfs::ParseError>([&] { apply_kernel_cpu_state(m, sysfs::SysRoot(root.path())); });
  EXPECT_TRUE(contains(msg, (root.path() / "sys/devices/system/cpu/isolated").string())) << msg;
}

TEST(KernelCpus, MalformedCmdlineNamesTheFile) {
  TempDir root;
  root.write("proc/cmdline", "ro isolcpus=domain,2-x quiet\n");
  Machine m = small_machine();
  auto apply = [&] { apply_kernel_cpu_state(m, sysfs::SysRoot(root.path())); };
  std::string msg = thrown<sysfs::ParseError>(apply);
  EXPECT_TRUE(contains(msg, (root.path() / "proc/cmdline").string())) << msg;
  root.write("proc/cmdline", "isolcpus=managed_irq\n");  // flags but no CPU list
  msg = thrown<sysfs::ParseError>(apply);
  EXPECT_TRUE(contains(msg, "isolcpus=managed_irq: no CPU list")) << msg;
}

TEST(KernelCpus, AbsentOrEmptyFilesMeanNothing) {
  TempDir root;
  Machine m = small_machine();
  apply_kernel_cpu_state(m, sysfs::SysRoot(root.path()));
  EXPECT_TRUE(m.isolated.empty());
  EXPECT_TRUE(m.nohz_full.empty());
  EXPECT_EQ(m.online, CpuSet::range(0, 15));
  root.write("sys/devices/system/cpu/isolated", "\n");
  root.write("sys/devices/system/cpu/nohz_full", "(null)\n");
  root.write("proc/cmdline", "BOOT_IMAGE=/vmlinuz ro quiet\n");
  apply_kernel_cpu_state(m, sysfs::SysRoot(root.path()));
  EXPECT_TRUE(m.isolated.empty());
  EXPECT_TRUE(m.nohz_full.empty());
  // With a leading space, as some kernels print it (and irqbalance's test trees copy): still none,
  // not a failed cycle.
  root.write("sys/devices/system/cpu/nohz_full", " (null)\n");
  apply_kernel_cpu_state(m, sysfs::SysRoot(root.path()));
  EXPECT_TRUE(m.nohz_full.empty());
}

TEST(KernelCpus, CmdlineFlagFormsAndSysfsAreUnited) {
  struct Case {
    std::string cmdline, isolated, nohz_full;
  };
  const std::vector<Case> cases = {
      {"isolcpus=1-3", "1-3", ""},
      {"isolcpus=managed_irq,domain,0-4,11-15", "0-4,11-15", ""},
      {"isolcpus=nohz,domain,2-5 nohz_full=2-5", "2-5", "2-5"},
      {"ro isolcpus=managed_irq,1 nohz_full=1 quiet", "1", "1"},
      {"isolcpus=\"1,2\" nohz_full=8-N", "1-2", "8-15"},
      {"isolcpus=4 -- isolcpus=5", "4", ""},  // after "--" the words belong to init
      {"isolcpus=1 isolcpus=domain,3", "1,3", ""},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.cmdline);
    TempDir root;
    root.write("proc/cmdline", c.cmdline + std::string("\n\0", 2));
    root.write("sys/devices/system/cpu/possible", "0-15\n");
    Machine m = small_machine();
    apply_kernel_cpu_state(m, sysfs::SysRoot(root.path()));
    EXPECT_EQ(m.isolated.to_list(), c.isolated);
    EXPECT_EQ(m.nohz_full.to_list(), c.nohz_full);
  }
  TempDir root;
  root.write("proc/cmdline", "isolcpus=1-2\n");
  root.write("sys/devices/system/cpu/isolated", "6-7\n");
  root.write("sys/devices/system/cpu/nohz_full", "9\n");
  Machine m = small_machine();
  apply_kernel_cpu_state(m, sysfs::SysRoot(root.path()));
  EXPECT_EQ(m.isolated.to_list(), "1-2,6-7");
  EXPECT_EQ(m.nohz_full.to_list(), "9");
}

TEST(KernelCpus, OnlineFileDropsOfflineCpus) {
  TempDir root;
  root.write("sys/devices/system/cpu/online", "0-5,8-15\n");
  Machine m = small_machine();
  apply_kernel_cpu_state(m, sysfs::SysRoot(root.path()));
  EXPECT_EQ(m.online.to_list(), "0-5,8-15");
  EXPECT_EQ(m.pus.size(), 14u);
  EXPECT_EQ(m.pu(6), nullptr);
  EXPECT_EQ(m.pu(7), nullptr);
  EXPECT_EQ(m.node_of(6), -1);
  EXPECT_EQ(m.node_cpus(0), CpuSet::range(0, 5));
  EXPECT_EQ(m.l3_cpus(0), CpuSet::range(0, 5));
  EXPECT_EQ(m.pu(8)->core, 4);  // indices are kept
  EXPECT_EQ(m.max_cpu(), 15);
  expect_consistent(m);

  root.write("sys/devices/system/cpu/online", "0-3,zz\n");
  EXPECT_THROW(apply_kernel_cpu_state(m, sysfs::SysRoot(root.path())), sysfs::ParseError);
}

}  // namespace
}  // namespace irqd::topology
