// /proc/net/softnet_stat parser: the "%08x" columns net/core/net-procfs.c softnet_seq_show()
// prints for each online CPU, in every layout kernels have used, mapped to CPU numbers.
#include "sysfs/softnet_stat.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <limits>
#include <string>

#include "sysfs/error.hpp"
#include "sysfs/text_scan.hpp"

namespace irqd::sysfs {

namespace {

using namespace text_scan;  // NOLINT: the shared scanning helpers


// Column positions (0-based) of the fields kept; columns 3-8 have printed 0 for years.
constexpr std::size_t kProcessed = 0;
constexpr std::size_t kDropped = 1;
constexpr std::size_t kTimeSqueeze = 2;
constexpr std::size_t kReceivedRps = 9;
constexpr std::size_t kFlowLimit = 10;
constexpr std::size_t kCpuIndex = 12;
constexpr std::size_t kMinColumns = 10;  // received_rps has been there since 2.6.35 (RPS)

[[noreturn]] void fail(std::string_view file, int line, const std::string& what) {
  throw ParseError(std::string(file), line, what);
}

// Reads every hex column of line, keeping those up to the CPU index in v; returns the count.
std::size_t parse_columns(std::string_view line, std::string_view file, int line_no,
                          std::uint64_t (&v)[kCpuIndex + 1]) {
  const char* const begin = line.data();
  const std::size_t size = line.size();
  std::size_t n = 0;
  for (std::size_t p = 0;; ++n) {
    while (p < size && is_blank(line[p])) ++p;
    if (p == size) break;
    std::size_t e = p;
    while (e < size && !is_blank(line[e])) ++e;
    const std::string_view tok = line.substr(p, e - p);
    std::uint64_t x = 0;
    const auto [ptr, ec] = std::from_chars(begin + p, begin + e, x, 16);
    if (ec == std::errc::result_out_of_range)
      fail(file, line_no, fmt::format("column {} '{}' overflows 64 bits", n + 1, tok));
    if (ec != std::errc() || ptr != begin + e)
      fail(file, line_no, fmt::format("column {} '{}' is not a hex number", n + 1, tok));
    if (n <= kCpuIndex) v[n] = x;
    p = e;
  }
  return n;
}

}  // namespace

const SoftnetRow* SoftnetStat::find(int cpu) const {
  auto it = std::lower_bound(rows.begin(), rows.end(), cpu,
                             [](const SoftnetRow& r, int c) { return r.cpu < c; });
  return it != rows.end() && it->cpu == cpu ? &*it : nullptr;
}

void parse_softnet_stat(std::string_view text, std::string_view file,
                        const std::vector<int>& online_cpus, SoftnetStat& out) {
  out.rows.clear();  // keeps the capacity: no allocation once warmed up
  // Sized once to the file's lines (one per CPU), not doubled up to 2x as it grows.
  if (out.rows.capacity() == 0)
    out.rows.reserve(static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) + 1);
  out.columns = 0;
  int line_no = 0;
  int columns_line = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    const std::string_view line = text.substr(pos, nl - pos);
    pos = nl + 1;
    ++line_no;
    std::uint64_t v[kCpuIndex + 1] = {};
    const std::size_t n = parse_columns(line, file, line_no, v);
    if (n == 0) continue;  // trailing blank lines
    if (n < kMinColumns)
      fail(file, line_no,
           fmt::format("{} columns; at least {} (processed .. received_rps) are expected", n,
                       kMinColumns));
    // The backlog length and the CPU index were added together (5.10): 12 never existed.
    if (n == kCpuIndex)
      fail(file, line_no, fmt::format("{} columns: a backlog length without a CPU index", n));
    if (out.columns == 0) {
      out.columns = static_cast<int>(n);
      columns_line = line_no;
    } else if (static_cast<int>(n) != out.columns) {
      fail(file, line_no,
           fmt::format("{} columns but line {} has {}", n, columns_line, out.columns));
    }

    int cpu = -1;
    if (n > kCpuIndex) {
      // Printed as "%08x" of (int)seq->index, which the seq_file iterator sets to the CPU number.
      if (v[kCpuIndex] > static_cast<std::uint64_t>(std::numeric_limits<int>::max()))
        fail(file, line_no,
             fmt::format("CPU index {:x} (column {}) is not a CPU number", v[kCpuIndex],
                         kCpuIndex + 1));
      cpu = static_cast<int>(v[kCpuIndex]);
      if (!out.rows.empty() && cpu <= out.rows.back().cpu)
        fail(file, line_no,
             fmt::format("CPU index {} follows {}: rows are not in increasing CPU order", cpu,
                         out.rows.back().cpu));
    } else {
      const std::size_t row = out.rows.size();
      if (row >= online_cpus.size())
        fail(file, line_no,
             fmt::format("row {} without a CPU index, but only {} online CPUs are known", row + 1,
                         online_cpus.size()));
      cpu = online_cpus[row];
    }
    SoftnetRow& r = out.rows.emplace_back();
    r.cpu = cpu;
    r.processed = v[kProcessed];
    r.dropped = v[kDropped];
    r.time_squeeze = v[kTimeSqueeze];
    r.received_rps = v[kReceivedRps];
    r.flow_limit_count = n > kFlowLimit ? v[kFlowLimit] : 0;
    r.line = line_no;
  }
  if (out.rows.empty()) fail(file, 0, "empty file: no rows");
  if (!out.has_cpu_index() && out.rows.size() != online_cpus.size())
    fail(file, 0,
         fmt::format("{} rows without a CPU index for {} online CPUs (CPU hotplug while "
                     "reading?)",
                     out.rows.size(), online_cpus.size()));
}

}  // namespace irqd::sysfs
