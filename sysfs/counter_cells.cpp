// InterruptTable::cells maintenance for the parser: switching a row's form, moving a row that
// gained counters, rolling a counter back, copying rows, compacting (the sinks are inline).
#include "sysfs/counter_cells.hpp"

#include <algorithm>

namespace irqd::sysfs::counter_cells {

namespace {
// Room for n more cells without invalidating pointers into cells while they are appended;
// grown by doubling so that rows moved one after another cost amortized constant time.
void make_room(std::vector<std::uint32_t>& cells, std::size_t n) {
  if (cells.capacity() - cells.size() < n) cells.reserve(std::max(cells.capacity() * 2, cells.size() + n));
}
}  // namespace

void to_sparse(InterruptTable& t, std::size_t r, std::vector<Cell>& scratch) {
  InterruptRow& row = t.rows[r];
  const std::size_t ncols = t.cpus.size();
  scratch.clear();
  for (std::size_t c = 0; c < ncols; ++c)
    if (const std::uint32_t v = t.cells[row.first_count + c]; v != 0) scratch.push_back({static_cast<std::uint32_t>(c), v});
  t.cells.resize(row.first_count);
  for (const Cell& c : scratch) {
    t.cells.push_back(c.col);
    t.cells.push_back(c.value);
  }
  row.dense = false;
  row.stored = static_cast<std::uint32_t>(scratch.size());
}

void to_dense(InterruptTable& t, std::size_t r, std::vector<Cell>& scratch) {
  InterruptRow& row = t.rows[r];
  scratch.clear();
  for (std::size_t i = 0; i < row.stored; ++i)
    scratch.push_back({t.cells[row.first_count + 2 * i], t.cells[row.first_count + 2 * i + 1]});
  t.cells.resize(row.first_count);
  t.cells.resize(row.first_count + t.cpus.size(), 0);
  for (const Cell& c : scratch) t.cells[row.first_count + c.col] = c.value;
  row.dense = true;
  row.stored = static_cast<std::uint32_t>(t.cpus.size());
}

void move_row(InterruptTable& t, std::size_t r, const std::vector<Cell>& extra) {
  InterruptRow& row = t.rows[r];
  const std::size_t ncols = t.cpus.size();
  const std::size_t merged = row.stored + extra.size();
  const bool dense = dense_for(merged, ncols);
  make_room(t.cells, dense ? ncols : 2 * merged);
  const std::uint32_t* old = t.cells.data() + row.first_count;  // valid: no reallocation below
  const std::size_t first = t.cells.size();
  if (dense) {
    t.cells.resize(first + ncols, 0);
    for (std::size_t i = 0; i < row.stored; ++i) t.cells[first + old[2 * i]] = old[2 * i + 1];
    for (const Cell& c : extra) t.cells[first + c.col] = c.value;
  } else {
    std::size_t i = 0, e = 0;
    while (i < row.stored || e < extra.size()) {
      if (e == extra.size() || (i < row.stored && old[2 * i] < extra[e].col)) {
        t.cells.push_back(old[2 * i]);
        t.cells.push_back(old[2 * i + 1]);
        ++i;
      } else {
        t.cells.push_back(extra[e].col);
        t.cells.push_back(extra[e].value);
        ++e;
      }
    }
  }
  row.first_count = first;
  row.dense = dense;
  row.stored = static_cast<std::uint32_t>(dense ? ncols : merged);
}

void restore(InterruptTable& t, std::uint32_t index, std::uint32_t old) {
  const std::size_t ncols = t.cpus.size();
  const InterruptRow& row = t.rows[index / ncols];
  const std::uint32_t col = static_cast<std::uint32_t>(index % ncols);
  std::uint32_t* cells = t.cells.data() + row.first_count;
  if (row.dense) {
    cells[col] = old;
    return;
  }
  std::size_t lo = 0, hi = row.stored;
  while (lo < hi) {
    const std::size_t mid = (lo + hi) / 2;
    if (cells[2 * mid] < col)
      lo = mid + 1;
    else
      hi = mid;
  }
  if (lo < row.stored && cells[2 * lo] == col) cells[2 * lo + 1] = old;
}

void copy_rows(const InterruptTable& from, std::size_t n, InterruptTable& to) {
  const std::size_t ncols = from.cpus.size();
  to.cells.clear();
  if (to.rows.size() < n) to.rows.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    const InterruptRow& src = from.rows[i];
    const auto begin = from.cells.begin() + static_cast<std::ptrdiff_t>(src.first_count);
    to.rows[i] = src;
    to.rows[i].first_count = to.cells.size();
    to.cells.insert(to.cells.end(), begin, begin + static_cast<std::ptrdiff_t>(cells_of(src, ncols)));
  }
}

void compact(InterruptTable& t) {
  const std::size_t live = t.live_cells();
  if (t.cells.size() - live <= std::max<std::size_t>(live, 4096)) return;
  const std::size_t ncols = t.cpus.size();
  std::vector<std::uint32_t> cells;
  cells.reserve(live);
  for (InterruptRow& row : t.rows) {
    const auto begin = t.cells.begin() + static_cast<std::ptrdiff_t>(row.first_count);
    row.first_count = cells.size();
    cells.insert(cells.end(), begin, begin + static_cast<std::ptrdiff_t>(cells_of(row, ncols)));
  }
  t.cells = std::move(cells);
}

}  // namespace irqd::sysfs::counter_cells
