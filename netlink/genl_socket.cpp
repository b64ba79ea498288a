// GenlSocket: libnl builds and sends the request; the answer is received raw (nl_recv, peeking
// for the size of each datagram) and kept as bytes, only messages of our request's sequence
// number, until the reply is complete.
#include "netlink/genl_socket.hpp"

#include <fmt/format.h>
#include <linux/netlink.h>
#include <netlink/errno.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>
#include <sys/socket.h>

#include <cstdlib>
#include <cstring>

#include "netlink/genl_reply.hpp"

namespace irqd::netlink {
namespace {

struct MsgDeleter {
  void operator()(nl_msg* m) const { nlmsg_free(m); }
};
struct BufFree {
  void operator()(unsigned char* p) const { std::free(p); }
};

constexpr std::size_t align4(std::size_t n) {
  return (n + NLMSG_ALIGNTO - 1) & ~std::size_t{NLMSG_ALIGNTO - 1};
}

// A reply longer than this (hundreds of thousands of queues) is not one irqd can use anyway; the
// bound keeps a kernel (or a bug) that never sends NLMSG_DONE from growing the buffer forever.
constexpr std::size_t kMaxReply = 64U << 20;

}  // namespace

void GenlSocket::SockDeleter::operator()(nl_sock* s) const { nl_socket_free(s); }

GenlSocket::GenlSocket() : sock_(nl_socket_alloc()) {
  if (!sock_) throw NetlinkError("netlink: cannot allocate a netlink socket");
  nl_socket_disable_auto_ack(sock_.get());
  if (int err = genl_connect(sock_.get()); err < 0) {
    throw NetlinkError(
        fmt::format("netlink: cannot open a generic netlink socket: {}", nl_geterror(err)));
  }
  nl_socket_enable_msg_peek(sock_.get());  // datagrams of a dump can exceed a page
  // Best effort: ask for the kernel's reason text with errors, without the echoed request.
  const int one = 1;
  const int fd = nl_socket_get_fd(sock_.get());
  setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
  setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
}

GenlSocket::~GenlSocket() = default;

std::vector<std::byte> GenlSocket::request(int family, std::uint8_t cmd, std::uint8_t version,
                                           int flags,
                                           const std::function<void(nl_msg*)>& add_attrs) {
  std::unique_ptr<nl_msg, MsgDeleter> msg(nlmsg_alloc());
  if (!msg) throw NetlinkError("netlink: out of memory building a request");
  if (!genlmsg_put(msg.get(), NL_AUTO_PORT, NL_AUTO_SEQ, family, 0, flags, cmd, version)) {
    throw NetlinkError("netlink: cannot build a request header");
  }
  if (add_attrs) add_attrs(msg.get());
  if (int err = nl_send_auto(sock_.get(), msg.get()); err < 0) {
    throw NetlinkError(fmt::format("netlink: cannot send a request: {}", nl_geterror(err)));
  }
  const std::uint32_t seq = nlmsg_hdr(msg.get())->nlmsg_seq;

  std::vector<std::byte> reply;
  for (;;) {
    sockaddr_nl from{};
    unsigned char* raw = nullptr;
    const int n = nl_recv(sock_.get(), &from, &raw, nullptr);
    std::unique_ptr<unsigned char, BufFree> buf(raw);
    if (n < 0)
      throw NetlinkError(fmt::format("netlink: receiving a reply failed: {}", nl_geterror(n)));
    if (n == 0) throw NetlinkError("netlink: the socket closed before the reply ended");
    // Keep whole messages of this request only (anything else on the socket is stale).
    const std::size_t start = reply.size();
    std::size_t pos = 0;
    const auto size = static_cast<std::size_t>(n);
    while (pos + sizeof(nlmsghdr) <= size) {
      nlmsghdr hdr{};
      std::memcpy(&hdr, raw + pos, sizeof(hdr));
      if (hdr.nlmsg_len < sizeof(nlmsghdr) || hdr.nlmsg_len > size - pos) {
        // Broken framing: keep the rest as it is and let the parser say what is wrong.
        const auto* from_pos = reinterpret_cast<const std::byte*>(raw + pos);
        reply.insert(reply.end(), from_pos, from_pos + (size - pos));
        return reply;
      }
      if (hdr.nlmsg_seq == seq) {
        const auto* m = reinterpret_cast<const std::byte*>(raw + pos);
        reply.insert(reply.end(), m, m + hdr.nlmsg_len);
        reply.resize(align4(reply.size()));
      }
      pos += align4(hdr.nlmsg_len);
    }
    if (reply.size() > start &&
        reply_complete(Bytes(reply).subspan(start), (flags & NLM_F_DUMP) == NLM_F_DUMP)) {
      return reply;
    }
    if (reply.size() > kMaxReply)
      throw NetlinkError("netlink: a reply longer than 64 MiB, giving up");
  }
}

}  // namespace irqd::netlink
