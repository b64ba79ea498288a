// Parser for /proc/softirqs: per-CPU counts of every softirq (NET_RX and NET_TX are what irqd
// balances on), sampled every cycle into a caller-owned Softirqs that is reused.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace irqd::sysfs {

struct SoftirqRow {
  std::string name;             // text before ':' ("NET_RX", "IRQ_POLL", "BLOCK_IOPOLL" ...)
  std::size_t first_count = 0;  // offset of this row's counters in Softirqs::counts
  int line = 0;                 // 1-based line number in the file
};

struct Softirqs {
  // CPU of each column. The kernel prints a column for every *possible* CPU, so there may be
  // more columns than online CPUs (offline ones stay at whatever they counted, often 0).
  std::vector<int> cpus;
  std::vector<SoftirqRow> rows;       // in file order, any names (kernels rename rows)
  std::vector<std::uint64_t> counts;  // rows.size() x cpus.size()
  std::size_t net_rx_row = 0;         // index of the NET_RX / NET_TX rows in `rows`
  std::size_t net_tx_row = 0;

  std::size_t ncols() const { return cpus.size(); }
  std::uint64_t count(std::size_t row, std::size_t col) const {
    return counts[row * cpus.size() + col];
  }
  // The kernel keeps these per-CPU counters as unsigned int: they wrap at 2^32.
  std::uint64_t net_rx(std::size_t col) const { return count(net_rx_row, col); }
  std::uint64_t net_tx(std::size_t col) const { return count(net_tx_row, col); }
  std::span<const std::uint64_t> row_counts(std::size_t row) const {
    return {counts.data() + row * cpus.size(), cpus.size()};
  }
  const SoftirqRow* find(std::string_view name) const;  // nullptr when absent
  std::ptrdiff_t column(int cpu) const;                 // column of a CPU, -1 when absent
};

// Fills `out`, reusing its storage: once it has held a file of the same shape, a parse allocates
// nothing. Throws ParseError naming `file` and the line for a header column that is not
// "CPU<n>" in increasing order, a row without "<name>:", a bad or duplicate name, a counter
// that is not an unsigned number or overflows 64 bits, a row with more or fewer counters than
// header columns, and (line 0) an empty file or one without a NET_RX or NET_TX row. After a
// throw `out` holds partial results.
void parse_softirqs(std::string_view text, std::string_view file, Softirqs& out);

}  // namespace irqd::sysfs
