// Builds a Machine from hwloc: the live machine, a fake root (HWLOC_FSROOT), an XML export, or an
// hwloc synthetic description (for tests and the simulator).
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>

#include "topology/machine.hpp"

namespace irqd::sysfs {
class SysRoot;
}

namespace irqd::topology {

class TopologyError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

Machine load_live();
// Sets HWLOC_FSROOT for the duration of the load: not thread-safe, load before starting threads.
// Refuses a tree without sys/devices/system/cpu (hwloc would silently describe the host instead).
Machine load_fsroot(const std::filesystem::path& root);
Machine load_xml(const std::filesystem::path& file);
Machine load_synthetic(const std::string& description);  // e.g. "pack:2 numa:1 l3:1 core:8 pu:2"

// The hwloc release linked in and its API version, "2.9.0 (API 2.8.0)" (what irqd --version reports).
std::string hwloc_version();

// Reads isolcpus= / nohz_full= from proc/cmdline and sys/devices/system/cpu/{isolated,nohz_full}
// under root, limits `online` to sys/devices/system/cpu/online when present, then reads
// proc/irq/default_smp_affinity (topology/default_affinity.hpp).
void apply_kernel_cpu_state(Machine& m, const sysfs::SysRoot& root);

}  // namespace irqd::topology
