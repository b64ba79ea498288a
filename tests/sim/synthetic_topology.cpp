// Synthetic topologies through the hwloc C API (hwloc_topology_set_synthetic + export_xml).
#include "tests/sim/synthetic_topology.hpp"

#include <hwloc.h>

#include <stdexcept>

namespace irqd::sim {

void export_synthetic_xml(const std::string& description, const std::filesystem::path& out) {
  hwloc_topology_t topo = nullptr;
  if (hwloc_topology_init(&topo) != 0) throw std::runtime_error("sim: hwloc_topology_init failed");
  const bool ok = hwloc_topology_set_synthetic(topo, description.c_str()) == 0 && hwloc_topology_load(topo) == 0 &&
                  hwloc_topology_export_xml(topo, out.c_str(), 0) == 0;
  hwloc_topology_destroy(topo);
  if (!ok) throw std::runtime_error("sim: cannot export hwloc synthetic topology '" + description + "' to " + out.string());
}

}  // namespace irqd::sim
