// Parsers of the netdev family's replies and of the generic netlink controller's answers about
// it (family ops, op policies), as free functions over the raw bytes of one whole reply. The
// kernel source, the recorded source and the fuzz targets all go through these.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "netlink/genl_reply.hpp"
#include "netlink/netdev_source.hpp"

namespace irqd::netlink {

// The controller's CTRL_CMD_GETFAMILY answer.
struct FamilyReply {
  int id = 0;
  std::uint32_t version = 0;
  std::map<std::uint32_t, std::uint32_t> ops;  // command -> GENL_CMD_CAP_* flags
  bool operator==(const FamilyReply&) const = default;
};

// nullopt when the controller answers "no such family" (ENOENT: the kernel predates it). Throws
// KernelError for any other refusal, NetlinkError for a malformed reply.
std::optional<FamilyReply> parse_family_reply(Bytes reply);

// The attribute types that command `cmd`'s do policy (dump policy when `dump`) accepts, from a
// CTRL_CMD_GETPOLICY dump. Empty when the op has no such policy. Throws like the others.
std::set<int> parse_policy_reply(Bytes reply, std::uint8_t cmd, bool dump = false);

// queue-get dump (queue kinds newer than RX/TX are left out).
std::vector<QueueIrq> parse_queue_reply(Bytes reply);
// napi-get dump.
std::vector<NapiInfo> parse_napi_reply(Bytes reply);
// qstats-get dump with scope=queue: RX queues' rx-packets/rx-bytes, TX queues' tx-*. Entries
// without a queue (device scope) are left out.
std::vector<QueueStats> parse_qstats_reply(Bytes reply);
// The ACK of a request (napi-set). Throws KernelError with the kernel's reason.
void parse_ack_reply(Bytes reply, const std::string& what);

// What a family reply (nullptr: no family) and napi-set's accepted attributes offer, less what
// `opts` pretends is missing (the paths of older kernels, on any kernel).
NetdevFeatures features_from(const FamilyReply* family, const std::set<int>& napi_set_attrs,
                             const NetdevOptions& opts);
// Throws NetlinkError naming the Linux version that brings what `s` asks and `f` lacks.
void require_napi_set(const NetdevFeatures& f, const NapiSettings& s);
// Strips from `napis` what the kernel of `f` would not have sent (forced older paths).
void restrict_napis(std::vector<NapiInfo>& napis, const NetdevFeatures& f);

// queue -> NAPI -> IRQ, sorted by ifindex, RX before TX, then queue.
std::vector<QueueIrq> join_queue_irqs(std::vector<QueueIrq> queues,
                                      const std::vector<NapiInfo>& napis);

}  // namespace irqd::netlink
