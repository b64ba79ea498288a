// /proc/stat parser: finds the "cpu" / "cpuN" lines fs/proc/stat.c show_stat() prints and reads
// their time columns; every other line is stepped over without being looked at.
#include "sysfs/proc_stat.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <string>

#include "sysfs/error.hpp"
#include "sysfs/text_scan.hpp"

namespace irqd::sysfs {

namespace {

using namespace text_scan;  // NOLINT: the shared scanning helpers


// The columns kept, in the order the kernel prints them.
constexpr std::uint64_t CpuTimes::*kColumns[] = {
    &CpuTimes::user,   &CpuTimes::nice, &CpuTimes::system,  &CpuTimes::idle,
    &CpuTimes::iowait, &CpuTimes::irq,  &CpuTimes::softirq, &CpuTimes::steal,
};
constexpr std::size_t kKept = std::size(kColumns);
constexpr int kMinColumns = 4;  // user nice system idle: what 2.4 kernels printed
constexpr std::size_t kMaxCpuDigits = 7;

[[noreturn]] void fail(std::string_view file, int line, const std::string& what) {
  throw ParseError(std::string(file), line, what);
}

// Reads the values after the label (from offset p of line) into t. Values beyond the kept
// columns (guest, guest_nice, anything a later kernel appends) must still be numbers.
void parse_times(std::string_view line, std::size_t p, std::string_view label,
                 std::string_view file, int line_no, CpuTimes& t) {
  const char* const begin = line.data();
  const std::size_t size = line.size();
  int n = 0;
  while (true) {
    while (p < size && is_blank(line[p])) ++p;
    if (p == size) break;
    std::size_t e = p;
    while (e < size && !is_blank(line[e])) ++e;
    std::uint64_t v = 0;
    const auto [ptr, ec] = std::from_chars(begin + p, begin + e, v);
    const std::string_view tok = line.substr(p, e - p);
    if (ec == std::errc::result_out_of_range)
      fail(file, line_no, fmt::format("'{}' column {} '{}' overflows 64 bits", label, n + 1, tok));
    if (ec != std::errc() || ptr != begin + e)
      fail(file, line_no,
           fmt::format("'{}' column {} '{}' is not an unsigned number", label, n + 1, tok));
    if (static_cast<std::size_t>(n) < kKept) t.*kColumns[static_cast<std::size_t>(n)] = v;
    ++n;
    p = e;
  }
  if (n < kMinColumns)
    fail(file, line_no,
         fmt::format("'{}' has {} time columns; at least {} (user nice system idle) are required",
                     label, n, kMinColumns));
  t.columns = n;
}

}  // namespace

const CpuTimes* ProcStat::find(int cpu) const {
  auto it = std::lower_bound(cpus.begin(), cpus.end(), cpu,
                             [](const CpuTimes& t, int v) { return t.cpu < v; });
  return it != cpus.end() && it->cpu == cpu ? &*it : nullptr;
}

void parse_proc_stat(std::string_view text, std::string_view file, ProcStat& out) {
  out.cpus.clear();  // keeps the capacity: no allocation once warmed up
  // Sized once to the file's lines (a few more than its CPUs), not doubled up to 2x as it grows.
  if (out.cpus.capacity() == 0)
    out.cpus.reserve(static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) + 1);
  out.total = CpuTimes{};
  int total_line = 0;
  int line_no = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t nl = text.find('\n', pos);  // memchr: how the long "intr" line is skipped
    if (nl == std::string_view::npos) nl = text.size();
    const std::string_view line = text.substr(pos, nl - pos);
    pos = nl + 1;
    ++line_no;
    if (line.size() < 3 || line[0] != 'c' || line[1] != 'p' || line[2] != 'u') continue;

    std::size_t label_end = 3;
    while (label_end < line.size() && !is_blank(line[label_end])) ++label_end;
    const std::string_view label = line.substr(0, label_end);
    if (label.size() == 3) {
      if (total_line != 0)
        fail(file, line_no,
             fmt::format("second aggregate 'cpu' line (first on line {})", total_line));
      total_line = line_no;
      parse_times(line, label_end, label, file, line_no, out.total);
      continue;
    }
    // No kernel prints another key starting with "cpu"; one that is not "cpu<digit>..." is
    // treated as such a future key and skipped like "intr".
    if (!is_digit(label[3])) continue;
    const std::string_view num = label.substr(3);
    int cpu = -1;
    const auto [ptr, ec] = std::from_chars(num.data(), num.data() + num.size(), cpu);
    if (ec != std::errc() || ptr != num.data() + num.size() || num.size() > kMaxCpuDigits)
      fail(file, line_no, fmt::format("CPU label '{}' is not 'cpu<n>'", label));
    // for_each_online_cpu() prints in increasing order; anything else is a damaged file, and
    // relying on the order keeps the duplicate check free of a per-parse set.
    if (!out.cpus.empty() && cpu <= out.cpus.back().cpu) {
      const CpuTimes* prev = out.find(cpu);
      if (prev != nullptr) fail(file, line_no, fmt::format("duplicate line for cpu{}", cpu));
      fail(file, line_no,
           fmt::format("cpu{} follows cpu{}: CPU lines are not in increasing order", cpu,
                       out.cpus.back().cpu));
    }
    CpuTimes& t = out.cpus.emplace_back();
    t.cpu = cpu;
    parse_times(line, label_end, label, file, line_no, t);
  }
  if (total_line == 0) fail(file, 0, "no aggregate 'cpu' line");
  if (out.cpus.empty()) fail(file, 0, "no per-CPU 'cpu<n>' lines");
}

}  // namespace irqd::sysfs
