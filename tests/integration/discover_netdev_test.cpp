// discover() asking the real kernel through an injected KernelNetdevSource made inside a fresh
// network namespace (veth with GRO and threaded NAPIs), on a synthetic tree that lists the same
// devices with the same ifindexes: the inventory carries the kernel's NAPIs and their kthreads,
// and each IRQD_TEST_NETDEV kernel its notes.
#include <gtest/gtest.h>
#include <net/if.h>

#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "irqd/engine/discover.hpp"
#include "netlink/kernel_netdev_source.hpp"
#include "tests/integration/netdev_pretend.hpp"
#include "tests/integration/netns.hpp"
#include "tests/support/synthetic_tree.hpp"

namespace irqd {
namespace {

using irqd::testing::NetNs;

TEST(DiscoverNetdevKernel, InventoryCarriesTheKernelsNapisAndThreads) {
  IRQD_REQUIRE_NETNS();
  NetNs ns;
  ns.add_veth("irqdda", "irqddb", 2, 2);
  std::unique_ptr<netlink::KernelNetdevSource> source;
  int a = 0;
  int b = 0;
  {
    auto in = ns.enter();
    ASSERT_NO_FATAL_FAILURE(irqd::testing::enable_gro("irqdda"));
    a = static_cast<int>(if_nametoindex("irqdda"));
    b = static_cast<int>(if_nametoindex("irqddb"));
    source = std::make_unique<netlink::KernelNetdevSource>(irqd::testing::kernel_options());
  }
  ns.run_checked("echo 1 > /sys/class/net/irqdda/threaded");
  // The tree numbers its NICs from ifindex 2 in the order they are added.
  irqd::testing::SyntheticTree tree(2);
  ASSERT_TRUE((a == 2 && b == 3) || (a == 3 && b == 2)) << a << " " << b;
  for (const char* name : a == 2 ? std::vector<const char*>{"irqdda", "irqddb"}
                                 : std::vector<const char*>{"irqddb", "irqdda"})
    tree.add_nic({.name = name, .driver = "veth", .rx = 2, .tx = 2});
  tree.finish();

  const Discovery d =
      discover(sysfs::SysRoot(tree.root()), DiscoverOptions{.netdev = source.get()});
  const netlink::NetdevFeatures f = irqd::testing::kernel_features();
  EXPECT_EQ(d.netdev, f);
  const sysfs::NicInfo* nic = d.inventory.nic("irqdda");
  ASSERT_NE(nic, nullptr);
  if (!f.napi_get) {
    EXPECT_TRUE(nic->napis.empty());
    bool noted = false;
    for (const auto& w : d.warnings) noted = noted || w.find("(Linux 6.") != std::string::npos;
    EXPECT_TRUE(noted) << "no note of the missing interface";
    return;
  }
  ASSERT_EQ(nic->napis.size(), 2U);
  for (const auto& n : nic->napis) {
    SCOPED_TRACE(n.id);
    EXPECT_EQ(n.irq, -1);
    ASSERT_GT(n.pid, 0);
    std::ifstream comm("/proc/" + std::to_string(n.pid) + "/comm");
    std::string name;
    std::getline(comm, name);
    EXPECT_EQ(name, "napi/irqdda-" + std::to_string(n.id));
    EXPECT_EQ(n.threaded.has_value(), f.napi_threaded);
    EXPECT_EQ(n.defer_hard_irqs.has_value(), f.napi_set);
  }
  EXPECT_TRUE(d.inventory.nic("irqddb")->napis.empty());
}

}  // namespace
}  // namespace irqd
