// Topology: /proc/irq/default_smp_affinity as a ban source (topology/default_affinity.hpp) on
// hand-made trees over a synthetic 16-CPU machine: only a mask leaving out some online CPUs counts.
#include <gtest/gtest.h>

#include <string>

#include "sysfs/error.hpp"
#include "sysfs/sys_root.hpp"
#include "tests/support/fixtures.hpp"
#include "topology/default_affinity.hpp"
#include "topology/hwloc_loader.hpp"

namespace irqd::topology {
namespace {

using irqd::testing::TempDir;
using sysfs::CpuSet;

Machine machine() { return load_synthetic("pack:2 numa:1 l3:1 core:4 pu:2"); }  // CPUs 0-15

CpuSet outside_after(const std::string& mask) {
  TempDir root;
  if (!mask.empty()) root.write("proc/irq/default_smp_affinity", mask);
  Machine m = machine();
  apply_kernel_cpu_state(m, sysfs::SysRoot(root.path()));
  return m.outside_default_affinity;
}

TEST(DefaultAffinity, AProperSubsetBansTheRest) {
  EXPECT_EQ(outside_after("0303\n").to_list(), "2-7,10-15");
  EXPECT_EQ(outside_after("00000000,00000001\n").to_list(), "1-15");
  Machine m = machine();
  TempDir root;
  root.write("proc/irq/default_smp_affinity", "0303\n");
  apply_kernel_cpu_state(m, sysfs::SysRoot(root.path()));
  EXPECT_NE(m.summary().find("(outside default_smp_affinity 2-7,10-15)"), std::string::npos) << m.summary();
}

TEST(DefaultAffinity, AbsentFullOrDisjointMasksMeanNothing) {
  EXPECT_TRUE(outside_after("").empty());
  EXPECT_TRUE(outside_after("ffff\n").empty());
  EXPECT_TRUE(outside_after("ffffffff,ffffffff\n").empty());  // possible CPUs beyond the online ones
  EXPECT_TRUE(outside_after("00010000\n").empty());           // no online CPU: not a partitioning
}

TEST(DefaultAffinity, AMalformedMaskNamesTheFile) {
  TempDir root;
  root.write("proc/irq/default_smp_affinity", "0-3\n");
  Machine m = machine();
  try {
    apply_kernel_cpu_state(m, sysfs::SysRoot(root.path()));
    FAIL();
  } catch (const sysfs::ParseError& e) {
    EXPECT_NE(std::string(e.what()).find("proc/irq/default_smp_affinity"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("'-' is not a hex digit"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace irqd::topology
