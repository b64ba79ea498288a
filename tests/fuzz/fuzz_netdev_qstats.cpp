// libFuzzer target: parse_qstats_reply (netdev qstats-get dump, scope=queue) on any bytes.
// Properties: only NetlinkError escapes; every entry names a queue (ifindex and id >= 0).
#include "netlink/netdev_replies.hpp"
#include "tests/fuzz/netdev_fuzz.hpp"

using namespace irqd::netlink;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const Bytes reply = irqd::fuzz::as_bytes(data, size);
  const auto stats = irqd::fuzz::parse_or_nullopt([reply] { return parse_qstats_reply(reply); });
  if (!stats) return 0;
  for (const auto& s : *stats) {
    if (s.ifindex < 0 || s.queue < 0)
      irqd::fuzz::fail("fuzz_netdev_qstats", "entry without a queue");
  }
  return 0;
}
