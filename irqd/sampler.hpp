// The sampler: turns two readings of /proc/interrupts and /proc/stat into a cost per IRQ. Each
// CPU's hard+soft IRQ time over the interval is attributed to the numbered IRQs that fired on
// that CPU in proportion to their counts there (where they fired, not where they were assigned:
// the mistake irqbalance makes), then smoothed with an EWMA. Counter wrap (the kernel prints
// 32-bit counts), CPUs and IRQs that appear or vanish between readings are handled.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "policies/load.hpp"
#include "sysfs/proc_interrupts.hpp"
#include "sysfs/proc_stat.hpp"
#include "sysfs/sys_root.hpp"

namespace irqd {

class Sampler {
 public:
  // alpha: weight of the newest interval in the EWMA (0 < alpha <= 1).
  explicit Sampler(double alpha = 0.5, long user_hz = 0);

  // Reads proc/interrupts and proc/stat under root and updates; `seconds` since the last call.
  // Returns true once a delta exists (from the second call on). Throws sysfs errors unchanged.
  bool sample(const sysfs::SysRoot& root, double seconds);
  // The computation, from already parsed readings (tests and the simulator call this).
  bool update(const sysfs::InterruptTable& irqs, const sysfs::ProcStat& stat, double seconds);

  const policies::LoadInfo& load() const { return load_; }
  // The /proc/interrupts reading of the last sample(), so the cycle's discovery need not read and
  // parse the file a second time.
  const sysfs::InterruptTable& interrupts() const { return table_; }
  // Hard+soft IRQ time per second of each CPU over the last interval (by CPU number).
  const std::map<int, double>& cpu_irq_time() const { return cpu_time_; }

 private:
  double alpha_;
  double user_hz_;
  bool primed_ = false;
  std::map<int, std::vector<std::uint64_t>> prev_counts_;  // irq -> count by CPU number
  std::map<int, std::uint64_t> prev_ticks_;                // cpu -> irq+softirq ticks
  std::map<int, double> cpu_time_;
  policies::LoadInfo load_;
  sysfs::InterruptTable table_;
  sysfs::ProcStat stat_;  // reused between readings
  std::string text_;      // file buffers, reused between readings
  std::string stat_text_;
};

}  // namespace irqd
