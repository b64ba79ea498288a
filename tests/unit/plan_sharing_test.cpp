// Plans made every cycle without copying what a person reads only rarely: a balanced plan's
// reasons are written when read (and stay right after the plan's inputs are gone), and queue
// placements are shared between plans until one of them changes.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <utility>

#include "policies/plan.hpp"
#include "tests/unit/balanced_support.hpp"

namespace irqd::policies {
namespace {

using namespace steering_test;  // NOLINT: test builders
using namespace balanced_test;  // NOLINT: test helpers

TEST(PlanSharing, BalancedReasonsAreWrittenWhenReadAndOutliveTheInputs) {
  Plan p;
  {
    auto m = pascal();
    Inventory inv;
    add_nic(inv, {.node = 1, .rx = 4, .tx = 4});
    unplace(inv);
    LoadInfo l = zipf(100, 4, 0.1, 0.5);
    p = run(m, inv, l);
  }  // machine, inventory and load gone: a view may read a plan cycles later
  ASSERT_NE(p.irq(101), nullptr);
  const std::string line = p.irq(101)->reason.str();
  EXPECT_NE(line.find("eth0 "), std::string::npos) << line;
  EXPECT_NE(line.find("LPT placement on CPU"), std::string::npos) << line;
  EXPECT_NE(line.find("(node 1"), std::string::npos) << line;
  EXPECT_EQ(p.irq(101)->reason.str(), line) << "the same line each time it is read";
}

TEST(PlanSharing, AReasonTakesASuffixAndComparesByItsText) {
  Reason plain("static pin to 3");
  plain += " (policy spread)";
  EXPECT_EQ(plain.str(), "static pin to 3 (policy spread)");
  EXPECT_EQ(plain, Reason(std::string("static pin to 3 (policy spread)")));
  EXPECT_TRUE(Reason().empty());
  EXPECT_FALSE(plain.empty());
}

TEST(PlanSharing, CopiedQueuePlacementsAreSharedUntilOneChanges) {
  Plan a;
  auto& q = a.queue_mut("eth0", true, 0);
  q.rps_cpus = CpuSet::of({1, 2});
  q.reason = "rps";
  Plan b = a;  // what build_plan does when the IRQs kept their CPUs
  EXPECT_EQ(&std::as_const(a).queues[0], &std::as_const(b).queues[0]) << "a copy shares the placements";
  b.queue_mut("eth0", true, 0).rps_cpus = CpuSet::of({3});
  EXPECT_EQ(a.queue("eth0", true, 0)->rps_cpus->to_list(), "1-2") << "changing the copy leaves the original";
  EXPECT_EQ(b.queue("eth0", true, 0)->rps_cpus->to_list(), "3");
  b.queue_mut("eth0", false, 0).xps_cpus = CpuSet::of({4});
  EXPECT_EQ(a.queues.size(), 1u);
  EXPECT_EQ(b.queues.size(), 2u);
}

}  // namespace
}  // namespace irqd::policies
