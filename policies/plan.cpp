// Plan lookups.
#include "policies/plan.hpp"

#include <algorithm>

namespace irqd::policies {

const IrqPlacement* Plan::irq(int n) const {
  auto it = std::lower_bound(irqs.begin(), irqs.end(), n,
                             [](const IrqPlacement& p, int v) { return p.irq < v; });
  return it != irqs.end() && it->irq == n ? &*it : nullptr;
}

const QueuePlacement* Plan::queue(const std::string& device, bool rx, int index) const {
  for (const auto& q : queues)
    if (q.device == device && q.rx == rx && q.queue == index) return &q;
  return nullptr;
}

}  // namespace irqd::policies
