// InterruptTable's queries: a counter, row totals and whole rows out of the dense or sparse
// cells, finding an IRQ's row, counting numbered rows.
#include <algorithm>
#include <limits>

#include "sysfs/proc_interrupts.hpp"

namespace irqd::sysfs {

std::uint32_t InterruptTable::count(std::size_t row, std::size_t col) const {
  const InterruptRow& r = rows[row];
  const std::uint32_t* c = cells.data() + r.first_count;
  if (r.dense) return c[col];
  std::size_t lo = 0, hi = r.stored;  // the pairs ascend by column
  while (lo < hi) {
    const std::size_t mid = (lo + hi) / 2;
    if (c[2 * mid] < col)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo < r.stored && c[2 * lo] == col ? c[2 * lo + 1] : 0;
}

std::uint64_t InterruptTable::total(std::size_t row) const {
  const InterruptRow& r = rows[row];
  const std::uint32_t* c = cells.data() + r.first_count;
  std::uint64_t sum = 0;
  if (r.dense)
    for (std::size_t i = 0; i < cpus.size(); ++i) sum += c[i];
  else
    for (std::size_t i = 0; i < r.stored; ++i) sum += c[2 * i + 1];
  return sum;
}

void InterruptTable::expand(std::size_t row, std::uint32_t* out) const {
  const InterruptRow& r = rows[row];
  const std::uint32_t* c = cells.data() + r.first_count;
  if (r.dense) {
    std::copy(c, c + cpus.size(), out);
    return;
  }
  std::fill(out, out + cpus.size(), 0U);
  for (std::size_t i = 0; i < r.stored; ++i) out[c[2 * i]] = c[2 * i + 1];
}

std::vector<std::uint32_t> InterruptTable::matrix() const {
  std::vector<std::uint32_t> m(rows.size() * cpus.size());
  for (std::size_t r = 0; r < rows.size(); ++r) expand(r, m.data() + r * cpus.size());
  return m;
}

std::size_t InterruptTable::live_cells() const {
  std::size_t n = 0;
  for (const InterruptRow& r : rows) n += r.dense ? cpus.size() : 2 * std::size_t{r.stored};
  return n;
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
