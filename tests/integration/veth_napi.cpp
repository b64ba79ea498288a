// VethNapiNs: the namespace, the veth pair with GRO, and irqd run inside (see the header).
#include "tests/integration/veth_napi.hpp"

#include <net/if.h>

#include <cstdlib>

#include "netlink/kernel_netdev_source.hpp"

namespace irqd::testing {

void VethNapiNs::SetUp() {
  IRQD_REQUIRE_NETNS();
  ns_ = std::make_unique<NetNs>();
  ns_->add_veth(a_, b_, 2, 2);
  auto in = ns_->enter();
  ASSERT_NO_FATAL_FAILURE(enable_gro(a_));
  ifindex_ = static_cast<int>(if_nametoindex(a_.c_str()));
}

std::vector<netlink::NapiInfo> VethNapiNs::napis() const {
  auto in = ns_->enter();
  netlink::KernelNetdevSource src;
  std::vector<netlink::NapiInfo> out;
  for (const auto& n : src.napis().value_or(std::vector<netlink::NapiInfo>{}))
    if (n.ifindex == ifindex_) out.push_back(n);
  return out;
}

netlink::NetdevFeatures VethNapiNs::features() const {
  auto in = ns_->enter();
  return netlink::KernelNetdevSource().features();
}

CommandResult VethNapiNs::irqd(const std::string& args) const {
  // Warnings and errors only: the reports on stdout are parsed, and since the decision log each
  // change is an info line on stderr.
  return ns_->run(std::string(std::getenv("IRQD_BINARY")) + " --log-level warn --run-dir " + run_.path().string() +
                  " --config " + (cfg_.path() / "irqd.toml").string() + " " + args + " 2>&1");
}

}  // namespace irqd::testing
