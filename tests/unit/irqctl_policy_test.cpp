// irqctl policy DEVICE without POLICY: the policy in force and its source, layered as the daemon
// layers them (run time over a [[device]] rule over the daemon's policy).
#include <gtest/gtest.h>

#include "irqd/irqctl/errors.hpp"
#include "irqd/irqctl/policy_view.hpp"

namespace irqd::irqctl {
namespace {

TEST(IrqctlPolicy, SourceIsRunTimeThenConfigThenDefault) {
  std::vector<Device> devices{Device{.name = "eth0", .policy = "balanced"},
                              Device{.name = "eth1", .policy = "spread"}};
  Status s{.policy = "balanced"};
  Overrides o;
  auto v = policy_view("eth0", devices, o, s);
  EXPECT_EQ(v.source, "default");
  EXPECT_EQ(policy_text(v), "eth0: policy balanced (the daemon's default policy)\n");
  v = policy_view("eth1", devices, o, s);
  EXPECT_EQ(v.source, "config");
  EXPECT_EQ(v.policy, "spread");
  EXPECT_NE(policy_text(v).find("[[device]] rule"), std::string::npos);
  o.device_policies.push_back({"eth1", "balanced"});
  v = policy_view("eth1", devices, o, s);
  EXPECT_EQ(v.source, "run-time");
  EXPECT_EQ(v.policy, "balanced");
  EXPECT_EQ(policy_json(v)["source"], "runtime");
  EXPECT_THROW(policy_view("eth9", devices, o, s), CommandError);
}

}  // namespace
}  // namespace irqd::irqctl
