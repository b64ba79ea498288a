// NapiThreads: the CPU time of each threaded NAPI's kthread (napi/<dev>-<id>) between two cycles,
// from utime + stime of proc/<pid>/stat under the root, charged to the NAPI's IRQ. A thread that
// appeared, changed pid or went away since the last reading gives nothing for that interval.
#pragma once

#include <map>
#include <unordered_map>

#include "sysfs/inventory.hpp"
#include "sysfs/sys_root.hpp"

namespace irqd {

class NapiThreads {
 public:
  // `user_hz`: clock ticks per second of /proc/<pid>/stat (0: sysconf(_SC_CLK_TCK)).
  explicit NapiThreads(long user_hz = 0);
  // Seconds each IRQ's NAPI kthread ran since the previous call, by IRQ number.
  std::unordered_map<int, double> update(const sysfs::SysRoot& root, const sysfs::Inventory& inv);

 private:
  double user_hz_;
  std::map<int, unsigned long long> prev_;  // pid -> utime + stime ticks
};

}  // namespace irqd
