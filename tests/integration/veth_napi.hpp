// Test fixture base for irqd's NAPI tests on real kernel objects: a fresh network namespace with a
// veth pair whose first end has GRO on (veth then has one NAPI per RX queue), and the irqd binary
// run inside it with a run directory and a configuration file of its own.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "netlink/netdev_source.hpp"
#include "tests/integration/netns.hpp"
#include "tests/support/fixtures.hpp"

namespace irqd::testing {

class VethNapiNs : public ::testing::Test {
 protected:
  // The veth ends' names: each test program its own, so namespaces of two never clash.
  VethNapiNs(std::string a, std::string b) : a_(std::move(a)), b_(std::move(b)) {}
  // Requires the namespace (IRQD_REQUIRE_NETNS: as root a failure, never a skip), makes the veth
  // pair with 2 RX / 2 TX queues, GRO on a. A subclass's SetUp calls it first and returns when
  // IsSkipped() or HasFatalFailure().
  void SetUp() override;

  // a's NAPIs as the running kernel shows them (napi-get, unforced: whatever IRQD_TEST_NETDEV says).
  std::vector<netlink::NapiInfo> napis() const;
  // What the running kernel offers, unforced.
  netlink::NetdevFeatures features() const;
  // `irqd --run-dir RUN --config CFG/irqd.toml ARGS` in the namespace, stderr joined to stdout.
  CommandResult irqd(const std::string& args) const;

  std::string a_, b_;
  std::unique_ptr<NetNs> ns_;
  TempDir run_, cfg_;
  int ifindex_ = 0;  // a's
};

}  // namespace irqd::testing
