// Plans: what a policy wants the kernel knobs to be. A plan names only what it wants to set; an
// IRQ or queue it does not mention is left as it is.
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "policies/load.hpp"
#include "policies/reason.hpp"
#include "policies/shared_list.hpp"
#include "sysfs/cpuset.hpp"
#include "sysfs/inventory.hpp"
#include "topology/machine.hpp"

namespace irqd::policies {

using sysfs::CpuSet;

struct IrqPlacement {
  int irq = -1;
  CpuSet cpus;
  Reason reason;  // one line a person can read: why these CPUs
  // Why, in one word for counters (irqd_moves_total{reason}): "layout" (a static placement),
  // "pin", "home" (back inside its NIC's CPUs), "first-load" (the first measured load's re-plan),
  // "balance" (off the busiest CPU), "swap", "kept".
  std::string_view cause = "layout";
  // Placed by the non-network IRQ planner (policies/other.hpp), not by the NIC policy: reports
  // show it among the other IRQs.
  bool other = false;
};

struct QueuePlacement {
  std::string device;
  int queue = -1;
  bool rx = true;
  std::optional<CpuSet> rps_cpus;  // rx: planned rps_cpus (nullopt = leave as is)
  std::optional<long> rps_flow_cnt;
  std::optional<CpuSet> xps_cpus;  // tx
  std::optional<CpuSet> xps_rxqs;
  std::string reason;
};

// What a NIC's NAPI instance should be set to (netdev napi-set), and where its kthread goes while
// it polls in one (threaded NAPI). nullopt: left as it is.
struct NapiPlacement {
  std::string device;
  int napi_id = -1;
  std::optional<long> defer_hard_irqs;
  std::optional<long> gro_flush_timeout;    // ns
  std::optional<long> irq_suspend_timeout;  // ns
  std::optional<bool> threaded;
  int pid = -1;                        // its kthread now (threaded); -1: none
  std::optional<CpuSet> thread_cpus;   // where that kthread should run
  std::string reason;
};

// A device-wide NAPI file to set (/sys/class/net/<dev>/threaded, napi_defer_hard_irqs,
// gro_flush_timeout): the fallback for a setting this kernel cannot set per NAPI. A write there sets
// every NAPI of the device.
struct DeviceNapiSetting {
  std::string device;
  std::string file;  // sysfs::kThreadedFile, kDeferHardIrqsFile or kGroFlushTimeoutFile
  long value = 0;
  std::string reason;  // which path and why ("device-wide /sys/class/net/eth0/threaded: ...")
};

struct Plan {
  std::string policy;
  std::vector<IrqPlacement> irqs;      // sorted by IRQ
  SharedList<QueuePlacement> queues;  // sorted: every rx queue before every tx queue, then by device, index
  std::vector<std::string> notes;      // things the policy could not do, and why
  std::optional<long> rps_sock_flow_entries;  // RFS global table (/proc/sys/net/core/...)
  std::vector<NapiPlacement> napis;           // by device, then NAPI id
  std::vector<DeviceNapiSetting> device_napi;  // by device, then file

  const IrqPlacement* irq(int n) const;
  const QueuePlacement* queue(const std::string& device, bool rx, int index) const;
  // The placements of one device's rx (or tx) queues, sorted by index: for walking a NIC's queues
  // without a search by name per queue.
  std::span<const QueuePlacement> queues_of(const std::string& device, bool rx) const;
  // The placement of queue `index` in such a span; nullptr when it has none.
  static const QueuePlacement* find(std::span<const QueuePlacement> qs, int index);
  // The placement of a queue, created empty when the plan has none yet (keeps `queues` sorted).
  QueuePlacement& queue_mut(const std::string& device, bool rx, int index);
  // Replaces or adds an IRQ placement (keeps `irqs` sorted).
  void set_irq(IrqPlacement p);
  // The single CPU a queue's first planned IRQ goes to; -1 when it has none or several.
  int queue_irq_cpu(const sysfs::QueueInfo& q) const;
};

struct PlanInput {
  const topology::Machine& machine;
  const sysfs::Inventory& inventory;
  const config::Config& config;
  const LoadInfo* load = nullptr;  // measured load; nullptr for a static plan
};

// A placement policy: a pure function of its input. No I/O, no clock, no randomness, so it is
// tested and simulated without a machine and gives the same plan for the same input.
class Policy {
 public:
  virtual ~Policy() = default;
  virtual std::string_view name() const = 0;
  virtual std::string_view summary() const = 0;  // one line for --help and logs
  virtual Plan plan(const PlanInput& in) const = 0;
  // Whether plan() reads PlanInput::load. A policy that does not gives the same plan whatever the
  // load, so the engine may keep its last plan while nothing else changed.
  virtual bool uses_load() const { return false; }
};

}  // namespace irqd::policies
