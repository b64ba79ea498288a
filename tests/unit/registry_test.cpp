// Policy registry: lookup by name, a clear error for unknown names.
#include "policies/registry.hpp"

#include <gtest/gtest.h>

namespace irqd::policies {
namespace {

TEST(RegistryTest, KnowsEveryPolicy) {
  auto p = make_policy("spread");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->name(), "spread");
  EXPECT_FALSE(p->summary().empty());
  EXPECT_EQ(policy_names(), (std::vector<std::string>{"spread", "balanced"}));
  EXPECT_EQ(make_policy("balanced")->name(), "balanced");
  EXPECT_NE(describe_policies().find("spread"), std::string::npos);
}

TEST(RegistryTest, UnknownNameListsKnownOnes) {
  try {
    make_policy("sprad");
    FAIL();
  } catch (const UnknownPolicy& e) {
    EXPECT_STREQ(e.what(), "unknown policy 'sprad' (known: spread, balanced)");
  }
}

TEST(RegistryTest, OneInstancePerPolicyServesEveryPlan) {
  // Policies are stateless: the engine asks for one by name every cycle and gets the same object,
  // never a new one per NIC per cycle.
  EXPECT_EQ(&policy_named("balanced"), &policy_named("balanced"));
  EXPECT_EQ(&policy_named("spread"), find_policy("spread"));
  EXPECT_EQ(find_policy("sprad"), nullptr);
  try {
    policy_named("sprad");
    FAIL();
  } catch (const UnknownPolicy& e) {
    EXPECT_STREQ(e.what(), "unknown policy 'sprad' (known: spread, balanced)");
  }
}

}  // namespace
}  // namespace irqd::policies
