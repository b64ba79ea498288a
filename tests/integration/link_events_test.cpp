// netlink/link_events and netlink/ethtool_channels against the real kernel, in a fresh network
// namespace: the kernel queues its notifications before `ip` / `ethtool` return, so process()
// right after a command sees them without waiting.
#include <gtest/gtest.h>
#include <net/if.h>

#include <algorithm>
#include <string>
#include <vector>

#include "netlink/ethtool_channels.hpp"
#include "netlink/link_events.hpp"
#include "netlink/netdev_queues.hpp"  // NetlinkError
#include "tests/integration/netns.hpp"

namespace irqd::netlink {
namespace {

using irqd::testing::NetNs;

bool has(const std::vector<LinkEvent>& evs, const std::string& name, LinkEventKind kind) {
  return std::any_of(evs.begin(), evs.end(), [&](const LinkEvent& e) { return e.name == name && e.kind == kind; });
}

std::string describe(const std::vector<LinkEvent>& evs) {
  std::string s;
  for (const auto& e : evs) s += e.name + "/" + std::to_string(e.ifindex) + " " + to_string(e.kind) + "\n";
  return s;
}

TEST(LinkEvents, NewChangedAndRemovedLinksInTheNamespace) {
  IRQD_REQUIRE_NETNS();
  NetNs ns;
  ns.add_veth("lea", "leb", 2, 2);
  std::vector<LinkEvent> evs;
  auto in = ns.enter();
  LinkEvents events([&](const LinkEvent& e) { evs.push_back(e); });
  EXPECT_GT(events.fd(), 0);
  events.process();
  EXPECT_TRUE(evs.empty()) << describe(evs);  // nothing happened since subscribing

  ns.run_checked("ip link add name lec type veth peer name led");
  events.process();
  EXPECT_TRUE(has(evs, "lec", LinkEventKind::kNew)) << describe(evs);
  EXPECT_TRUE(has(evs, "led", LinkEventKind::kNew)) << describe(evs);
  const int lec = static_cast<int>(if_nametoindex("lec"));
  EXPECT_TRUE(std::any_of(evs.begin(), evs.end(), [&](const LinkEvent& e) { return e.ifindex == lec; }));

  evs.clear();
  ns.run_checked("ip link set dev lea down");  // a link that existed before subscribing: changed
  events.process();
  EXPECT_TRUE(has(evs, "lea", LinkEventKind::kChanged)) << describe(evs);
  EXPECT_FALSE(has(evs, "lea", LinkEventKind::kNew)) << describe(evs);

  evs.clear();
  ns.run_checked("ip link del dev lec");
  events.process();
  EXPECT_TRUE(has(evs, "lec", LinkEventKind::kRemoved)) << describe(evs);
  EXPECT_TRUE(has(evs, "led", LinkEventKind::kRemoved)) << describe(evs);
}

TEST(LinkEvents, AnExceptionFromTheCallbackReachesTheCaller) {
  IRQD_REQUIRE_NETNS();
  NetNs ns;
  auto in = ns.enter();
  LinkEvents events([](const LinkEvent&) { throw std::runtime_error("callback failed"); });
  ns.run_checked("ip link add name lee type veth peer name lef");
  EXPECT_THROW(events.process(), std::runtime_error);
}

TEST(EthtoolChannels, CountsAndChangeNotificationsOfAVeth) {
  IRQD_REQUIRE_NETNS();
  NetNs ns;
  ns.add_veth("cha", "chb", 4, 4);
  auto in = ns.enter();
  const int cha = static_cast<int>(if_nametoindex("cha"));
  ASSERT_GT(cha, 0);
  auto c = get_channels(cha);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->rx, 4);
  EXPECT_EQ(c->tx, 4);
  EXPECT_EQ(c->max_rx, 4);
  EXPECT_EQ(c->max_tx, 4);

  std::vector<int> changed;
  ChannelEvents events([&](int ifindex) { changed.push_back(ifindex); });
  ns.run_checked("ethtool -L cha rx 2 tx 3");
  events.process();
  EXPECT_NE(std::find(changed.begin(), changed.end(), cha), changed.end()) << changed.size() << " notifications";
  c = get_channels(cha);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->rx, 2);
  EXPECT_EQ(c->tx, 3);
}

TEST(EthtoolChannels, AMissingDeviceIsAClearError) {
  IRQD_REQUIRE_NETNS();
  NetNs ns;
  auto in = ns.enter();
  try {
    get_channels(999999);
    FAIL() << "no error for a device that does not exist";
  } catch (const NetlinkError& e) {
    EXPECT_NE(std::string(e.what()).find("ifindex 999999"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace irqd::netlink
