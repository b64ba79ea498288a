// dump_queue_irqs(): the netdev genetlink family's queue-get and napi-get dumps (libnl-genl),
// joined into queue -> NAPI -> IRQ. Owns the family probe (does the kernel know the commands?),
// the dump plumbing (callbacks, kernel errors with their extended-ack text) and the reply parsing.
#include "netlink/netdev_queues.hpp"

#include <fmt/format.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <netlink/attr.h>
#include <netlink/errno.h>
#include <netlink/genl/genl.h>
#include <netlink/handlers.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdint>
#include <cstring>
#include <exception>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <unordered_map>

namespace irqd::netlink {
namespace {

// Command and attribute numbers of include/uapi/linux/netdev.h (generated from
// Documentation/netlink/specs/netdev.yaml; queue-get and napi-get exist since Linux 6.8). Debian
// 12's linux-libc-dev predates that header, so they are spelled out here; they are uapi and
// never renumbered. Note the attribute order differs between the two objects (ID/IFINDEX).
constexpr std::uint8_t kFamilyVersion = 1;
constexpr std::uint8_t kCmdQueueGet = 10;  // NETDEV_CMD_QUEUE_GET
constexpr std::uint8_t kCmdNapiGet = 11;   // NETDEV_CMD_NAPI_GET

constexpr int kAQueueId = 1;       // NETDEV_A_QUEUE_ID (u32)
constexpr int kAQueueIfindex = 2;  // NETDEV_A_QUEUE_IFINDEX (u32)
constexpr int kAQueueType = 3;     // NETDEV_A_QUEUE_TYPE (u32, enum netdev_queue_type)
constexpr int kAQueueNapiId = 4;   // NETDEV_A_QUEUE_NAPI_ID (u32, absent without NAPI)
constexpr int kAQueueMax = 4;

constexpr int kANapiIfindex = 1;  // NETDEV_A_NAPI_IFINDEX (u32)
constexpr int kANapiId = 2;       // NETDEV_A_NAPI_ID (u32)
constexpr int kANapiIrq = 3;      // NETDEV_A_NAPI_IRQ (u32, absent when the NAPI has no IRQ)
constexpr int kANapiMax = 3;

constexpr std::uint32_t kQueueTypeRx = 0;  // NETDEV_QUEUE_TYPE_RX
constexpr std::uint32_t kQueueTypeTx = 1;  // NETDEV_QUEUE_TYPE_TX

// A dump the kernel flags as interrupted (NLM_F_DUMP_INTR: devices changed under it) is retried
// this many times before giving up.
constexpr int kDumpAttempts = 3;

// NLMSG_HDRLEN without the macro's C-style cast.
constexpr std::size_t kNlmsgHdrLen = (sizeof(nlmsghdr) + NLMSG_ALIGNTO - 1) & ~std::size_t{NLMSG_ALIGNTO - 1};

struct SockDeleter {
  void operator()(nl_sock* s) const { nl_socket_free(s); }
};
struct MsgDeleter {
  void operator()(nl_msg* m) const { nlmsg_free(m); }
};
struct CbDeleter {
  void operator()(nl_cb* c) const { nl_cb_put(c); }
};
using SockPtr = std::unique_ptr<nl_sock, SockDeleter>;
using MsgPtr = std::unique_ptr<nl_msg, MsgDeleter>;
using CbPtr = std::unique_ptr<nl_cb, CbDeleter>;

// What one request ended with: the kernel's errno (0: none) and its extended-ack message.
struct KernelError {
  int error = 0;  // positive errno
  std::string message;
};

// State shared with the C callbacks of one request. Exceptions must not cross libnl's C frames,
// so the message handler's exception is parked here and rethrown after nl_recvmsgs returns.
struct RequestState {
  const std::function<void(nlmsghdr*)>* on_message = nullptr;
  KernelError kernel;
  std::exception_ptr exception;
};

int on_valid(nl_msg* msg, void* arg) {
  auto* state = static_cast<RequestState*>(arg);
  try {
    (*state->on_message)(nlmsg_hdr(msg));
    return NL_OK;
  } catch (...) {
    state->exception = std::current_exception();
    return NL_STOP;
  }
}

constexpr std::size_t align4(std::size_t n) { return (n + NLMSG_ALIGNTO - 1) & ~std::size_t{NLMSG_ALIGNTO - 1}; }

// The NLMSGERR_ATTR_MSG text (the kernel's reason, e.g. which attribute it rejected) from the
// extended-ack TLVs that start `offset` bytes into an error or done message, if any.
std::string extack_message(const nlmsghdr* hdr, std::size_t offset) {
  offset = align4(offset);
  if ((hdr->nlmsg_flags & NLM_F_ACK_TLVS) == 0 || offset >= hdr->nlmsg_len) return {};
  const auto* tlvs = reinterpret_cast<const nlattr*>(reinterpret_cast<const char*>(hdr) + offset);
  const nlattr* text = nla_find(tlvs, static_cast<int>(hdr->nlmsg_len - offset), NLMSGERR_ATTR_MSG);
  if (text == nullptr) return {};
  char buf[256] = {};
  nla_strlcpy(buf, text, sizeof(buf));
  return buf;
}

// NLMSG_ERROR: a request the kernel refused (unknown family or command, policy violation).
// libnl hands us the payload only; the header sits right before it in the same buffer.
int on_error(sockaddr_nl* /*nla*/, nlmsgerr* err, void* arg) {
  auto* state = static_cast<RequestState*>(arg);
  state->kernel.error = -err->error;
  const auto* hdr = reinterpret_cast<const nlmsghdr*>(reinterpret_cast<const char*>(err) - kNlmsgHdrLen);
  std::size_t offset = kNlmsgHdrLen + sizeof(nlmsgerr);
  if ((hdr->nlmsg_flags & NLM_F_CAPPED) == 0) offset += align4(err->msg.nlmsg_len) - kNlmsgHdrLen;
  state->kernel.message = extack_message(hdr, offset);
  return NL_STOP;
}

// NLMSG_DONE: a dump that started but then failed in the kernel (e.g. ENODEV for a filtered
// ifindex) reports its errno here, not in an NLMSG_ERROR. libnl 3.7 ignores that payload and
// calls it a clean end of dump, so it is read here.
int on_finish(nl_msg* msg, void* arg) {
  auto* state = static_cast<RequestState*>(arg);
  const nlmsghdr* hdr = nlmsg_hdr(msg);
  if (hdr->nlmsg_len >= kNlmsgHdrLen + sizeof(int)) {
    int error = 0;
    std::memcpy(&error, reinterpret_cast<const char*>(hdr) + kNlmsgHdrLen, sizeof(error));
    if (error < 0) {
      state->kernel.error = -error;
      state->kernel.message = extack_message(hdr, kNlmsgHdrLen + sizeof(int));
    }
  }
  return NL_STOP;
}

struct Reply {
  KernelError kernel;
  bool interrupted = false;  // NLM_F_DUMP_INTR: devices changed during the dump, it may be inconsistent
};

std::string describe(const KernelError& k) {
  std::string text = std::strerror(k.error);
  if (!k.message.empty()) text += " (" + k.message + ")";
  return text;
}

class GenlSocket {
 public:
  GenlSocket() : sock_(nl_socket_alloc()) {
    if (!sock_) throw NetlinkError("netdev: cannot allocate a netlink socket");
    // Dumps end with NLMSG_DONE and errors always arrive, so ACKs would only have to be drained.
    nl_socket_disable_auto_ack(sock_.get());
    if (int err = genl_connect(sock_.get()); err < 0) {
      throw NetlinkError(fmt::format("netdev: cannot open a generic netlink socket: {}", nl_geterror(err)));
    }
    // Best effort: ask for the kernel's reason text with errors, without the echoed request.
    const int one = 1;
    const int fd = nl_socket_get_fd(sock_.get());
    setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
    setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
  }

