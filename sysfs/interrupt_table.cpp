// InterruptTable's queries: row totals, finding an IRQ's row, counting numbered rows.
#include <algorithm>
#include <limits>

#include "sysfs/proc_interrupts.hpp"

namespace irqd::sysfs {

std::uint64_t InterruptTable::total(std::size_t row) const {
  std::uint64_t sum = 0;
  const std::size_t n = cpus.size();
  for (std::size_t c = 0; c < n; ++c) sum += counts[row * n + c];
  return sum;
}

const InterruptRow* InterruptTable::find(int irq) const {
  if (irq < 0) return nullptr;
  // Kernel order is ascending numbered rows followed by named ones: binary search with named rows
  // sorting last, and fall back to a scan for files in any other order.
  auto key = [](const InterruptRow& r) {
    return r.irq < 0 ? std::numeric_limits<int>::max() : r.irq;
  };
  auto it = std::lower_bound(rows.begin(), rows.end(), irq,
                             [&](const InterruptRow& r, int v) { return key(r) < v; });
  if (it != rows.end() && it->irq == irq) return &*it;
  for (const InterruptRow& r : rows)
    if (r.irq == irq) return &r;
  return nullptr;
}

std::size_t InterruptTable::numbered() const {
  return static_cast<std::size_t>(
      std::count_if(rows.begin(), rows.end(), [](const InterruptRow& r) { return r.irq >= 0; }));
}

}  // namespace irqd::sysfs
