// libFuzzer target: parse_queue_reply (netdev queue-get dump) and join_queue_irqs on any bytes.
// Properties: only NetlinkError escapes; parsing is deterministic; every queue has an ifindex and
// id >= 0 and a NAPI id >= -1; the join keeps every queue, sorted, and with no NAPIs no IRQ.
#include <algorithm>

#include "netlink/netdev_replies.hpp"
#include "tests/fuzz/netdev_fuzz.hpp"

using namespace irqd::netlink;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const Bytes reply = irqd::fuzz::as_bytes(data, size);
  const auto parse = [reply] { return parse_queue_reply(reply); };
  const auto queues = irqd::fuzz::parse_or_nullopt(parse);
  if (queues.has_value() != irqd::fuzz::parse_or_nullopt(parse).has_value()) {
    irqd::fuzz::fail("fuzz_netdev_queues", "two parses disagree");
  }
  if (!queues) return 0;
  for (const auto& q : *queues) {
    if (q.ifindex < 0 || q.queue < 0 || q.napi_id < -1 || q.irq != -1)
      irqd::fuzz::fail("fuzz_netdev_queues", "queue out of range");
  }
  const auto joined = join_queue_irqs(*queues, {});
  if (joined.size() != queues->size()) irqd::fuzz::fail("fuzz_netdev_queues", "join lost queues");
  const auto before = [](const QueueIrq& a, const QueueIrq& b) {
    if (a.ifindex != b.ifindex) return a.ifindex < b.ifindex;
    if (a.rx != b.rx) return a.rx;
    return a.queue < b.queue;
  };
  if (!std::is_sorted(joined.begin(), joined.end(), before))
    irqd::fuzz::fail("fuzz_netdev_queues", "join not sorted");
  return 0;
}
