// RecordedNetdevSource: recorded reply bytes in, the same parsing as the kernel source out. A
// reply the kernel would not have been asked for (the op is missing, or forced missing) is never
// read, so a capture of an old kernel needs no files for what it lacks.
#include "netlink/recorded_netdev_source.hpp"

#include <fmt/format.h>

#include <fstream>
#include <iterator>
#include <set>
#include <system_error>

#include "netlink/netdev_uapi.hpp"

namespace irqd::netlink {

std::vector<std::byte> read_reply_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw NetlinkError(fmt::format("recorded netdev: cannot read {}", file.string()));
  std::vector<char> chars((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::byte> bytes(chars.size());
  for (std::size_t i = 0; i < chars.size(); ++i) bytes[i] = static_cast<std::byte>(chars[i]);
  return bytes;
}

RecordedNetdevSource::RecordedNetdevSource(const std::filesystem::path& dir, NetdevOptions opts)
    : origin_(dir.string()), opts_(std::move(opts)) {
  std::error_code ec;
  std::filesystem::directory_iterator it(dir, ec);
  if (ec)
    throw NetlinkError(fmt::format("recorded netdev: cannot list {}: {}", origin_, ec.message()));
  for (const auto& entry : it) {
    if (entry.path().extension() != ".bin") continue;
    replies_[entry.path().stem().string()] = read_reply_file(entry.path());
  }
}

RecordedNetdevSource::RecordedNetdevSource(std::map<std::string, std::vector<std::byte>> replies,
                                           NetdevOptions opts)
    : origin_("(given replies)"), replies_(std::move(replies)), opts_(std::move(opts)) {}

Bytes RecordedNetdevSource::reply(const std::string& name) const {
  auto it = replies_.find(name);
  if (it == replies_.end())
    throw NetlinkError(fmt::format("recorded netdev: no {}.bin in {}", name, origin_));
  return it->second;
}

NetdevFeatures RecordedNetdevSource::features() {
  if (features_) return *features_;
  // As the kernel source: the forced family name of "no family" is the recorded ENOENT answer's.
  const std::optional<FamilyReply> family = parse_family_reply(reply("family"));
  std::set<int> napi_set_attrs;
  if (family && family->ops.count(uapi::kCmdNapiSet) != 0) {
    napi_set_attrs = parse_policy_reply(reply("policy-napi-set"), uapi::kCmdNapiSet);
  }
  const bool pretend_absent = opts_.family != uapi::kFamilyName;
  features_ = features_from(family && !pretend_absent ? &*family : nullptr, napi_set_attrs, opts_);
  return *features_;
}

std::optional<std::vector<QueueIrq>> RecordedNetdevSource::queues() {
  if (!features().queue_get) return std::nullopt;
  return parse_queue_reply(reply("queue-get"));
}

std::optional<std::vector<NapiInfo>> RecordedNetdevSource::napis() {
  if (!features().napi_get) return std::nullopt;
  auto napis = parse_napi_reply(reply("napi-get"));
  restrict_napis(napis, *features_);
  return napis;
}

std::optional<std::vector<QueueStats>> RecordedNetdevSource::queue_stats() {
  if (!features().qstats_get) return std::nullopt;
  return parse_qstats_reply(reply("qstats-get"));
}

void RecordedNetdevSource::set_napi(int napi_id, const NapiSettings& s) {
  require_napi_set(features(), s);
  sets_.emplace_back(napi_id, s);
  parse_ack_reply(reply("napi-set"), fmt::format("netdev: napi-set of NAPI {} failed", napi_id));
}

}  // namespace irqd::netlink