  // Sends one request (a dump when `flags` has NLM_F_DUMP) and hands every reply message to
  // on_message. Kernel errors are returned; local failures (socket, libnl) throw NetlinkError.
  Reply request(int family, std::uint8_t cmd, std::uint8_t version, int flags,
                const std::function<void(nl_msg*)>& add_attrs,
                const std::function<void(nlmsghdr*)>& on_message) {
    MsgPtr msg(nlmsg_alloc());
    if (!msg) throw NetlinkError("netdev: out of memory building a request");
    if (!genlmsg_put(msg.get(), NL_AUTO_PORT, NL_AUTO_SEQ, family, 0, flags, cmd, version)) {
      throw NetlinkError("netdev: cannot build a request header");
    }
    if (add_attrs) add_attrs(msg.get());

    CbPtr cb(nl_cb_alloc(NL_CB_DEFAULT));
    if (!cb) throw NetlinkError("netdev: out of memory allocating callbacks");
    RequestState state;
    state.on_message = &on_message;
    nl_cb_set(cb.get(), NL_CB_VALID, NL_CB_CUSTOM, on_valid, &state);
    nl_cb_err(cb.get(), NL_CB_CUSTOM, on_error, &state);
    nl_cb_set(cb.get(), NL_CB_FINISH, NL_CB_CUSTOM, on_finish, &state);

    if (int err = nl_send_auto(sock_.get(), msg.get()); err < 0) {
      throw NetlinkError(fmt::format("netdev: cannot send a request: {}", nl_geterror(err)));
    }
    const int err = nl_recvmsgs(sock_.get(), cb.get());
    if (state.exception) std::rethrow_exception(state.exception);
    Reply reply{state.kernel, err == -NLE_DUMP_INTR};
    if (err < 0 && reply.kernel.error == 0 && !reply.interrupted) {
      throw NetlinkError(fmt::format("netdev: receiving a reply failed: {}", nl_geterror(err)));
    }
    return reply;
  }

