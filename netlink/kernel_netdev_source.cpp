// KernelNetdevSource: the controller's family and napi-set policy answers give features(); the
// netdev family's dumps and napi-set requests give the rest. Every reply goes through the parsers
// of netdev_replies.hpp (and to the recorder, when one is given) as bytes.
#include "netlink/kernel_netdev_source.hpp"

#include <fmt/format.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <netlink/attr.h>
#include <netlink/msg.h>

#include <cerrno>
#include <set>

#include "netlink/genl_socket.hpp"
#include "netlink/netdev_uapi.hpp"

namespace irqd::netlink {
namespace {

// A dump the kernel flags as interrupted (devices changed under it) is retried this many times.
constexpr int kDumpAttempts = 3;

void put_u32(nl_msg* m, int type, std::uint32_t v) {
  if (nla_put_u32(m, type, v) < 0) throw NetlinkError("netdev: cannot build a request");
}
void put_u64(nl_msg* m, int type, std::uint64_t v) {
  if (nla_put_u64(m, type, v) < 0) throw NetlinkError("netdev: cannot build a request");
}

}  // namespace

KernelNetdevSource::KernelNetdevSource(NetdevOptions opts, ReplyRecorder recorder)
    : opts_(std::move(opts)),
      recorder_(std::move(recorder)),
      sock_(std::make_unique<GenlSocket>()) {}

KernelNetdevSource::~KernelNetdevSource() = default;

void KernelNetdevSource::record(std::string_view name, const std::vector<std::byte>& reply) const {
  if (recorder_) recorder_(name, reply);
}

NetdevFeatures KernelNetdevSource::features() {
  if (features_) return *features_;
  const auto family_reply =
      sock_->request(GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1, 0, [this](nl_msg* m) {
        if (nla_put_string(m, CTRL_ATTR_FAMILY_NAME, opts_.family.c_str()) < 0) {
          throw NetlinkError("netdev: cannot build the family lookup");
        }
      });
  record("family", family_reply);
  family_ = parse_family_reply(family_reply);
  std::set<int> napi_set_attrs;
  if (family_ && family_->ops.count(uapi::kCmdNapiSet) != 0) {
    // Which attributes napi-set accepts tells the 6.13 parameters and 6.17's threaded apart; the
    // policy dump exists since 5.10, long before the netdev family.
    const auto policy =
        sock_->request(GENL_ID_CTRL, CTRL_CMD_GETPOLICY, 1, NLM_F_DUMP, [this](nl_msg* m) {
          if (nla_put_u16(m, CTRL_ATTR_FAMILY_ID, static_cast<std::uint16_t>(family_->id)) < 0 ||
              nla_put_u32(m, CTRL_ATTR_OP, uapi::kCmdNapiSet) < 0) {
            throw NetlinkError("netdev: cannot build the policy request");
          }
        });
    record("policy-napi-set", policy);
    napi_set_attrs = parse_policy_reply(policy, uapi::kCmdNapiSet);
  }
  features_ = features_from(family_ ? &*family_ : nullptr, napi_set_attrs, opts_);
  return *features_;
}

std::vector<std::byte> KernelNetdevSource::dump(std::uint8_t cmd, const char* name,
                                                const std::function<void(nl_msg*)>& add_attrs) {
  for (int attempt = 1;; ++attempt) {
    auto reply = sock_->request(family_->id, cmd, uapi::kFamilyVersion, NLM_F_DUMP, add_attrs);
    const ReplyEnd end = walk_reply(reply, nullptr);
    if (end.error != 0 || !end.interrupted) {
      record(name, reply);
      return reply;
    }
    if (attempt == kDumpAttempts) {
      throw NetlinkError(
          fmt::format("netdev: {} dump kept being interrupted by device changes", name));
    }
  }
}

std::optional<std::vector<QueueIrq>> KernelNetdevSource::queues() {
  if (!features().queue_get) return std::nullopt;
  return parse_queue_reply(dump(uapi::kCmdQueueGet, "queue-get", nullptr));
}

std::optional<std::vector<NapiInfo>> KernelNetdevSource::napis() {
  if (!features().napi_get) return std::nullopt;
  std::vector<NapiInfo> napis = parse_napi_reply(dump(uapi::kCmdNapiGet, "napi-get", nullptr));
  restrict_napis(napis, *features_);
  return napis;
}

std::optional<std::vector<QueueStats>> KernelNetdevSource::queue_stats() {
  if (!features().qstats_get) return std::nullopt;
  return parse_qstats_reply(dump(uapi::kCmdQstatsGet, "qstats-get", [](nl_msg* m) {
    put_u32(m, uapi::kAQstatsScope, uapi::kQstatsScopeQueue);
  }));
}

void KernelNetdevSource::set_napi(int napi_id, const NapiSettings& s) {
  require_napi_set(features(), s);
  if (napi_id < 0) throw NetlinkError(fmt::format("netdev: napi-set: invalid NAPI id {}", napi_id));
  const auto reply = sock_->request(
      family_->id, uapi::kCmdNapiSet, uapi::kFamilyVersion, NLM_F_ACK, [&](nl_msg* m) {
        put_u32(m, uapi::kANapiId, static_cast<std::uint32_t>(napi_id));
        if (s.defer_hard_irqs) put_u32(m, uapi::kANapiDeferHardIrqs, *s.defer_hard_irqs);
        if (s.gro_flush_timeout) put_u64(m, uapi::kANapiGroFlushTimeout, *s.gro_flush_timeout);
        if (s.irq_suspend_timeout)
          put_u64(m, uapi::kANapiIrqSuspendTimeout, *s.irq_suspend_timeout);
        if (s.threaded) put_u32(m, uapi::kANapiThreaded, *s.threaded ? 1 : 0);
      });
  record("napi-set", reply);
  parse_ack_reply(reply, fmt::format("netdev: napi-set of NAPI {} failed", napi_id));
}

}  // namespace irqd::netlink
