// CostModel: costs per interrupt by group fitted to CPU times (one interval determines them when
// CPUs mix the groups), forgetting, undetermined groups, too many groups.
#include "irqd/engine/cost_model.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace irqd {
namespace {

// CPU c: `a` interrupts of group 0 (1 us each) and `b` of group 1 (8 us each), plus 2 ms of
// background every CPU has.
double seconds(double a, double b) { return a * 1e-6 + b * 8e-6 + 0.002; }

TEST(CostModelTest, OneIntervalOfMixedCpusDeterminesEveryGroup) {
  CostModel m;
  m.begin(2, 0.5);
  for (int c = 0; c < 16; ++c) {
    const std::vector<double> n{1000.0 * (c % 5 + 1), 300.0 * (c % 3)};
    m.add(n.data(), seconds(n[0], n[1]));
  }
  m.solve();
  EXPECT_NEAR(m.cost(0), 1e-6, 1e-8);
  EXPECT_NEAR(m.cost(1), 8e-6, 1e-7);
}

TEST(CostModelTest, AGroupSeenNowhereOrNeverApartStaysUnknown) {
  CostModel m;
  m.begin(3, 0.5);
  for (int c = 0; c < 8; ++c) {
    // Groups 0 and 1 always together in one proportion: only their sum is determined. Group 2
    // never fires.
    const std::vector<double> n{1000.0 * (c + 1), 1000.0 * (c + 1), 0.0};
    m.add(n.data(), n[0] * 9e-6);
  }
  m.solve();
  EXPECT_EQ(m.cost(2), 0.0);
  EXPECT_NEAR(m.cost(0) + m.cost(1), 9e-6, 1e-7);  // split somehow, but never more in sum
}

TEST(CostModelTest, OldIntervalsFadeAndAChangeOfGroupsForgets) {
  CostModel m;
  for (double cost : {2e-6, 4e-6}) {
    m.begin(1, 0.0);  // keep nothing of the previous interval
    for (int c = 0; c < 4; ++c) {
      const double n = 1000.0 * (c + 1);
      m.add(&n, n * cost);
    }
    m.solve();
    EXPECT_NEAR(m.cost(0), cost, 1e-8);
  }
  m.begin(CostModel::kMaxGroups + 1, 0.5);  // too many to fit: nothing is claimed
  m.solve();
  EXPECT_EQ(m.groups(), 0u);
  EXPECT_EQ(m.cost(0), 0.0);
}

}  // namespace
}  // namespace irqd
