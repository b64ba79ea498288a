// The engine's planning half: load the machine model, discover, plan with the chosen policy and
// diff the plan against what the kernel reports now. (Applying joins in the apply issue.)
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "irqd/discover.hpp"
#include "policies/plan.hpp"
#include "sysfs/sys_root.hpp"
#include "topology/machine.hpp"

namespace irqd {

struct EngineOptions {
  std::filesystem::path root = "/";
  std::filesystem::path topology_xml;  // empty: live machine or the root's sysfs
  bool use_netlink = true;
};

struct IrqDiff {
  const sysfs::IrqInfo* irq = nullptr;
  const policies::IrqPlacement* planned = nullptr;  // nullptr: left as it is
  bool change = false;
  std::string reason;  // the plan's reason, or why the IRQ is not placed
};

struct QueueDiff {
  const sysfs::NicInfo* nic = nullptr;
  const sysfs::QueueInfo* queue = nullptr;
  const policies::QueuePlacement* planned = nullptr;  // nullptr: unchanged
  bool change = false;
};

struct Diff {
  std::vector<IrqDiff> irqs;      // every IRQ that belongs to a NIC, by IRQ number
  std::vector<QueueDiff> queues;  // every queue of every NIC
  int changes = 0;                // knobs that would be written
};

// Everything one planning pass produced, kept together so the diff's pointers stay valid.
struct PlanResult {
  topology::Machine machine;
  Discovery discovery;
  config::Config config;
  policies::Plan plan;
  Diff diff;
};

topology::Machine load_machine(const sysfs::SysRoot& root, const EngineOptions& opts);
Diff diff_plan(const sysfs::Inventory& inv, const policies::Plan& plan);
// Throws on errors that leave nothing to plan (unreadable /proc/interrupts, topology failure,
// unknown policy); the message names what failed.
std::unique_ptr<PlanResult> plan_once(const EngineOptions& opts, const config::Config& cfg);

}  // namespace irqd
