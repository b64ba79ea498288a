// What `irqctl napi DEVICE` shows, as values: each NAPI setting with the value in force and where
// it comes from, and the device's NAPIs (its queues grouped by NAPI id) with what the kernel
// reports for each. Built once from the typed model; text_views and json_views render it.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "irqd/irqctl/model.hpp"

namespace irqd::irqctl {

struct NapiSettingRow {
  std::string name;   // threaded, thread_cpus, defer_hard_irqs, ... (config/napi_settings.hpp)
  std::string value;  // in force; "" when nothing sets it (the kernel's value stays)
  // "run-time" (irqctl napi / SetDeviceNapi), "config" ([[device]]), "default" (irqd's built-in
  // keep / sibling), "" when nothing sets it.
  std::string from;
};

struct NapiRow {
  std::int32_t id = -1;
  std::vector<std::string> queues;  // rx-0, tx-0, ... in the device's order
  std::int32_t irq = -1;            // the first of its queues' IRQs; -1 when none
  std::optional<std::uint64_t> defer_hard_irqs, gro_flush_timeout, irq_suspend_timeout;
  std::optional<bool> threaded;
  std::int32_t thread_pid = -1;
  std::string thread_cpus;
};

struct NapiView {
  std::string device;
  std::vector<NapiSettingRow> settings;  // every setting, in config::napi_setting_names() order
  std::vector<NapiRow> napis;            // by first appearance among the queues
};

// `overrides`: the device's run-time NAPI settings (GetNapiOverrides), by name.
NapiView napi_view(const Device& device, const std::map<std::string, std::string>& overrides);

}  // namespace irqd::irqctl