 private:
  SockPtr sock_;
};

std::optional<std::uint32_t> get_u32(nlattr* attr, const char* what) {
  if (attr == nullptr) return std::nullopt;
  if (nla_len(attr) < static_cast<int>(sizeof(std::uint32_t))) {
    throw NetlinkError(fmt::format("netdev: malformed reply, {} is not a u32", what));
  }
  return nla_get_u32(attr);
}

std::uint32_t require_u32(nlattr* attr, const char* what) {
  auto v = get_u32(attr, what);
  if (!v) throw NetlinkError(fmt::format("netdev: malformed reply, {} missing", what));
  return *v;
}

// Ifindex, queue and NAPI ids are u32 on the wire but small positive ints in practice.
int to_int(std::uint32_t v, const char* what) {
  if (v > static_cast<std::uint32_t>(INT_MAX)) {
    throw NetlinkError(fmt::format("netdev: malformed reply, {} out of range: {}", what, v));
  }
  return static_cast<int>(v);
}

// The family's id and which of its commands can be dumped, from the controller
// (CTRL_CMD_GETFAMILY). This is the request genl_ctrl_resolve() makes, but that helper keeps the
// op list private, and only the op list tells "kernel lacks queue-get" (-> nullopt) apart from
// "queue-get failed" (-> error): both come back as EOPNOTSUPP from the dump itself.
struct Family {
  int id = 0;
  std::set<std::uint32_t> dumpable;
};

std::optional<Family> probe_family(GenlSocket& sock, const NetdevOptions& opts) {
  Family family;
  const auto add = [&opts](nl_msg* m) {
    if (nla_put_string(m, CTRL_ATTR_FAMILY_NAME, opts.family.c_str()) < 0) {
      throw NetlinkError("netdev: cannot build the family lookup");
    }
  };
  const auto parse = [&family](nlmsghdr* nlh) {
    nlattr* tb[CTRL_ATTR_MAX + 1] = {};
    if (genlmsg_parse(nlh, 0, tb, CTRL_ATTR_MAX, nullptr) < 0) {
      throw NetlinkError("netdev: malformed family lookup reply");
    }
    if (tb[CTRL_ATTR_FAMILY_ID] == nullptr) throw NetlinkError("netdev: family lookup reply has no id");
    family.id = nla_get_u16(tb[CTRL_ATTR_FAMILY_ID]);
    if (tb[CTRL_ATTR_OPS] == nullptr) return;
    int rem = nla_len(tb[CTRL_ATTR_OPS]);
    for (auto* op = static_cast<nlattr*>(nla_data(tb[CTRL_ATTR_OPS])); nla_ok(op, rem); op = nla_next(op, &rem)) {
      nlattr* ob[CTRL_ATTR_OP_MAX + 1] = {};
      if (nla_parse_nested(ob, CTRL_ATTR_OP_MAX, op, nullptr) < 0) continue;
      auto id = get_u32(ob[CTRL_ATTR_OP_ID], "op id");
      auto flags = get_u32(ob[CTRL_ATTR_OP_FLAGS], "op flags");
      if (id && flags && (*flags & GENL_CMD_CAP_DUMP) != 0) family.dumpable.insert(*id);
    }
  };
  const KernelError k = sock.request(GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1, 0, add, parse).kernel;
  if (k.error == ENOENT) return std::nullopt;  // no netdev family (kernel < 6.2)
  if (k.error != 0) {
    throw NetlinkError(fmt::format("netdev: looking up the generic netlink family failed: {}", describe(k)));
  }
  if (family.id == 0) throw NetlinkError("netdev: family lookup returned no reply");
  if (opts.without_queue_get) family.dumpable.erase(kCmdQueueGet);
  if (opts.without_napi_get) family.dumpable.erase(kCmdNapiGet);
  return family;
}

// One dump with retries on NLM_F_DUMP_INTR; `reset` clears what an interrupted attempt collected.
KernelError dump(GenlSocket& sock, const Family& family, std::uint8_t cmd, const char* name,
                 const std::function<void(nl_msg*)>& add_attrs,
                 const std::function<void(nlmsghdr*)>& on_message, const std::function<void()>& reset) {
  for (int attempt = 1;; ++attempt) {
    const Reply r = sock.request(family.id, cmd, kFamilyVersion, NLM_F_DUMP, add_attrs, on_message);
    if (r.kernel.error != 0 || !r.interrupted) return r.kernel;
    if (attempt == kDumpAttempts) {
      throw NetlinkError(fmt::format("netdev: {} dump kept being interrupted by device changes", name));
    }
    reset();
  }
}

struct Napi {
  int ifindex = 0;
  int irq = -1;
};

std::vector<QueueIrq> dump_queues(GenlSocket& sock, const Family& family) {
  std::vector<QueueIrq> queues;
  const auto parse = [&queues](nlmsghdr* nlh) {
    nlattr* tb[kAQueueMax + 1] = {};
    if (genlmsg_parse(nlh, 0, tb, kAQueueMax, nullptr) < 0) {
      throw NetlinkError("netdev: malformed queue-get reply");
    }
    QueueIrq q;
    q.ifindex = to_int(require_u32(tb[kAQueueIfindex], "queue ifindex"), "queue ifindex");
    q.queue = to_int(require_u32(tb[kAQueueId], "queue id"), "queue id");
    const std::uint32_t type = require_u32(tb[kAQueueType], "queue type");
    if (type != kQueueTypeRx && type != kQueueTypeTx) return;  // a queue kind newer than us
    q.rx = type == kQueueTypeRx;
    if (auto napi = get_u32(tb[kAQueueNapiId], "queue napi-id")) q.napi_id = to_int(*napi, "napi id");
    queues.push_back(q);
  };
  const KernelError k = dump(sock, family, kCmdQueueGet, "queue-get", nullptr, parse, [&queues] { queues.clear(); });
  if (k.error != 0) throw NetlinkError(fmt::format("netdev: queue-get dump failed: {}", describe(k)));
  return queues;
}

// napi-get dump, all devices at once. Every kernel with the command accepts that (the ifindex is
// optional in the dump policy since 6.8); should one insist on an ifindex (EINVAL), fall back to
// one dump per device that has queues.
std::unordered_map<int, Napi> dump_napis(GenlSocket& sock, const Family& family, const std::vector<QueueIrq>& queues) {
  std::unordered_map<int, Napi> napis;
  const auto parse = [&napis](nlmsghdr* nlh) {
    nlattr* tb[kANapiMax + 1] = {};
    if (genlmsg_parse(nlh, 0, tb, kANapiMax, nullptr) < 0) {
      throw NetlinkError("netdev: malformed napi-get reply");
    }
    Napi n;
    const int id = to_int(require_u32(tb[kANapiId], "napi id"), "napi id");
    n.ifindex = to_int(require_u32(tb[kANapiIfindex], "napi ifindex"), "napi ifindex");
    if (auto irq = get_u32(tb[kANapiIrq], "napi irq")) n.irq = to_int(*irq, "napi irq");
    napis[id] = n;
  };
  const auto reset = [&napis] { napis.clear(); };
  KernelError k = dump(sock, family, kCmdNapiGet, "napi-get", nullptr, parse, reset);
  if (k.error == EINVAL) {
    std::set<int> ifindexes;
    for (const auto& q : queues) ifindexes.insert(q.ifindex);
    for (int ifindex : ifindexes) {
      const auto add = [ifindex](nl_msg* m) {
        if (nla_put_u32(m, kANapiIfindex, static_cast<std::uint32_t>(ifindex)) < 0) {
          throw NetlinkError("netdev: cannot build a napi-get request");
        }
      };
      k = dump(sock, family, kCmdNapiGet, "napi-get", add, parse, [] {});
      if (k.error == ENODEV) continue;  // the device went away since queue-get
      if (k.error != 0) break;
    }
  }
  if (k.error != 0 && k.error != ENODEV) {
    throw NetlinkError(fmt::format("netdev: napi-get dump failed: {}", describe(k)));
  }
  return napis;
}

}  // namespace

NetdevSupport probe_netdev(const NetdevOptions& opts) {
  GenlSocket sock;
  const std::optional<Family> family = probe_family(sock, opts);
  if (!family) return {};
  return {.family = true,
          .queue_get = family->dumpable.count(kCmdQueueGet) != 0,
          .napi_get = family->dumpable.count(kCmdNapiGet) != 0};
}

std::optional<std::vector<QueueIrq>> dump_queue_irqs(const NetdevOptions& opts) {
  GenlSocket sock;
  const std::optional<Family> family = probe_family(sock, opts);
  if (!family || family->dumpable.count(kCmdQueueGet) == 0) return std::nullopt;

  std::vector<QueueIrq> queues = dump_queues(sock, *family);
  // queue-get and napi-get arrived in the same release; without napi-get the queues stay
  // without IRQs rather than being thrown away.
  if (family->dumpable.count(kCmdNapiGet) != 0) {
    const auto napis = dump_napis(sock, *family, queues);
    for (auto& q : queues) {
      if (q.napi_id < 0) continue;
      auto it = napis.find(q.napi_id);
      // NAPI ids are unique system-wide; the ifindex check only guards against a NAPI that was
      // freed and its id reused for another device between the two dumps.
      if (it != napis.end() && it->second.ifindex == q.ifindex) q.irq = it->second.irq;
    }
  }

  std::sort(queues.begin(), queues.end(), [](const QueueIrq& a, const QueueIrq& b) {
    if (a.ifindex != b.ifindex) return a.ifindex < b.ifindex;
    if (a.rx != b.rx) return a.rx;  // RX before TX
    return a.queue < b.queue;
  });
  return queues;
}

}  // namespace irqd::netlink
