// get_channels() and ChannelEvents over libnl-genl: family and "monitor" group resolved through
// the generic netlink controller, CHANNELS_GET as one synchronous request, CHANNELS_NTF decoded
// from the multicast group.
#include "netlink/ethtool_channels.hpp"

#include <fmt/format.h>
#include <linux/ethtool_netlink.h>
#include <linux/genetlink.h>
#include <netlink/attr.h>
#include <netlink/errno.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/handlers.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>

#include <climits>
#include <cstdint>
#include <utility>

#include "netlink/multicast.hpp"
#include "netlink/netdev_queues.hpp"  // NetlinkError

namespace irqd::netlink {
namespace {

struct MsgFree {
  void operator()(nl_msg* m) const { nlmsg_free(m); }
};

std::unique_ptr<nl_sock, NlSockFree> connect_genl() {
  std::unique_ptr<nl_sock, NlSockFree> sock(nl_socket_alloc());
  if (!sock) throw NetlinkError("ethtool: cannot allocate a netlink socket");
  if (int err = genl_connect(sock.get()); err < 0) {
    throw NetlinkError(fmt::format("ethtool: cannot open a generic netlink socket: {}", nl_geterror(err)));
  }
  return sock;
}

int u32_attr(nlattr* a) {
  if (a == nullptr || nla_len(a) < static_cast<int>(sizeof(std::uint32_t))) return 0;
  const std::uint32_t v = nla_get_u32(a);
  return v > static_cast<std::uint32_t>(INT_MAX) ? INT_MAX : static_cast<int>(v);
}

int parse_channels(nl_msg* msg, void* arg) {
  auto* out = static_cast<std::optional<Channels>*>(arg);
  nlattr* tb[ETHTOOL_A_CHANNELS_MAX + 1] = {};
  if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, ETHTOOL_A_CHANNELS_MAX, nullptr) < 0) return NL_SKIP;
  Channels c;
  c.rx = u32_attr(tb[ETHTOOL_A_CHANNELS_RX_COUNT]);
  c.tx = u32_attr(tb[ETHTOOL_A_CHANNELS_TX_COUNT]);
  c.other = u32_attr(tb[ETHTOOL_A_CHANNELS_OTHER_COUNT]);
  c.combined = u32_attr(tb[ETHTOOL_A_CHANNELS_COMBINED_COUNT]);
  c.max_rx = u32_attr(tb[ETHTOOL_A_CHANNELS_RX_MAX]);
  c.max_tx = u32_attr(tb[ETHTOOL_A_CHANNELS_TX_MAX]);
  c.max_other = u32_attr(tb[ETHTOOL_A_CHANNELS_OTHER_MAX]);
  c.max_combined = u32_attr(tb[ETHTOOL_A_CHANNELS_COMBINED_MAX]);
  *out = c;
  return NL_OK;
}

int on_notification(nl_msg* msg, void* arg) { return static_cast<ChannelEvents*>(arg)->handle(nlmsg_hdr(msg)); }

}  // namespace

bool ethtool_family_present() {
  auto sock = connect_genl();
  const int family = genl_ctrl_resolve(sock.get(), ETHTOOL_GENL_NAME);
  if (family == -NLE_OBJ_NOTFOUND) return false;
  if (family < 0) throw NetlinkError(fmt::format("ethtool: family lookup failed: {}", nl_geterror(family)));
  return true;
}

