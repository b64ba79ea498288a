// Machines that have no fixture file: an hwloc synthetic description ("pack:8 numa:2 l3:1
// core:36 pu:2") exported to an XML file the daemon loads, made at test time so the tests need
// nothing outside the repository.
#pragma once

#include <filesystem>
#include <string>

namespace irqd::sim {

// The 1152-CPU machine: 8 packages x 2 NUMA nodes x 36 cores x 2 threads (16 nodes of 72 CPUs).
inline constexpr const char* k1152Cpus = "pack:8 numa:2 l3:1 core:36 pu:2";

// Writes hwloc's XML export of `description` to `out`. Throws std::runtime_error on failure.
void export_synthetic_xml(const std::string& description, const std::filesystem::path& out);

}  // namespace irqd::sim
