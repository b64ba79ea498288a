// Link events: a non-blocking rtnetlink socket subscribed to RTNLGRP_LINK (libnl-route) whose fd
// the daemon's event loop watches. Each RTM_NEWLINK / RTM_DELLINK becomes one LinkEvent (a device
// that appeared, changed — up/down, carrier, rename, queues — or went away). Base of NIC hotplug.
#pragma once

#include <exception>
#include <functional>
#include <memory>
#include <set>
#include <string>

#include "netlink/multicast.hpp"

struct nl_msg;

namespace irqd::netlink {

enum class LinkEventKind { kNew, kChanged, kRemoved, kLost };

const char* to_string(LinkEventKind kind);

struct LinkEvent {
  int ifindex = 0;       // 0 for kLost
  std::string name;      // IFLA_IFNAME ("" when the message had none)
  LinkEventKind kind = LinkEventKind::kChanged;  // kLost: the socket overflowed, events were dropped
};

class LinkEvents {
 public:
  using Callback = std::function<void(const LinkEvent&)>;
  // Opens and subscribes the socket in the calling thread's network namespace and lists the
  // current links (so the first RTM_NEWLINK of a device already there reads as kChanged).
  // Throws NetlinkError (netlink/netdev_queues.hpp) when rtnetlink cannot be used.
  explicit LinkEvents(Callback on_event);
  ~LinkEvents();
  LinkEvents(const LinkEvents&) = delete;
  LinkEvents& operator=(const LinkEvents&) = delete;

  // For poll(): readable when events are pending.
  int fd() const;
  // Reads every pending message and calls the callback for each; returns without blocking.
  // Throws NetlinkError on a socket failure other than an overflow (reported as kLost).
  void process();

  // Called from the C callback; public only for it.
  int handle(nl_msg* msg);

 private:
  std::unique_ptr<nl_sock, NlSockFree> sock_;
  Callback on_event_;
  std::set<int> known_;  // ifindexes seen alive
  // An exception from the callback, parked while libnl's C frames are on the stack.
  std::exception_ptr pending_;
};

}  // namespace irqd::netlink
