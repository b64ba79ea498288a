// What --check-config says about the configuration on the host it checks (live, --root) beyond
// the files' own checks, as warnings at each rule's location: [[device]] and [[irq]] rules and
// [daemon] devices when none of its globs matches here, [[irq]] pins of kernel-managed IRQs (their
// affinity cannot be written), and pins outside the allowed_cpus of the pinned IRQ's device.
#pragma once

#include "config/load_result.hpp"
#include "irqd/engine/engine.hpp"

namespace irqd {

// Discovers the host `engine` names and adds the warnings to r. A failed discovery becomes one
// warning saying so; never throws for bad input.
void check_against_host(config::LoadResult& r, const EngineOptions& engine);

// The same against an inventory already discovered (tests).
void check_against_inventory(config::LoadResult& r, const sysfs::Inventory& inv);

}  // namespace irqd
