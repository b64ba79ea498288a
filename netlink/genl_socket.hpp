// GenlSocket: one generic netlink socket (libnl-genl) that sends a request and hands back the
// reply as raw bytes, every message up to the closing NLMSG_DONE / NLMSG_ERROR. Parsing is left
// to netlink/genl_reply.hpp, so recorded replies take exactly the kernel's path.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

struct nl_msg;
struct nl_sock;

namespace irqd::netlink {

class GenlSocket {
 public:
  // Opens and connects the socket in the caller's network namespace, asking for extended-ack
  // text without the echoed request. Throws NetlinkError.
  GenlSocket();
  ~GenlSocket();
  GenlSocket(const GenlSocket&) = delete;
  GenlSocket& operator=(const GenlSocket&) = delete;

  // Sends one request (`flags`: NLM_F_DUMP, NLM_F_ACK, ...) whose attributes add_attrs puts (may
  // be empty) and returns the reply's messages. Kernel errors are in the bytes, not thrown; local
  // failures (socket, libnl, a reply that never ends) throw NetlinkError.
  std::vector<std::byte> request(int family, std::uint8_t cmd, std::uint8_t version, int flags,
                                 const std::function<void(nl_msg*)>& add_attrs);

 private:
  struct SockDeleter {
    void operator()(nl_sock* s) const;
  };
  std::unique_ptr<nl_sock, SockDeleter> sock_;
};

}  // namespace irqd::netlink
