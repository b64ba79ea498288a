// Walking generic netlink replies held as bytes: framing, NLMSG_DONE / NLMSG_ERROR with their
// extended-ack TLVs, and attribute reading. Nothing here trusts a length it has not checked: the
// same code parses the kernel's answers, recorded files and fuzzer input.
#include "netlink/genl_reply.hpp"

#include <fmt/format.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include <climits>
#include <cstring>

namespace irqd::netlink {
namespace {

constexpr std::size_t kAlign = 4;  // NLMSG_ALIGNTO and NLA_ALIGNTO
constexpr std::size_t align4(std::size_t n) { return (n + kAlign - 1) & ~(kAlign - 1); }
constexpr std::size_t kHdrLen = align4(sizeof(nlmsghdr));
constexpr std::size_t kGenlHdrLen = align4(sizeof(genlmsghdr));
constexpr std::size_t kAttrHdrLen = align4(sizeof(nlattr));
constexpr std::uint16_t kTypeMask =
    static_cast<std::uint16_t>(~(NLA_F_NESTED | NLA_F_NET_BYTEORDER));

template <typename T>
T read_at(Bytes buf, std::size_t offset) {
  T v{};
  std::memcpy(&v, buf.data() + offset, sizeof(T));
  return v;
}

// A negative errno as the kernel sends it (-1 .. -4095, MAX_ERRNO) made positive; 0 for none.
// Anything else cannot come from a kernel (and INT_MIN could not even be negated).
int errno_of(int raw) {
  if (raw == 0) return 0;
  if (raw < -4095 || raw > 0)
    throw NetlinkError(fmt::format("netlink: malformed reply, error code {}", raw));
  return -raw;
}

// The NLMSGERR_ATTR_MSG text among the TLVs at the end of an error or done message.
std::string ext_ack_text(Bytes tlvs) {
  try {
    for (const Attr& a : parse_attrs(tlvs))
      if (a.type == NLMSGERR_ATTR_MSG) return get_string(a.data);
  } catch (const NetlinkError&) {
    // A broken TLV area only loses the reason text, not the errno.
  }
  return {};
}

// NLMSG_ERROR: struct nlmsgerr (errno, then the request's header, and its payload unless the
// socket asked for NETLINK_CAP_ACK or the kernel capped it), then the TLVs when NLM_F_ACK_TLVS.
void read_error(Bytes msg, std::uint16_t flags, ReplyEnd& end) {
  if (msg.size() < kHdrLen + sizeof(nlmsgerr))
    throw NetlinkError("netlink: malformed reply, error message cut short");
  end.error = errno_of(read_at<int>(msg, kHdrLen));
  if ((flags & NLM_F_ACK_TLVS) == 0) return;
  std::size_t offset = kHdrLen + sizeof(nlmsgerr);
  if ((flags & NLM_F_CAPPED) == 0) {
    const auto request = read_at<nlmsghdr>(msg, kHdrLen + sizeof(int));
    if (request.nlmsg_len < kHdrLen) return;
    offset += align4(request.nlmsg_len) - kHdrLen;
  }
  offset = align4(offset);
  if (offset < msg.size()) end.ext_ack = ext_ack_text(msg.subspan(offset));
}

// NLMSG_DONE: a dump that failed in the kernel after it started reports its errno here.
void read_done(Bytes msg, std::uint16_t flags, ReplyEnd& end) {
  if (msg.size() < kHdrLen + sizeof(int)) return;  // an old-style empty DONE
  // A dump's DONE carries 0 (or, from old kernels, the length of nothing); negative is an errno.
  const int error = read_at<int>(msg, kHdrLen);
  if (error < 0) end.error = errno_of(error);
  const std::size_t offset = align4(kHdrLen + sizeof(int));
  if ((flags & NLM_F_ACK_TLVS) != 0 && offset < msg.size())
    end.ext_ack = ext_ack_text(msg.subspan(offset));
}

}  // namespace

ReplyEnd walk_reply(Bytes buf, const std::function<void(const GenlMessage&)>& on_message) {
  ReplyEnd end;
  std::size_t pos = 0;
  while (pos < buf.size()) {
    if (buf.size() - pos < kHdrLen)
      throw NetlinkError("netlink: malformed reply, message header cut short");
    const auto hdr = read_at<nlmsghdr>(buf, pos);
    if (hdr.nlmsg_len < kHdrLen || hdr.nlmsg_len > buf.size() - pos) {
      throw NetlinkError(
          fmt::format("netlink: malformed reply, message length {} with {} bytes left",
                      hdr.nlmsg_len, buf.size() - pos));
    }
    const Bytes msg = buf.subspan(pos, hdr.nlmsg_len);
    if ((hdr.nlmsg_flags & NLM_F_DUMP_INTR) != 0) end.interrupted = true;
    if (hdr.nlmsg_type == NLMSG_ERROR) {
      read_error(msg, hdr.nlmsg_flags, end);
      end.ended = true;
      return end;
    }
    if (hdr.nlmsg_type == NLMSG_DONE) {
      read_done(msg, hdr.nlmsg_flags, end);
      end.ended = true;
      return end;
    }
    if (hdr.nlmsg_type >= NLMSG_MIN_TYPE) {
      if (msg.size() < kHdrLen + kGenlHdrLen)
        throw NetlinkError("netlink: malformed reply, generic header cut short");
      GenlMessage m;
      m.type = hdr.nlmsg_type;
      m.flags = hdr.nlmsg_flags;
      m.cmd = read_at<genlmsghdr>(msg, kHdrLen).cmd;
      m.attrs = msg.subspan(kHdrLen + kGenlHdrLen);
      if (on_message) on_message(m);
    }  // NLMSG_NOOP / NLMSG_OVERRUN carry nothing for us
    pos += align4(hdr.nlmsg_len);
  }
  return end;
}

bool reply_complete(Bytes buf, bool dump) {
  std::size_t pos = 0;
  while (pos < buf.size()) {
    if (buf.size() - pos < kHdrLen) return true;
    const auto hdr = read_at<nlmsghdr>(buf, pos);
    if (hdr.nlmsg_len < kHdrLen || hdr.nlmsg_len > buf.size() - pos) return true;
    if (hdr.nlmsg_type == NLMSG_ERROR || hdr.nlmsg_type == NLMSG_DONE) return true;
    if (!dump && hdr.nlmsg_type >= NLMSG_MIN_TYPE && (hdr.nlmsg_flags & NLM_F_MULTI) == 0)
      return true;
    pos += align4(hdr.nlmsg_len);
  }
  return false;
}

void throw_if_error(const ReplyEnd& end, const std::string& what) {
  if (end.error == 0) return;
  std::string text = fmt::format("{}: {}", what, std::strerror(end.error));
  if (!end.ext_ack.empty()) text += fmt::format(" ({})", end.ext_ack);
  throw KernelError(text, end.error, end.ext_ack);
}

std::vector<Attr> parse_attrs(Bytes buf) {
  std::vector<Attr> out;
  std::size_t pos = 0;
  while (pos < buf.size()) {
    if (buf.size() - pos < kAttrHdrLen)
      throw NetlinkError("netlink: malformed reply, attribute header cut short");
    const auto nla = read_at<nlattr>(buf, pos);
    if (nla.nla_len < kAttrHdrLen || nla.nla_len > buf.size() - pos) {
      throw NetlinkError(
          fmt::format("netlink: malformed reply, attribute {} length {} with {} bytes left",
                      nla.nla_type & kTypeMask, nla.nla_len, buf.size() - pos));
    }
    out.push_back({static_cast<std::uint16_t>(nla.nla_type & kTypeMask),
                   buf.subspan(pos + kAttrHdrLen, nla.nla_len - kAttrHdrLen)});
    pos += align4(nla.nla_len);
  }
  return out;
}

std::optional<std::uint64_t> get_uint(const std::optional<Bytes>& a, const char* what,
                                      std::uint64_t max) {
  if (!a) return std::nullopt;
  std::uint64_t v = 0;
  switch (a->size()) {
    case 1:
      v = read_at<std::uint8_t>(*a, 0);
      break;
    case 2:
      v = read_at<std::uint16_t>(*a, 0);
      break;
    case 4:
      v = read_at<std::uint32_t>(*a, 0);
      break;
    case 8:
      v = read_at<std::uint64_t>(*a, 0);
      break;
    default:
      throw NetlinkError(
          fmt::format("netlink: malformed reply, {} is {} bytes, not an integer", what, a->size()));
  }
  if (v > max)
    throw NetlinkError(fmt::format("netlink: malformed reply, {} out of range: {}", what, v));
  return v;
}

std::uint64_t require_uint(const std::optional<Bytes>& a, const char* what, std::uint64_t max) {
  auto v = get_uint(a, what, max);
  if (!v) throw NetlinkError(fmt::format("netlink: malformed reply, {} missing", what));
  return *v;
}

std::optional<int> get_id(const std::optional<Bytes>& a, const char* what) {
  auto v = get_uint(a, what, INT_MAX);
  if (!v) return std::nullopt;
  return static_cast<int>(*v);
}

int require_id(const std::optional<Bytes>& a, const char* what) {
  return static_cast<int>(require_uint(a, what, INT_MAX));
}

std::string get_string(Bytes a) {
  std::string s(reinterpret_cast<const char*>(a.data()), a.size());
  if (auto nul = s.find('\0'); nul != std::string::npos) s.resize(nul);
  return s;
}

}  // namespace irqd::netlink
