// Configuration loading for the daemon (see config_files.hpp).
#include "irqd/daemon/config_files.hpp"

#include <fmt/format.h>

namespace irqd {

sysfs::CpuSet existing_cpus(const EngineOptions& engine, const topology::Machine* machine) {
  sysfs::SysRoot root(engine.root);
  sysfs::CpuSet cpus = machine != nullptr ? machine->online : load_machine(root, engine).online;
  if (engine.topology_xml.empty()) {
    if (auto present = root.read_line("sys/devices/system/cpu/present")) {
      try {
        cpus |= sysfs::CpuSet::parse_list(*present);
      } catch (const std::invalid_argument&) {
        // The topology already gave the online CPUs; a malformed present file adds nothing.
      }
    }
  }
  return cpus;
}

config::LoadResult load_configuration(const ConfigSetup& s) {
  config::LoadResult r = config::load_files(s.files);
  if (!r.cpu_refs.empty()) {
    try {
      auto machine = s.machine ? s.machine() : nullptr;
      config::check_cpus(r, existing_cpus(s.engine, machine.get()));
    } catch (const std::exception& e) {
      r.add({}, "", fmt::format("cannot check the configured CPU numbers against the machine: {}", e.what()));
    }
  }
  if (s.command_line) {
    try {
      s.command_line(r.config);
    } catch (const std::invalid_argument& e) {
      r.add({"command line"}, "", e.what());
    }
  }
  r.sort_errors();
  return r;
}

}  // namespace irqd
