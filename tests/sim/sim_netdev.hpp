// SimNetdev: the simulated machine's netdev genetlink family, as a NetdevSource: per-queue packet
// counters (qstats-get) for a machine built with SimSpec::qstats, queue -> IRQ, no NAPI settings.
#pragma once

#include <optional>
#include <vector>

#include "netlink/netdev_source.hpp"
#include "tests/sim/sim_machine.hpp"

namespace irqd::sim {

class SimNetdev : public netlink::NetdevSource {
 public:
  explicit SimNetdev(const SimMachine& m);
  netlink::NetdevFeatures features() override;
  std::optional<std::vector<netlink::QueueIrq>> queues() override;
  std::optional<std::vector<netlink::NapiInfo>> napis() override { return std::nullopt; }
  std::optional<std::vector<netlink::QueueStats>> queue_stats() override;
  void set_napi(int napi_id, const netlink::NapiSettings& s) override;

 private:
  const SimMachine& m_;
  std::vector<int> ifindex_;  // by queue: its NIC's ifindex
};

}  // namespace irqd::sim
