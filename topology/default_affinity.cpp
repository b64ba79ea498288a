// The CPUs /proc/irq/default_smp_affinity leaves out (see default_affinity.hpp).
#include "topology/default_affinity.hpp"

#include <stdexcept>

#include "sysfs/error.hpp"

namespace irqd::topology {

void apply_default_affinity(Machine& m, const sysfs::SysRoot& root) {
  m.outside_default_affinity = {};
  constexpr const char* kFile = "proc/irq/default_smp_affinity";
  auto text = root.read_if_exists(kFile);
  if (!text) return;
  CpuSet mask;
  try {
    mask = CpuSet::parse_mask(*text);
  } catch (const std::invalid_argument& e) {
    throw sysfs::ParseError(root.display(kFile), 0, e.what());
  }
  CpuSet outside = m.online - mask;
  // Leaving out every online CPU would leave irqd nowhere to put anything: not a partitioning.
  if (outside == m.online) return;
  m.outside_default_affinity = outside;
}

}  // namespace irqd::topology
