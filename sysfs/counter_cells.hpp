// How the interrupts parser writes InterruptTable::cells: sinks for its field loop (append a row
// dense or sparse; overwrite a re-read row in place, logging each changed counter), the switch of
// a row between the dense and sparse forms, moving a re-read row that gained counters to the end,
// rolling a counter back, copying rows, and compacting the space moved rows left behind.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "sysfs/proc_interrupts.hpp"

namespace irqd::sysfs::counter_cells {

// The cells a row holds.
inline std::size_t cells_of(const InterruptRow& row, std::size_t ncols) {
  return row.dense ? ncols : 2 * std::size_t{row.stored};
}
// A row of nnz non-zero counters is held dense when that takes no more cells than pairs would.
inline bool dense_for(std::size_t nnz, std::size_t ncols) { return 2 * nnz >= ncols; }

struct Cell {
  std::uint32_t col;
  std::uint32_t value;
};

// A new row's counters, one value per column (pre-zeroed: zero fields are not written).
struct DenseAppend {
  std::uint32_t* out;
  std::size_t nnz = 0;
  void zeros(std::size_t, std::size_t) {}
  void value(std::size_t k, std::uint32_t v) {
    out[k] = v;
    nnz += v != 0;
  }
};

// A new row's non-zero counters as (column, value) pairs.
struct SparseAppend {
  std::vector<std::uint32_t>& cells;
  std::size_t nnz = 0;
  void zeros(std::size_t, std::size_t) {}
  void value(std::size_t k, std::uint32_t v) {
    if (v == 0) return;
    cells.push_back(static_cast<std::uint32_t>(k));
    cells.push_back(v);
    ++nnz;
  }
};

// A re-read dense row: only a counter whose value changed is written, and logged (index base + k).
struct DenseInPlace {
  std::uint32_t* out;
  std::vector<CounterChange>& log;
  std::size_t base;
  void zeros(std::size_t k, std::size_t n) {
    std::uint32_t any = 0;
    for (std::size_t i = 0; i < n; ++i) any |= out[k + i];
    for (std::size_t i = 0; any != 0 && i < n; ++i)
      if (out[k + i] != 0) {
        log.push_back({static_cast<std::uint32_t>(base + k + i), out[k + i]});
        out[k + i] = 0;
      }
  }
  void value(std::size_t k, std::uint32_t v) {
    if (out[k] == v) return;
    log.push_back({static_cast<std::uint32_t>(base + k), out[k]});
    out[k] = v;
  }
};

// A re-read sparse row: its pairs are walked along with the fields (both ascend by column). A
// non-zero counter in a column the row holds no pair for is logged (old value 0) and kept in
// `extra`: the row is then moved (move_row) once the line is known to be that row.
struct SparseInPlace {
  std::uint32_t* pairs;
  std::size_t n;
  std::vector<CounterChange>& log;
  std::size_t base;
  std::vector<Cell>& extra;
  std::size_t j = 0;
  void zeros(std::size_t k, std::size_t m) {
    for (; j < n && pairs[2 * j] < k + m; ++j)
      if (pairs[2 * j + 1] != 0) {
        log.push_back({static_cast<std::uint32_t>(base + pairs[2 * j]), pairs[2 * j + 1]});
        pairs[2 * j + 1] = 0;
      }
  }
  void value(std::size_t k, std::uint32_t v) {
    if (j < n && pairs[2 * j] == k) {
      if (pairs[2 * j + 1] != v) {
        log.push_back({static_cast<std::uint32_t>(base + k), pairs[2 * j + 1]});
        pairs[2 * j + 1] = v;
      }
      ++j;
    } else if (v != 0) {
      log.push_back({static_cast<std::uint32_t>(base + k), 0});
      extra.push_back({static_cast<std::uint32_t>(k), v});
    }
  }
};

// The last row of t.cells (row r, just appended in one form, nnz non-zero) into the other form.
void to_sparse(InterruptTable& t, std::size_t r, std::vector<Cell>& scratch);
void to_dense(InterruptTable& t, std::size_t r, std::vector<Cell>& scratch);
// Row r's pairs merged with `extra` (ascending, columns it holds no pair for), appended to the
// end of t.cells in the form the merged count calls for; the row's old cells become unused.
void move_row(InterruptTable& t, std::size_t r, const std::vector<Cell>& extra);
// Writes `old` back into the counter at change index `index` when the row holds a cell for it.
void restore(InterruptTable& t, std::uint32_t index, std::uint32_t old);
// The first n rows of `from` (strings and counters, compacted) as the first n rows of `to`.
void copy_rows(const InterruptTable& from, std::size_t n, InterruptTable& to);
// Rewrites t.cells without the cells moved rows left behind, when those are most of it.
void compact(InterruptTable& t);

}  // namespace irqd::sysfs::counter_cells