std::optional<Channels> get_channels(int ifindex) {
  auto sock = connect_genl();
  const int family = genl_ctrl_resolve(sock.get(), ETHTOOL_GENL_NAME);
  if (family == -NLE_OBJ_NOTFOUND) return std::nullopt;  // kernel before 5.6
  if (family < 0) throw NetlinkError(fmt::format("ethtool: family lookup failed: {}", nl_geterror(family)));

  std::unique_ptr<nl_msg, MsgFree> msg(nlmsg_alloc());
  if (!msg) throw NetlinkError("ethtool: out of memory building a request");
  if (!genlmsg_put(msg.get(), NL_AUTO_PORT, NL_AUTO_SEQ, family, 0, 0, ETHTOOL_MSG_CHANNELS_GET, ETHTOOL_GENL_VERSION)) {
    throw NetlinkError("ethtool: cannot build a request header");
  }
  nlattr* header = nla_nest_start(msg.get(), ETHTOOL_A_CHANNELS_HEADER);
  if (header == nullptr || nla_put_u32(msg.get(), ETHTOOL_A_HEADER_DEV_INDEX, static_cast<std::uint32_t>(ifindex)) < 0) {
    throw NetlinkError("ethtool: cannot build a channels request");
  }
  nla_nest_end(msg.get(), header);

  std::optional<Channels> out;
  nl_socket_modify_cb(sock.get(), NL_CB_VALID, NL_CB_CUSTOM, parse_channels, &out);
  // nl_send_sync sends, waits for the ACK (the reply arrives before it) and frees the message.
  const int err = nl_send_sync(sock.get(), msg.release());
  if (err == -NLE_OPNOTSUPP) return std::nullopt;  // the driver has no get_channels
  if (err < 0) {
    throw NetlinkError(fmt::format("ethtool: channels of ifindex {} cannot be read: {}", ifindex, nl_geterror(err)));
  }
  return out;
}

ChannelEvents::ChannelEvents(Callback on_change) : on_change_(std::move(on_change)) {
  sock_.reset(connect_genl().release());
  family_ = genl_ctrl_resolve(sock_.get(), ETHTOOL_GENL_NAME);
  if (family_ < 0) throw NetlinkError(fmt::format("ethtool: no generic netlink family: {}", nl_geterror(family_)));
  const int group = genl_ctrl_resolve_grp(sock_.get(), ETHTOOL_GENL_NAME, ETHTOOL_MCGRP_MONITOR_NAME);
  if (group < 0) throw NetlinkError(fmt::format("ethtool: no monitor group: {}", nl_geterror(group)));
  nl_socket_disable_seq_check(sock_.get());
  nl_socket_modify_cb(sock_.get(), NL_CB_VALID, NL_CB_CUSTOM, on_notification, this);
  if (int err = nl_socket_add_membership(sock_.get(), group); err < 0) {
    throw NetlinkError(fmt::format("ethtool: cannot subscribe to the monitor group: {}", nl_geterror(err)));
  }
  if (int err = nl_socket_set_nonblocking(sock_.get()); err < 0) {
    throw NetlinkError(fmt::format("ethtool: cannot make the monitor socket non-blocking: {}", nl_geterror(err)));
  }
}

ChannelEvents::~ChannelEvents() = default;

int ChannelEvents::fd() const { return nl_socket_get_fd(sock_.get()); }

int ChannelEvents::handle(const void* nlh) {
  auto* hdr = static_cast<nlmsghdr*>(const_cast<void*>(nlh));
  if (hdr->nlmsg_type != family_ || !genlmsg_valid_hdr(hdr, 0)) return NL_OK;
  const auto* genl = static_cast<const genlmsghdr*>(nlmsg_data(hdr));
  if (genl->cmd != ETHTOOL_MSG_CHANNELS_NTF) return NL_OK;
  nlattr* tb[ETHTOOL_A_CHANNELS_MAX + 1] = {};
  if (genlmsg_parse(hdr, 0, tb, ETHTOOL_A_CHANNELS_MAX, nullptr) < 0 || tb[ETHTOOL_A_CHANNELS_HEADER] == nullptr) {
    return NL_OK;
  }
  nlattr* hb[ETHTOOL_A_HEADER_MAX + 1] = {};
  if (nla_parse_nested(hb, ETHTOOL_A_HEADER_MAX, tb[ETHTOOL_A_CHANNELS_HEADER], nullptr) < 0) return NL_OK;
  const int ifindex = u32_attr(hb[ETHTOOL_A_HEADER_DEV_INDEX]);
  if (ifindex <= 0) return NL_OK;
  try {
    on_change_(ifindex);
    return NL_OK;
  } catch (...) {
    pending_ = std::current_exception();  // rethrown by process(), outside libnl's C frames
    return NL_STOP;
  }
}

void ChannelEvents::process() {
  drain_multicast(sock_.get(), pending_, [this] { on_change_(0); }, "ethtool monitor");
}

}  // namespace irqd::netlink
