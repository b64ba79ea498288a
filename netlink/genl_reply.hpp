// Generic netlink replies as raw bytes: walking the messages of one reply (data messages, the
// closing NLMSG_DONE or NLMSG_ERROR with its extended-ack text, NLM_F_DUMP_INTR) and reading
// their attributes, with every length checked. Shared by the kernel socket, recorded replies and
// the fuzz targets, so a reply is parsed the same way wherever it came from.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "netlink/netdev_queues.hpp"

namespace irqd::netlink {

using Bytes = std::span<const std::byte>;

// A request the kernel refused: its errno and extended-ack text ("" when it gave none).
class KernelError : public NetlinkError {
 public:
  KernelError(const std::string& what, int error, std::string ext_ack)
      : NetlinkError(what), error_(error), ext_ack_(std::move(ext_ack)) {}
  int error() const { return error_; }  // positive errno
  const std::string& ext_ack() const { return ext_ack_; }

 private:
  int error_;
  std::string ext_ack_;
};

// One generic netlink data message of a reply.
struct GenlMessage {
  std::uint16_t type = 0;   // the family id
  std::uint16_t flags = 0;  // NLM_F_*
  std::uint8_t cmd = 0;
  Bytes attrs;  // after the genl header
};

// How a reply ended.
struct ReplyEnd {
  bool ended = false;        // an NLMSG_DONE or NLMSG_ERROR (ack) closed it
  int error = 0;             // positive errno from NLMSG_ERROR or NLMSG_DONE, 0: none
  std::string ext_ack;       // NLMSGERR_ATTR_MSG
  bool interrupted = false;  // some message carried NLM_F_DUMP_INTR
};

// Walks every netlink message in `buf` (one recv buffer or several concatenated), handing each
// data message to on_message (may be empty). Throws NetlinkError when the framing is broken: a
// header cut short, a length beyond the buffer, a data message without its genl header.
ReplyEnd walk_reply(Bytes buf, const std::function<void(const GenlMessage&)>& on_message);

// Whether `buf` holds a complete reply: a dump's ends with NLMSG_DONE or NLMSG_ERROR (its data
// messages need not carry NLM_F_MULTI: netdev's do not), a plain request's with its first data
// message or NLMSG_ERROR. Broken framing counts as complete (walk_reply then says why).
bool reply_complete(Bytes buf, bool dump);

// Throws KernelError ("<what>: <strerror> (<ext-ack>)") when the reply ended in an error.
void throw_if_error(const ReplyEnd& end, const std::string& what);

// Attributes by type (flags NLA_F_NESTED / NLA_F_NET_BYTEORDER stripped); types above N-1 are
// ignored, a later duplicate wins. Throws NetlinkError on a malformed attribute.
template <std::size_t N>
struct AttrTable {
  std::array<std::optional<Bytes>, N> at{};
  const std::optional<Bytes>& operator[](int type) const {
    return at[static_cast<std::size_t>(type)];
  }
};

// Every attribute in order, for nests whose types are indexes (policy and op lists).
struct Attr {
  std::uint16_t type = 0;
  Bytes data;
};
std::vector<Attr> parse_attrs(Bytes buf);

template <std::size_t N>
AttrTable<N> attr_table(Bytes buf) {
  AttrTable<N> t;
  for (const Attr& a : parse_attrs(buf))
    if (a.type < N) t.at[a.type] = a.data;
  return t;
}

// Unsigned integers of 1, 2, 4 or 8 bytes (NLA_UINT is 4 or 8); nullopt when absent. Throws
// NetlinkError naming `what` when the length is none of those, or above `max`.
std::optional<std::uint64_t> get_uint(const std::optional<Bytes>& a, const char* what,
                                      std::uint64_t max = UINT64_MAX);
std::uint64_t require_uint(const std::optional<Bytes>& a, const char* what,
                           std::uint64_t max = UINT64_MAX);
// An int-sized id (ifindex, queue, NAPI, IRQ, pid): u32 on the wire, small and positive in
// practice.
std::optional<int> get_id(const std::optional<Bytes>& a, const char* what);
int require_id(const std::optional<Bytes>& a, const char* what);
// A NUL-terminated (or not) string attribute.
std::string get_string(Bytes a);

}  // namespace irqd::netlink
