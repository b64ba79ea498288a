// What the text and JSON reports share beyond the diff: each NAPI's current and planned values,
// each device-wide NAPI file's, and the --summary roll-up (per NIC: queue IRQs -> planned CPUs; per CPU: the IRQs planned there).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "irqd/engine/engine.hpp"

namespace irqd {

struct ReportOptions {
  bool changes_only = false;  // --changes-only: only rows that would change (or changed)
  bool summary = false;       // --summary: roll-ups instead of the per-IRQ and per-queue tables
};

struct NapiRow {
  const sysfs::NicInfo* nic = nullptr;
  const sysfs::NicNapi* napi = nullptr;
  const policies::NapiPlacement* planned = nullptr;  // nullptr: left as it is
  bool change = false;  // a knob of this NAPI (netdev/napi/<id>/..., its kthread's CPUs) is written
};
std::vector<NapiRow> napi_rows(const PlanResult& r);

// One device-wide NAPI file the plan sets (Plan::device_napi) and what it holds now.
struct DeviceNapiRow {
  const policies::DeviceNapiSetting* setting = nullptr;
  std::optional<long> current;  // nullopt: no file
  bool change = false;          // it is written
};
std::vector<DeviceNapiRow> device_napi_rows(const PlanResult& r);

struct NicSummary {
  std::string device;
  int queue_irqs = 0;
  sysfs::CpuSet planned;  // CPUs its queue IRQs are planned on (current where not placed)
  int changes = 0;        // of its IRQ rows
};
struct CpuSummary {
  sysfs::CpuSet cpus;       // CPUs alike (anywhere): the same IRQ count of the same NICs
  int irqs = 0;             // network IRQs planned on each of them
  std::vector<std::string> devices;
};
struct ReportSummary {
  std::vector<NicSummary> nics;
  std::vector<CpuSummary> cpus;  // by first CPU; CPUs with no network IRQ included
};
ReportSummary summarize(const PlanResult& r);

// The netdev genetlink interfaces found, as one line ("family, queue-get, napi-get, ...").
std::string netdev_features_text(const netlink::NetdevFeatures& f);

}  // namespace irqd
