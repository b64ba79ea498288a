// A task's CPU affinity (a threaded NAPI's napi/<dev>-<id> kthread): read from the
// Cpus_allowed_list line of proc/<pid>/status under the root, set with sched_setaffinity(2) on
// the live machine. Under a fixture or simulated root (not live) the status file's line itself is
// rewritten, standing in for the kernel, so the path is tested without a machine.
#pragma once

#include <optional>

#include "sysfs/cpuset.hpp"
#include "sysfs/sys_root.hpp"

namespace irqd::sysfs {

// nullopt when the task or the line is gone (the thread exited); throws IoError on other errors.
std::optional<CpuSet> read_task_cpus(const SysRoot& root, int pid);
// Throws IoError with the errno (ESRCH: the task is gone; EINVAL: no usable CPU in `cpus`).
void set_task_cpus(const SysRoot& root, int pid, const CpuSet& cpus);

}  // namespace irqd::sysfs
