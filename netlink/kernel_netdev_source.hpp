// KernelNetdevSource: the NetdevSource of the running kernel, over a generic netlink socket in
// the network namespace current at construction. NetdevOptions force the paths of older kernels
// (no family, no queue-get, no qstats-get, no napi-set, no per-NAPI threaded) on any kernel.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string_view>

#include "netlink/genl_reply.hpp"
#include "netlink/netdev_replies.hpp"
#include "netlink/netdev_source.hpp"

struct nl_msg;

namespace irqd::netlink {

class GenlSocket;

// Called with every reply the kernel gave, by name: "family", "policy-napi-set", "queue-get",
// "napi-get", "qstats-get", "napi-set" (the capture tool writes them to files).
using ReplyRecorder = std::function<void(std::string_view name, Bytes reply)>;

class KernelNetdevSource : public NetdevSource {
 public:
  // Throws NetlinkError when no generic netlink socket can be opened.
  explicit KernelNetdevSource(NetdevOptions opts = {}, ReplyRecorder recorder = {});
  ~KernelNetdevSource() override;

  NetdevFeatures features() override;
  std::optional<std::vector<QueueIrq>> queues() override;
  std::optional<std::vector<NapiInfo>> napis() override;
  std::optional<std::vector<QueueStats>> queue_stats() override;
  void set_napi(int napi_id, const NapiSettings& s) override;

 private:
  // One dump, retried while the kernel flags it interrupted (NLM_F_DUMP_INTR).
  std::vector<std::byte> dump(std::uint8_t cmd, const char* name,
                              const std::function<void(nl_msg*)>& add_attrs);
  void record(std::string_view name, const std::vector<std::byte>& reply) const;

  NetdevOptions opts_;
  ReplyRecorder recorder_;
  std::unique_ptr<GenlSocket> sock_;
  std::optional<FamilyReply> family_;  // set by features()
  std::optional<NetdevFeatures> features_;
};

}  // namespace irqd::netlink
