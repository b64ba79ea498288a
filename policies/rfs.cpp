// RFS planner (see steering.hpp for what it optimises and when it applies).
#include <fmt/format.h>

#include "policies/steering.hpp"

namespace irqd::policies {

long rfs_flow_cnt(long entries, int rx_queues) {
  if (entries <= 0 || rx_queues <= 0) return 0;
  long per_queue = (entries + rx_queues - 1) / rx_queues;
  long pow2 = 1;
  while (pow2 < per_queue) pow2 <<= 1;
  return pow2;
}

void plan_rfs(const PlanInput& in, Plan& plan) {
  bool any = false;
  for (const auto& nic : in.inventory.nics) {
    const auto& settings = in.config.device(nic.name);
    bool rps_in_use = false;
    for (const auto& p : plan.queues_of(nic.name, true))
      if (p.rps_cpus && !p.rps_cpus->empty()) rps_in_use = true;
    const int nrx = static_cast<int>(nic.rx.size());
    for (const auto& q : nic.rx) {
      if (!q.rps_flow_cnt) continue;
      if (settings.rfs == config::RfsMode::kOff) {
        plan.queue_mut(nic.name, true, q.index).rps_flow_cnt = 0;
      } else if (rps_in_use) {
        auto& p = plan.queue_mut(nic.name, true, q.index);
        p.rps_flow_cnt = rfs_flow_cnt(in.config.rps_sock_flow_entries, nrx);
        any = true;
      }
    }
  }
  if (any) plan.rps_sock_flow_entries = in.config.rps_sock_flow_entries;
}

}  // namespace irqd::policies
