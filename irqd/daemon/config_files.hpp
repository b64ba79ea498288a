// The daemon's configuration: the TOML files (config/loader.hpp), the CPU numbers they name
// checked against the machine irqd plans for (live, --root or --topology-xml), then the
// command-line options on top. Used at start, by --check-config and by every SIGHUP reload.
#pragma once

#include <functional>
#include <memory>

#include "config/loader.hpp"
#include "irqd/engine/engine.hpp"

namespace irqd {

struct ConfigSetup {
  config::LoadOptions files;
  EngineOptions engine;  // the machine the CPU lists are checked against
  // Applies the options given on the command line; throws std::invalid_argument naming the option.
  std::function<void(config::Config&)> command_line;
  // The machine model the CPU numbers are checked against, when the caller has one (or loads it
  // once and keeps it): the topology is not loaded a second time only to check the files.
  std::function<std::shared_ptr<const topology::Machine>()> machine;
};

// Never throws for bad input: every problem is in the result's errors.
config::LoadResult load_configuration(const ConfigSetup& s);

// The CPUs of the machine `engine` describes: online ones, plus present-but-offline ones the root
// lists (a pin to an offline CPU is legal; it waits for the CPU).
sysfs::CpuSet existing_cpus(const EngineOptions& engine, const topology::Machine* machine = nullptr);

}  // namespace irqd
