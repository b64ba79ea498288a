// probe_netdev() and dump_queue_irqs(): the netdev family's queue -> NAPI -> IRQ for callers that
// want only that, over a KernelNetdevSource (which owns the socket, the probe and the parsing).
#include "netlink/netdev_queues.hpp"

#include "netlink/kernel_netdev_source.hpp"
#include "netlink/netdev_replies.hpp"

namespace irqd::netlink {

NetdevSupport probe_netdev(const NetdevOptions& opts) {
  KernelNetdevSource source(opts);
  const NetdevFeatures f = source.features();
  return {.family = f.family, .queue_get = f.queue_get, .napi_get = f.napi_get};
}

std::optional<std::vector<QueueIrq>> dump_queue_irqs(const NetdevOptions& opts) {
  KernelNetdevSource source(opts);
  std::optional<std::vector<QueueIrq>> queues = source.queues();
  if (!queues) return std::nullopt;
  // queue-get and napi-get arrived in the same release; without napi-get the queues stay
  // without IRQs rather than being thrown away.
  const std::vector<NapiInfo> napis = source.napis().value_or(std::vector<NapiInfo>{});
  return join_queue_irqs(std::move(*queues), napis);
}

}  // namespace irqd::netlink
