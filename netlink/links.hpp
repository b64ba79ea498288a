// rtnetlink link list (libnl-route): every network interface in the current namespace with its
// index, kind and queue counts. Base of hotplug handling; also cross-checks sysfs discovery.
#pragma once

#include <string>
#include <vector>

namespace irqd::netlink {

struct LinkInfo {
  int ifindex = 0;
  std::string name;
  std::string kind;     // "veth", "bridge", ... ("" for physical devices)
  int num_rx_queues = 0;
  int num_tx_queues = 0;
  bool up = false;
};

// Throws NetlinkError (netlink/netdev_queues.hpp) when rtnetlink cannot be queried.
std::vector<LinkInfo> list_links();

}  // namespace irqd::netlink
