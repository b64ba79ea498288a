// /proc/irq/N readers on a real capture and on hand-made trees with bad content.
#include "sysfs/irq_files.hpp"

#include <gtest/gtest.h>

#include "sysfs/error.hpp"
#include "tests/support/fixtures.hpp"

namespace irqd::sysfs {
namespace {

using irqd::testing::ExtractedTree;
using irqd::testing::TempDir;

TEST(IrqFilesTest, ReadsRealCapture) {
  ExtractedTree tree("nto-master-112cpu-2s-xeon6330-r750-ice-i40e");
  SysRoot root(tree.root());
  auto a = read_irq_affinity(root, 1089);  // ice-ens3f0-TxRx-0
  EXPECT_TRUE(a.present);
  ASSERT_TRUE(a.affinity);
  EXPECT_EQ(a.affinity->to_list(), "78");
  ASSERT_TRUE(a.effective);
  EXPECT_EQ(a.effective->to_list(), "78");
  EXPECT_EQ(a.node, 0);
  EXPECT_FALSE(a.managed);
}

TEST(IrqFilesTest, AbsentIrqIsNotPresent) {
  TempDir t;
  SysRoot root(t.path());
  auto a = read_irq_affinity(root, 42);
  EXPECT_FALSE(a.present);
  EXPECT_FALSE(a.affinity);
}

TEST(IrqFilesTest, FallsBackToTheMask) {
  TempDir t;
  t.write("proc/irq/42/smp_affinity", "0000,00000000,00000300\n");
  t.write("proc/irq/42/node", "-1\n");
  SysRoot root(t.path());
  auto a = read_irq_affinity(root, 42);
  ASSERT_TRUE(a.affinity);
  EXPECT_EQ(a.affinity->to_list(), "8-9");
  EXPECT_EQ(a.node, -1);
  EXPECT_FALSE(a.effective);
}

TEST(IrqFilesTest, DebugfsManagedFlag) {
  TempDir t;
  t.write("proc/irq/42/smp_affinity_list", "0-3\n");
  t.write("sys/kernel/debug/irq/irqs/42", "handler:  handle_edge_irq\nflags:     0x0\n            IRQD_AFFINITY_MANAGED\n");
  SysRoot root(t.path());
  EXPECT_TRUE(read_irq_affinity(root, 42).managed);
}

TEST(IrqFilesTest, MalformedFilesNameTheFile) {
  TempDir t;
  t.write("proc/irq/42/smp_affinity_list", "0-3,zz\n");
  t.write("proc/irq/43/smp_affinity_list", "1\n");
  t.write("proc/irq/43/node", "one\n");
  SysRoot root(t.path());
  try {
    read_irq_affinity(root, 42);
    FAIL();
  } catch (const ParseError& e) {
    EXPECT_NE(std::string(e.what()).find("proc/irq/42/smp_affinity_list:1"), std::string::npos) << e.what();
  }
  try {
    read_irq_affinity(root, 43);
    FAIL();
  } catch (const ParseError& e) {
    EXPECT_NE(std::string(e.what()).find("proc/irq/43/node"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace irqd::sysfs
