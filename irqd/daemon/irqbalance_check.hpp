// Is irqbalance running? It rewrites IRQ affinity every 10 s, so two balancers would fight: irqd
// refuses to run (exit 4) unless told --ignore-irqbalance. Looked up in <root>/proc/*/comm, so
// tests use a fixture tree with a fake process.
#pragma once

#include <optional>
#include <string>

#include "sysfs/sys_root.hpp"

namespace irqd {

// Exit status when irqbalance is running and --ignore-irqbalance was not given.
constexpr int kExitIrqbalance = 4;

// The pid of a running irqbalance under root's /proc, or nullopt. Processes that exit while we
// look are skipped; never throws for an unreadable /proc entry.
std::optional<int> find_irqbalance(const sysfs::SysRoot& root);

// The message irqd prints before exiting with kExitIrqbalance.
std::string irqbalance_message(int pid);

}  // namespace irqd
