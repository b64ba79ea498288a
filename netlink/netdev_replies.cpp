// Reply parsers of the netdev family and of the controller's family and policy answers. Each
// walks one whole reply with walk_reply, so a kernel error at the end of a dump is thrown with its
// extended-ack text whatever the source of the bytes.
#include "netlink/netdev_replies.hpp"

#include <fmt/format.h>
#include <linux/genetlink.h>

#include <algorithm>
#include <cerrno>
#include <unordered_map>

#include "netlink/netdev_uapi.hpp"

namespace irqd::netlink {
namespace {

// The objects of a dump, one per data message: `one` returns nullopt for a message to leave out.
// The kernel answers with the request's command in each message, so a reply to another command
// (a mixed-up recording) is refused rather than read with the wrong attribute numbers.
template <typename T, typename F>
std::vector<T> parse_dump(Bytes reply, std::uint8_t cmd, const char* what, F one) {
  std::vector<T> out;
  ReplyEnd end;
  try {
    end = walk_reply(reply, [&](const GenlMessage& m) {
      if (m.cmd != cmd)
        throw NetlinkError(fmt::format("netlink: malformed reply, command {}", m.cmd));
      if (std::optional<T> v = one(m.attrs)) out.push_back(std::move(*v));
    });
  } catch (const NetlinkError& e) {
    throw NetlinkError(fmt::format("{} dump: {}", what, e.what()));  // say which reply
  }
  throw_if_error(end, fmt::format("{} dump failed", what));
  // A dump always closes with NLMSG_DONE: without it the reply was cut short, and the objects
  // after the cut are missing, not absent.
  if (!end.ended)
    throw NetlinkError(fmt::format("{} dump: malformed reply, no NLMSG_DONE (cut short)", what));
  return out;
}

}  // namespace

std::optional<FamilyReply> parse_family_reply(Bytes reply) {
  FamilyReply family;
  const ReplyEnd end = walk_reply(reply, [&family](const GenlMessage& m) {
    const auto tb = attr_table<CTRL_ATTR_MAX + 1>(m.attrs);
    family.id = static_cast<int>(require_uint(tb[CTRL_ATTR_FAMILY_ID], "family id", UINT16_MAX));
    family.version = static_cast<std::uint32_t>(
        get_uint(tb[CTRL_ATTR_VERSION], "family version", UINT32_MAX).value_or(0));
    if (!tb[CTRL_ATTR_OPS]) return;
    for (const Attr& op : parse_attrs(*tb[CTRL_ATTR_OPS])) {
      const auto ob = attr_table<CTRL_ATTR_OP_MAX + 1>(op.data);
      const auto id = get_uint(ob[CTRL_ATTR_OP_ID], "op id", UINT32_MAX);
      const auto flags = get_uint(ob[CTRL_ATTR_OP_FLAGS], "op flags", UINT32_MAX);
      if (id)
        family.ops[static_cast<std::uint32_t>(*id)] = static_cast<std::uint32_t>(flags.value_or(0));
    }
  });
  if (end.error == ENOENT) return std::nullopt;  // no such family (kernel < 6.2 for netdev)
  throw_if_error(end, "looking up the generic netlink family failed");
  if (family.id == 0)
    throw NetlinkError("netlink: malformed reply, the family lookup returned no family");
  return family;
}

std::set<int> parse_policy_reply(Bytes reply, std::uint8_t cmd, bool dump) {
  std::optional<std::uint64_t> index;
  std::unordered_map<std::uint64_t, std::set<int>> policies;
  const ReplyEnd end = walk_reply(reply, [&](const GenlMessage& m) {
    const auto tb = attr_table<CTRL_ATTR_MAX + 1>(m.attrs);
    if (tb[CTRL_ATTR_OP_POLICY]) {
      for (const Attr& op : parse_attrs(*tb[CTRL_ATTR_OP_POLICY])) {
        if (op.type != cmd) continue;
        const auto pb = attr_table<CTRL_ATTR_POLICY_DUMP_MAX + 1>(op.data);
        index = get_uint(pb[dump ? CTRL_ATTR_POLICY_DUMP : CTRL_ATTR_POLICY_DO], "policy index",
                         UINT32_MAX);
      }
    }
    if (tb[CTRL_ATTR_POLICY]) {
      for (const Attr& policy : parse_attrs(*tb[CTRL_ATTR_POLICY]))
        for (const Attr& attr : parse_attrs(policy.data)) policies[policy.type].insert(attr.type);
    }
  });
  throw_if_error(end, "dumping the netdev family's policy failed");
  if (!index) return {};
  return policies[*index];
}

std::vector<QueueIrq> parse_queue_reply(Bytes reply) {
  using namespace uapi;
  return parse_dump<QueueIrq>(
      reply, uapi::kCmdQueueGet, "queue-get", [](Bytes attrs) -> std::optional<QueueIrq> {
        const auto tb = attr_table<kAQueueMax + 1>(attrs);
        QueueIrq q;
        q.ifindex = require_id(tb[kAQueueIfindex], "queue ifindex");
        q.queue = require_id(tb[kAQueueId], "queue id");
        const std::uint64_t type = require_uint(tb[kAQueueType], "queue type");
        if (type != kQueueTypeRx && type != kQueueTypeTx)
          return std::nullopt;  // a queue kind newer than us
        q.rx = type == kQueueTypeRx;
        q.napi_id = get_id(tb[kAQueueNapiId], "queue napi-id").value_or(-1);
        return q;
      });
}

std::vector<NapiInfo> parse_napi_reply(Bytes reply) {
  using namespace uapi;
  return parse_dump<NapiInfo>(
      reply, uapi::kCmdNapiGet, "napi-get", [](Bytes attrs) -> std::optional<NapiInfo> {
        const auto tb = attr_table<kANapiMax + 1>(attrs);
        NapiInfo n;
        n.ifindex = require_id(tb[kANapiIfindex], "napi ifindex");
        n.id = require_id(tb[kANapiId], "napi id");
        n.irq = get_id(tb[kANapiIrq], "napi irq").value_or(-1);
        n.pid = get_id(tb[kANapiPid], "napi pid").value_or(-1);
        if (auto v = get_uint(tb[kANapiDeferHardIrqs], "napi defer-hard-irqs", UINT32_MAX))
          n.defer_hard_irqs = static_cast<std::uint32_t>(*v);
        n.gro_flush_timeout = get_uint(tb[kANapiGroFlushTimeout], "napi gro-flush-timeout");
        n.irq_suspend_timeout = get_uint(tb[kANapiIrqSuspendTimeout], "napi irq-suspend-timeout");
        // enum netdev_napi_threaded: 0 disabled, 1 enabled, 2 busy-poll (a threaded kind too).
        if (auto v = get_uint(tb[kANapiThreaded], "napi threaded")) n.threaded = *v != 0;
        return n;
      });
}

std::vector<QueueStats> parse_qstats_reply(Bytes reply) {
  using namespace uapi;
  return parse_dump<QueueStats>(
      reply, uapi::kCmdQstatsGet, "qstats-get", [](Bytes attrs) -> std::optional<QueueStats> {
        const auto tb = attr_table<kAQstatsMax + 1>(attrs);
        QueueStats s;
        s.ifindex = require_id(tb[kAQstatsIfindex], "qstats ifindex");
        const auto type = get_uint(tb[kAQstatsQueueType], "qstats queue-type");
        const auto id = get_id(tb[kAQstatsQueueId], "qstats queue-id");
        if (!type || !id) return std::nullopt;  // a device-wide entry
        if (*type != kQueueTypeRx && *type != kQueueTypeTx) return std::nullopt;
        s.queue = *id;
        s.rx = *type == kQueueTypeRx;
        s.packets = get_uint(tb[s.rx ? kAQstatsRxPackets : kAQstatsTxPackets], "qstats packets");
        s.bytes = get_uint(tb[s.rx ? kAQstatsRxBytes : kAQstatsTxBytes], "qstats bytes");
        return s;
      });
}

void parse_ack_reply(Bytes reply, const std::string& what) {
  const ReplyEnd end = walk_reply(reply, nullptr);
  throw_if_error(end, what);
  if (!end.ended)
    throw NetlinkError(fmt::format("netlink: {}: no acknowledgement in the reply", what));
}

NetdevFeatures features_from(const FamilyReply* family, const std::set<int>& napi_set_attrs,
                             const NetdevOptions& opts) {
  using namespace uapi;
  NetdevFeatures f;
  if (family == nullptr) return f;
  const auto has = [family](std::uint8_t cmd, std::uint32_t cap) {
    auto it = family->ops.find(cmd);
    return it != family->ops.end() && (it->second & cap) != 0;
  };
  f.family = true;
  f.queue_get = has(kCmdQueueGet, GENL_CMD_CAP_DUMP) && !opts.without_queue_get;
  f.napi_get = has(kCmdNapiGet, GENL_CMD_CAP_DUMP) && !opts.without_napi_get;
  f.qstats_get = has(kCmdQstatsGet, GENL_CMD_CAP_DUMP) && !opts.without_qstats_get;
  // napi-set came in 6.13 with defer-hard-irqs, gro-flush-timeout and irq-suspend-timeout; the
  // policy says which of them this kernel accepts (and, from 6.17, threaded).
  f.napi_set = has(kCmdNapiSet, GENL_CMD_CAP_DO) &&
               napi_set_attrs.count(kANapiDeferHardIrqs) != 0 &&
               napi_set_attrs.count(kANapiGroFlushTimeout) != 0 && !opts.without_napi_set;
  f.napi_irq_suspend_timeout = f.napi_set && napi_set_attrs.count(kANapiIrqSuspendTimeout) != 0;
  f.napi_threaded =
      f.napi_set && napi_set_attrs.count(kANapiThreaded) != 0 && !opts.without_napi_threaded;
  return f;
}

void require_napi_set(const NetdevFeatures& f, const NapiSettings& s) {
  if (!f.napi_set) throw NetlinkError("netdev: this kernel has no napi-set (Linux 6.13+)");
  if (s.irq_suspend_timeout && !f.napi_irq_suspend_timeout) {
    throw NetlinkError("netdev: this kernel's napi-set has no irq-suspend-timeout (Linux 6.13+)");
  }
  if (s.threaded && !f.napi_threaded) {
    throw NetlinkError("netdev: this kernel's napi-set has no per-NAPI threaded (Linux 6.17+)");
  }
}

void restrict_napis(std::vector<NapiInfo>& napis, const NetdevFeatures& f) {
  for (auto& n : napis) {
    if (!f.napi_set) {
      n.defer_hard_irqs.reset();
      n.gro_flush_timeout.reset();
    }
    if (!f.napi_irq_suspend_timeout) n.irq_suspend_timeout.reset();
    if (!f.napi_threaded) n.threaded.reset();
  }
}

std::vector<QueueIrq> join_queue_irqs(std::vector<QueueIrq> queues,
                                      const std::vector<NapiInfo>& napis) {
  std::unordered_map<int, const NapiInfo*> by_id;
  for (const auto& n : napis) by_id[n.id] = &n;
  for (auto& q : queues) {
    if (q.napi_id < 0) continue;
    auto it = by_id.find(q.napi_id);
    // NAPI ids are unique system-wide; the ifindex check only guards against a NAPI that was
    // freed and its id reused for another device between the two dumps.
    if (it != by_id.end() && it->second->ifindex == q.ifindex) q.irq = it->second->irq;
  }
  std::sort(queues.begin(), queues.end(), [](const QueueIrq& a, const QueueIrq& b) {
    if (a.ifindex != b.ifindex) return a.ifindex < b.ifindex;
    if (a.rx != b.rx) return a.rx;  // RX before TX
    return a.queue < b.queue;
  });
  return queues;
}

}  // namespace irqd::netlink
