// Parser for the CPU time lines of /proc/stat (the aggregate "cpu" line and one "cpuN" line per
// online CPU), sampled every balancing cycle into a caller-owned ProcStat that is reused.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace irqd::sysfs {

// Cumulative times since boot in USER_HZ ticks, as fs/proc/stat.c prints them. Columns an old
// kernel does not print (iowait/irq/softirq before 2.6.0, steal before 2.6.11) read as 0; guest
// and guest_nice are not kept because the kernel already counts them in user and nice.
struct CpuTimes {
  int cpu = -1;  // -1 for the aggregate "cpu" line
  std::uint64_t user = 0;
  std::uint64_t nice = 0;
  std::uint64_t system = 0;
  std::uint64_t idle = 0;
  std::uint64_t iowait = 0;
  std::uint64_t irq = 0;
  std::uint64_t softirq = 0;
  std::uint64_t steal = 0;
  int columns = 0;  // values on the line: 4 (2.4) .. 10 (2.6.33+), so a 0 can be told from absent

  friend bool operator==(const CpuTimes&, const CpuTimes&) = default;
};

struct ProcStat {
  CpuTimes total;              // the "cpu" line
  std::vector<CpuTimes> cpus;  // "cpuN" lines in file order: ascending, online CPUs only (gaps)

  const CpuTimes* find(int cpu) const;  // nullptr when the CPU has no line (offline)
};

// Fills `out`, reusing its storage: once `out.cpus` has held as many CPUs, a parse allocates
// nothing. Every line not starting with "cpu" (intr, ctxt, softirq ...) is skipped with one memchr
// and never tokenised, so the 100k-column "intr" line of a big machine costs next to nothing.
// Throws ParseError naming `file` and the line for a malformed cpu line (label not "cpu<n>", a
// value that is not an unsigned number or overflows 64 bits, fewer than 4 values, a CPU listed
// twice or out of order, a second aggregate line) and, with line 0, for a file without the
// aggregate line or without any per-CPU line. After a throw `out` holds partial results.
void parse_proc_stat(std::string_view text, std::string_view file, ProcStat& out);

}  // namespace irqd::sysfs
