// LinkEvents: RTNLGRP_LINK subscription on a libnl socket, RTM_NEWLINK / RTM_DELLINK decoded into
// LinkEvent, overflow (ENOBUFS) reported as kLost so the caller re-discovers everything.
#include "netlink/link_events.hpp"

#include <fmt/format.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <linux/rtnetlink.h>
#include <netlink/attr.h>
#include <netlink/errno.h>
#include <netlink/handlers.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>

#include "netlink/links.hpp"
#include "netlink/multicast.hpp"
#include "netlink/netdev_queues.hpp"  // NetlinkError

namespace irqd::netlink {
namespace {

int on_valid(nl_msg* msg, void* arg) { return static_cast<LinkEvents*>(arg)->handle(msg); }

}  // namespace

const char* to_string(LinkEventKind kind) {
  switch (kind) {
    case LinkEventKind::kNew: return "new";
    case LinkEventKind::kChanged: return "changed";
    case LinkEventKind::kRemoved: return "removed";
    case LinkEventKind::kLost: return "events lost";
  }
  return "?";
}

LinkEvents::LinkEvents(Callback on_event) : sock_(nl_socket_alloc()), on_event_(std::move(on_event)) {
  if (!sock_) throw NetlinkError("rtnetlink: cannot allocate a netlink socket");
  // Multicast notifications carry sequence number 0: nothing to check them against.
  nl_socket_disable_seq_check(sock_.get());
  if (int err = nl_socket_modify_cb(sock_.get(), NL_CB_VALID, NL_CB_CUSTOM, on_valid, this); err < 0) {
    throw NetlinkError(fmt::format("rtnetlink: cannot set the event callback: {}", nl_geterror(err)));
  }
  if (int err = nl_connect(sock_.get(), NETLINK_ROUTE); err < 0) {
    throw NetlinkError(fmt::format("rtnetlink: cannot connect: {}", nl_geterror(err)));
  }
  if (int err = nl_socket_add_membership(sock_.get(), RTNLGRP_LINK); err < 0) {
    throw NetlinkError(fmt::format("rtnetlink: cannot subscribe to link events: {}", nl_geterror(err)));
  }
  if (int err = nl_socket_set_nonblocking(sock_.get()); err < 0) {
    throw NetlinkError(fmt::format("rtnetlink: cannot make the event socket non-blocking: {}", nl_geterror(err)));
  }
  // Subscribed first, listed second: a device created in between shows up in both, never in neither.
  for (const auto& l : list_links()) known_.insert(l.ifindex);
}

LinkEvents::~LinkEvents() = default;

int LinkEvents::fd() const { return nl_socket_get_fd(sock_.get()); }

int LinkEvents::handle(nl_msg* msg) {
  const nlmsghdr* hdr = nlmsg_hdr(msg);
  if (hdr->nlmsg_type != RTM_NEWLINK && hdr->nlmsg_type != RTM_DELLINK) return NL_OK;
  if (!nlmsg_valid_hdr(hdr, sizeof(ifinfomsg))) return NL_OK;
  const auto* ifi = static_cast<const ifinfomsg*>(nlmsg_data(hdr));
  LinkEvent ev;
  ev.ifindex = ifi->ifi_index;
  nlattr* tb[IFLA_MAX + 1] = {};
  if (nlmsg_parse(const_cast<nlmsghdr*>(hdr), sizeof(ifinfomsg), tb, IFLA_MAX, nullptr) == 0 &&
      tb[IFLA_IFNAME] != nullptr) {
    char name[IFNAMSIZ] = {};
    nla_strlcpy(name, tb[IFLA_IFNAME], sizeof(name));
    ev.name = name;
  }
  if (hdr->nlmsg_type == RTM_DELLINK) {
    ev.kind = LinkEventKind::kRemoved;
    known_.erase(ev.ifindex);
  } else {
    ev.kind = known_.insert(ev.ifindex).second ? LinkEventKind::kNew : LinkEventKind::kChanged;
  }
  // Exceptions must not cross libnl's C frames: parked here, rethrown by process().
  try {
    on_event_(ev);
    return NL_OK;
  } catch (...) {
    pending_ = std::current_exception();
    return NL_STOP;
  }
}

void LinkEvents::process() {
  drain_multicast(
      sock_.get(), pending_,
      [this] {
        LinkEvent lost;
        lost.kind = LinkEventKind::kLost;
        on_event_(lost);
      },
      "rtnetlink");
}

}  // namespace irqd::netlink
