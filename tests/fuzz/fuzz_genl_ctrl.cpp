// libFuzzer target: the controller's answers (parse_family_reply, parse_policy_reply), the ACK
// parser and RecordedNetdevSource::features() over them, on any bytes (used as both the family
// and the policy reply).
// Properties: only NetlinkError escapes; a parsed family has an id in 1..65535; features never
// claim napi-set's parameters without the family, threaded without napi-set.
#include <map>
#include <string>
#include <vector>

#include "netlink/netdev_replies.hpp"
#include "netlink/netdev_uapi.hpp"
#include "netlink/recorded_netdev_source.hpp"
#include "tests/fuzz/netdev_fuzz.hpp"

using namespace irqd::netlink;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const Bytes reply = irqd::fuzz::as_bytes(data, size);
  const auto family = irqd::fuzz::parse_or_nullopt([reply] { return parse_family_reply(reply); });
  if (family && *family && ((*family)->id < 1 || (*family)->id > 0xffff)) {
    irqd::fuzz::fail("fuzz_genl_ctrl", "family id out of range");
  }
  irqd::fuzz::parse_or_nullopt(
      [reply] { return parse_policy_reply(reply, uapi::kCmdNapiSet).size(); });
  irqd::fuzz::parse_or_nullopt(
      [reply] { return parse_policy_reply(reply, uapi::kCmdNapiGet, true).size(); });
  irqd::fuzz::parse_or_nullopt([reply] {
    parse_ack_reply(reply, "fuzz");
    return 0;
  });
  const std::vector<std::byte> bytes(reply.begin(), reply.end());
  RecordedNetdevSource source(
      std::map<std::string, std::vector<std::byte>>{{"family", bytes}, {"policy-napi-set", bytes}});
  const auto f = irqd::fuzz::parse_or_nullopt([&source] { return source.features(); });
  if (f) {
    if (!f->family && (f->queue_get || f->napi_get || f->qstats_get || f->napi_set)) {
      irqd::fuzz::fail("fuzz_genl_ctrl", "commands without the family");
    }
    if ((f->napi_threaded || f->napi_irq_suspend_timeout) && !f->napi_set) {
      irqd::fuzz::fail("fuzz_genl_ctrl", "napi-set attributes without napi-set");
    }
  }
  return 0;
}
