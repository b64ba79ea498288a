// Parser for /proc/net/softnet_stat: per-CPU packet backlog counters (processed, dropped,
// time_squeeze, RPS IPIs, flow limit), sampled every cycle into a caller-owned SoftnetStat.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace irqd::sysfs {

// One row; the counters are the kernel's unsigned int and wrap at 2^32.
struct SoftnetRow {
  int cpu = -1;
  std::uint64_t processed = 0;         // packets handled by net_rx_action on this CPU
  std::uint64_t dropped = 0;           // dropped because the backlog was full
  std::uint64_t time_squeeze = 0;      // net_rx_action ran out of budget or time with work left
  std::uint64_t received_rps = 0;      // RPS/RFS IPIs this CPU received
  std::uint64_t flow_limit_count = 0;  // 0 on kernels before 3.11 (10 columns)
  int line = 0;                        // 1-based line number in the file

  friend bool operator==(const SoftnetRow&, const SoftnetRow&) = default;
};

struct SoftnetStat {
  std::vector<SoftnetRow> rows;  // one per online CPU, ascending CPU
  // Columns per row in this file: 10 (before 3.11), 11 (flow_limit_count), 13 (5.10: backlog
  // length and CPU index), 15 (6.x: input and process queue lengths).
  int columns = 0;

  bool has_cpu_index() const { return columns >= 13; }
  const SoftnetRow* find(int cpu) const;  // nullptr when absent
};

// Fills `out`, reusing its storage: once `out.rows` has held as many rows, a parse allocates
// nothing. Rows carry their CPU from the 13th column where the kernel prints it; in older
// layouts row i belongs to `online_cpus[i]` (the kernel prints online CPUs only, ascending), so
// the caller passes the online CPU list it read (unused with a CPU index column).
// Throws ParseError naming `file` and the line for a value that is not hex or overflows, fewer
// than 10 columns, a row with a column count different from the first row's, a count of 12,
// a CPU index out of order, or more rows than online CPUs; with line 0 for an empty file or fewer
// rows than online CPUs. After a throw `out` holds partial results.
void parse_softnet_stat(std::string_view text, std::string_view file,
                        const std::vector<int>& online_cpus, SoftnetStat& out);

}  // namespace irqd::sysfs
