// RecordedNetdevSource: a NetdevSource that replays replies captured from a kernel (files
// <name>.bin in one directory, as tests/tools/netdev_capture writes them: family,
// policy-napi-set, queue-get, napi-get, qstats-get, napi-set) through the same parsers as the
// kernel source. Tests and fuzzing use it; NetdevOptions force older kernels' paths as on the
// kernel source.
#pragma once

#include <cstddef>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "netlink/netdev_replies.hpp"
#include "netlink/netdev_source.hpp"

namespace irqd::netlink {

class RecordedNetdevSource : public NetdevSource {
 public:
  // Reads every *.bin file of `dir`. Throws NetlinkError when the directory cannot be read.
  explicit RecordedNetdevSource(const std::filesystem::path& dir, NetdevOptions opts = {});
  // Replies given directly, by name (fuzzing, hand-made cases).
  explicit RecordedNetdevSource(std::map<std::string, std::vector<std::byte>> replies,
                                NetdevOptions opts = {});

  NetdevFeatures features() override;
  std::optional<std::vector<QueueIrq>> queues() override;
  std::optional<std::vector<NapiInfo>> napis() override;
  std::optional<std::vector<QueueStats>> queue_stats() override;
  // Answers with the recorded napi-set reply (an ACK or a kernel error); remembers the request.
  void set_napi(int napi_id, const NapiSettings& s) override;

  // Every set_napi call so far, in order.
  const std::vector<std::pair<int, NapiSettings>>& napi_sets() const { return sets_; }

 private:
  // The recorded reply `name`; throws NetlinkError naming the file when there is none.
  Bytes reply(const std::string& name) const;

  std::string origin_;  // the directory, for messages
  std::map<std::string, std::vector<std::byte>> replies_;
  NetdevOptions opts_;
  std::optional<NetdevFeatures> features_;
  std::vector<std::pair<int, NapiSettings>> sets_;
};

// The bytes of a file; throws NetlinkError.
std::vector<std::byte> read_reply_file(const std::filesystem::path& file);

}  // namespace irqd::netlink
