// list_links(): one RTM_GETLINK dump through libnl-route's link cache, reduced to LinkInfo.
#include "netlink/links.hpp"

#include <fmt/format.h>
#include <net/if.h>
#include <netlink/cache.h>
#include <netlink/errno.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include <netlink/socket.h>
#include <sys/socket.h>

#include <climits>
#include <cstdint>
#include <memory>

#include "netlink/netdev_queues.hpp"  // NetlinkError

namespace irqd::netlink {
namespace {

struct SockDeleter {
  void operator()(nl_sock* s) const { nl_socket_free(s); }
};
struct CacheDeleter {
  void operator()(nl_cache* c) const { nl_cache_free(c); }
};

int queue_count(std::uint32_t n) { return n > static_cast<std::uint32_t>(INT_MAX) ? INT_MAX : static_cast<int>(n); }

}  // namespace

std::vector<LinkInfo> list_links() {
  // The socket binds to the calling thread's network namespace at creation, which is what lets
  // callers (and the namespace tests) choose the namespace with setns().
  std::unique_ptr<nl_sock, SockDeleter> sock(nl_socket_alloc());
  if (!sock) throw NetlinkError("rtnetlink: cannot allocate a netlink socket");
  if (int err = nl_connect(sock.get(), NETLINK_ROUTE); err < 0) {
    throw NetlinkError(fmt::format("rtnetlink: cannot connect: {}", nl_geterror(err)));
  }
  nl_cache* raw = nullptr;
  if (int err = rtnl_link_alloc_cache(sock.get(), AF_UNSPEC, &raw); err < 0) {
    throw NetlinkError(fmt::format("rtnetlink: link dump failed: {}", nl_geterror(err)));
  }
  std::unique_ptr<nl_cache, CacheDeleter> cache(raw);

  std::vector<LinkInfo> links;
  for (nl_object* obj = nl_cache_get_first(cache.get()); obj != nullptr; obj = nl_cache_get_next(obj)) {
    // Objects of a link cache are rtnl_link (libnl's C "subclass" of nl_object).
    auto* link = reinterpret_cast<rtnl_link*>(obj);
    LinkInfo info;
    info.ifindex = rtnl_link_get_ifindex(link);
    if (const char* name = rtnl_link_get_name(link)) info.name = name;
    // IFLA_INFO_KIND: null for devices without rtnl_link_ops (physical NICs, some virtual ones).
    if (const char* kind = rtnl_link_get_type(link)) info.kind = kind;
    info.num_rx_queues = queue_count(rtnl_link_get_num_rx_queues(link));
    info.num_tx_queues = queue_count(rtnl_link_get_num_tx_queues(link));
    info.up = (rtnl_link_get_flags(link) & IFF_UP) != 0;
    links.push_back(std::move(info));
  }
  return links;
}

}  // namespace irqd::netlink
