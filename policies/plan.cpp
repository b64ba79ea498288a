// Plan lookups.
#include "policies/plan.hpp"

#include <algorithm>
#include <limits>
#include <tuple>

namespace irqd::policies {

const char* to_string(LoadSource s) {
  switch (s) {
    case LoadSource::kThread:
      return "napi-thread";
    case LoadSource::kPackets:
      return "packets";
    case LoadSource::kLearned:
      return "learned-cost";
    case LoadSource::kCounts:
      break;
  }
  return "interrupts";
}


const IrqPlacement* Plan::irq(int n) const {
  auto it = std::lower_bound(irqs.begin(), irqs.end(), n,
                             [](const IrqPlacement& p, int v) { return p.irq < v; });
  return it != irqs.end() && it->irq == n ? &*it : nullptr;
}

namespace {
// Queues sort rx before tx, then by device and index. Every RX queue ahead of every TX queue (rather
// than grouping by device) makes the policies' usual order (RPS over all NICs, then XPS over all
// NICs) a sequence of appends: a sorted insert in the middle of thousands of queues each time made
// planning 256 CPUs x 2048 queues quadratic.
auto queue_key(const std::string& device, bool rx, int index) { return std::make_tuple(!rx, std::cref(device), index); }
auto queue_key(const QueuePlacement& q) { return queue_key(q.device, q.rx, q.queue); }
}  // namespace

const QueuePlacement* Plan::queue(const std::string& device, bool rx, int index) const {
  auto key = queue_key(device, rx, index);
  auto it = std::lower_bound(queues.begin(), queues.end(), key,
                             [](const QueuePlacement& q, const auto& k) { return queue_key(q) < k; });
  return it != queues.end() && queue_key(*it) == key ? &*it : nullptr;
}

std::span<const QueuePlacement> Plan::queues_of(const std::string& device, bool rx) const {
  auto first = std::lower_bound(queues.begin(), queues.end(), queue_key(device, rx, std::numeric_limits<int>::min()),
                                [](const QueuePlacement& q, const auto& k) { return queue_key(q) < k; });
  auto last = first;
  while (last != queues.end() && last->rx == rx && last->device == device) ++last;
  return {first, last};
}

const QueuePlacement* Plan::find(std::span<const QueuePlacement> qs, int index) {
  auto it = std::lower_bound(qs.begin(), qs.end(), index, [](const QueuePlacement& q, int i) { return q.queue < i; });
  return it != qs.end() && it->queue == index ? &*it : nullptr;
}

QueuePlacement& Plan::queue_mut(const std::string& device, bool rx, int index) {
  auto key = queue_key(device, rx, index);
  auto it = queues.end();
  if (queues.empty() || queue_key(queues.back()) < key) {
    // The common case (see queue_key): append.
  } else {
    it = std::lower_bound(queues.begin(), queues.end(), key,
                          [](const QueuePlacement& q, const auto& k) { return queue_key(q) < k; });
    if (it != queues.end() && queue_key(*it) == key) return *it;
  }
  QueuePlacement q;
  q.device = device;
  q.rx = rx;
  q.queue = index;
  return *queues.insert(it, std::move(q));
}

void Plan::set_irq(IrqPlacement p) {
  if (irqs.empty() || irqs.back().irq < p.irq) {
    irqs.push_back(std::move(p));
    return;
  }
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
