// The daemon's configuration: the TOML files (config/loader.hpp), the command-line options on top
// (held to the files' rules), then what only the machine irqd plans for (live, --root or
// --topology-xml) can tell: the CPU numbers they name exist, and no two [[irq]] rules give one of
// its IRQs different actions. Used at start, by --check-config and by every SIGHUP reload.
#pragma once

#include <functional>
#include <memory>
#include <vector>

#include "config/loader.hpp"
#include "irqd/engine/engine.hpp"

namespace irqd {

struct ConfigSetup {
  config::LoadOptions files;
  EngineOptions engine;  // the machine the CPU lists are checked against
  // Applies the options given on the command line to the files' result, adding an error (that
  // names the option) for each bad one (config/command_line.hpp).
  std::function<void(config::LoadResult&)> command_line;
  // The machine model the CPU numbers are checked against, when the caller has one (or loads it
  // once and keeps it): the topology is not loaded a second time only to check the files.
  std::function<std::shared_ptr<const topology::Machine>()> machine;
};

// Never throws for bad input: every problem is in the result's errors.
config::LoadResult load_configuration(const ConfigSetup& s);

// The CPUs of the machine `engine` describes: online ones, plus present-but-offline ones the root
// lists (a pin to an offline CPU is legal; it waits for the CPU).
sysfs::CpuSet existing_cpus(const EngineOptions& engine, const topology::Machine* machine = nullptr);

// The IRQs (number and name, what [[irq]] rules match) in the root's /proc/interrupts; none when
// a captured tree lacks the file. Throws sysfs::IoError / ParseError when it cannot be read.
std::vector<sysfs::IrqInfo> machine_irqs(const EngineOptions& engine);

}  // namespace irqd
