// Draining a non-blocking libnl socket subscribed to multicast notifications (link events,
// ethtool's monitor group): read until nothing is left, report kernel-side overflow, and rethrow
// what a callback parked while libnl's C frames were on the stack.
#pragma once

#include <exception>
#include <functional>

struct nl_sock;

namespace irqd::netlink {

// unique_ptr deleter for libnl sockets.
struct NlSockFree {
  void operator()(nl_sock* s) const;
};

// Reads every pending datagram through the socket's own callbacks. `on_lost` is called when the
// kernel dropped notifications (ENOBUFS). Throws NetlinkError naming `what` on socket failures.
void drain_multicast(nl_sock* sock, std::exception_ptr& pending, const std::function<void()>& on_lost,
                     const char* what);

}  // namespace irqd::netlink
