// The configuration model and its defaults. Everything works with no file at all; TOML files
// (/etc/irqd/irqd.toml and conf.d) are parsed into this model by config/ once that issue lands.
#pragma once

#include <string>

#include "sysfs/cpuset.hpp"

namespace irqd::config {

struct Config {
  std::string policy = "spread";     // placement policy by name (policies/registry)
  sysfs::CpuSet banned_cpus;         // never used for any placement
  bool honour_isolcpus = true;       // keep isolcpus= / cpu/isolated CPUs free of interrupts
  bool honour_nohz_full = true;      // likewise nohz_full= CPUs
};

// One line per setting, for --check-config style output and logs.
std::string describe(const Config& c);

}  // namespace irqd::config
