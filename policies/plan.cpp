// Plan lookups.
#include "policies/plan.hpp"

#include <algorithm>
#include <tuple>

namespace irqd::policies {

const IrqPlacement* Plan::irq(int n) const {
  auto it = std::lower_bound(irqs.begin(), irqs.end(), n,
                             [](const IrqPlacement& p, int v) { return p.irq < v; });
  return it != irqs.end() && it->irq == n ? &*it : nullptr;
}

namespace {
auto queue_order(const QueuePlacement& q) { return std::tie(q.device, q.rx, q.queue); }
bool queue_less(const QueuePlacement& a, const std::tuple<const std::string&, bool, int>& b) {
  // rx before tx: compare !rx so that rx (true) sorts first.
  return std::make_tuple(std::cref(a.device), !a.rx, a.queue) <
         std::make_tuple(std::cref(std::get<0>(b)), !std::get<1>(b), std::get<2>(b));
}
}  // namespace

const QueuePlacement* Plan::queue(const std::string& device, bool rx, int index) const {
  auto key = std::tuple<const std::string&, bool, int>(device, rx, index);
  auto it = std::lower_bound(queues.begin(), queues.end(), key, queue_less);
  return it != queues.end() && queue_order(*it) == std::tie(device, rx, index) ? &*it : nullptr;
}

QueuePlacement& Plan::queue_mut(const std::string& device, bool rx, int index) {
  auto key = std::tuple<const std::string&, bool, int>(device, rx, index);
  auto it = std::lower_bound(queues.begin(), queues.end(), key, queue_less);
  if (it != queues.end() && queue_order(*it) == std::tie(device, rx, index)) return *it;
  QueuePlacement q;
  q.device = device;
  q.rx = rx;
  q.queue = index;
  return *queues.insert(it, std::move(q));
}

void Plan::set_irq(IrqPlacement p) {
  auto it = std::lower_bound(irqs.begin(), irqs.end(), p.irq,
                             [](const IrqPlacement& x, int v) { return x.irq < v; });
  if (it != irqs.end() && it->irq == p.irq) *it = std::move(p);
  else irqs.insert(it, std::move(p));
}

int Plan::queue_irq_cpu(const sysfs::QueueInfo& q) const {
  for (int n : q.irqs)
    if (const auto* p = irq(n); p && p->cpus.count() == 1) return p->cpus.first();
  return -1;
}

}  // namespace irqd::policies
