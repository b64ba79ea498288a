// drain_multicast(): nl_recvmsgs_report() in a loop (plain nl_recvmsgs() returns 0 both for "read
// something" and "nothing there" on a non-blocking socket, so it cannot end a drain loop).
#include "netlink/multicast.hpp"

#include <fmt/format.h>
#include <netlink/errno.h>
#include <netlink/handlers.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>

#include <memory>
#include <utility>

#include "netlink/netdev_queues.hpp"  // NetlinkError

namespace irqd::netlink {

void NlSockFree::operator()(nl_sock* s) const { nl_socket_free(s); }

void drain_multicast(nl_sock* sock, std::exception_ptr& pending, const std::function<void()>& on_lost,
                     const char* what) {
  struct CbPut {
    void operator()(nl_cb* c) const { nl_cb_put(c); }
  };
  std::unique_ptr<nl_cb, CbPut> cb(nl_socket_get_cb(sock));
  for (;;) {
    const int n = nl_recvmsgs_report(sock, cb.get());
    if (pending) std::rethrow_exception(std::exchange(pending, nullptr));
    if (n > 0) continue;
    if (n == 0 || n == -NLE_AGAIN) return;
    if (n == -NLE_NOMEM) {  // ENOBUFS: the kernel dropped notifications
      on_lost();
      continue;
    }
    throw NetlinkError(fmt::format("{}: reading notifications failed: {}", what, nl_geterror(n)));
  }
}

}  // namespace irqd::netlink
