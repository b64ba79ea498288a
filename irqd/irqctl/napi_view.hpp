// What `irqctl napi DEVICE` shows, as values: each NAPI setting with the value in force and where
// it comes from, and the device's NAPIs with the queues each serves and what the kernel reports.
// Built once from the typed model; text_views and json_views render it.
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
  Napi napi;
  std::vector<std::string> queues;  // the queues it serves (rx-0, tx-0, ...), in the device's order
};

struct NapiView {
  std::string device;
  std::vector<NapiSettingRow> settings;  // every setting, in config::napi_setting_names() order
  // The device's NAPIs in the kernel's order; from a daemon that does not list them, those its
  // queues name, by first appearance (their IRQ: the first of their queues').
  std::vector<NapiRow> napis;
};

// `overrides`: the device's run-time NAPI settings (GetNapiOverrides), by name.
NapiView napi_view(const Device& device, const std::map<std::string, std::string>& overrides);

}  // namespace irqd::irqctl
