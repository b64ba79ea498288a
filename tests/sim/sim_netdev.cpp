// SimNetdev: per-queue counters of the simulated NICs, read from the machine's running totals.
#include "tests/sim/sim_netdev.hpp"

#include <fmt/format.h>

#include <fstream>
#include <map>

namespace irqd::sim {

SimNetdev::SimNetdev(const SimMachine& m) : m_(m) {
  std::map<std::string, int> by_name;
  for (const auto& q : m.queues()) {
    auto it = by_name.find(q.nic);
    if (it == by_name.end()) {
      int idx = 0;
      std::ifstream f(m.root() / "sys/class/net" / q.nic / "ifindex");
      f >> idx;
      it = by_name.emplace(q.nic, idx).first;
    }
    ifindex_.push_back(it->second);
  }
}

netlink::NetdevFeatures SimNetdev::features() {
  const bool stats = m_.spec().qstats;
  return {.family = true, .queue_get = true, .napi_get = false, .qstats_get = stats};
}

std::optional<std::vector<netlink::QueueIrq>> SimNetdev::queues() {
  std::vector<netlink::QueueIrq> out;
  const auto& qs = m_.queues();
  for (std::size_t q = 0; q < qs.size(); ++q)
    for (bool rx : {true, false}) out.push_back({ifindex_[q], qs[q].index, rx, -1, qs[q].irq});
  return out;
}

std::optional<std::vector<netlink::QueueStats>> SimNetdev::queue_stats() {
  if (!m_.spec().qstats) return std::nullopt;
  std::vector<netlink::QueueStats> out;
  const auto& qs = m_.queues();
  for (std::size_t q = 0; q < qs.size(); ++q) {
    const std::uint64_t rx = m_.packets(q);
    out.push_back({ifindex_[q], qs[q].index, true, rx, rx * 1500});
    out.push_back({ifindex_[q], qs[q].index, false, rx / 4, rx / 4 * 100});
  }
  return out;
}

void SimNetdev::set_napi(int napi_id, const netlink::NapiSettings&) {
  throw netlink::NetlinkError(fmt::format("napi-set {}: the simulated NICs have no NAPI settings", napi_id));
}

}  // namespace irqd::sim
