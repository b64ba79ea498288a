// A device's NAPI settings by name and as text: the one spelling that run-time requests (D-Bus
// SetDeviceNapi, irqctl napi), the overrides state file and the views share. Each name stands for a
// [[device]] key (threaded: napi_threaded, thread_cpus: napi_thread_cpus, defer_hard_irqs:
// napi_defer_hard_irqs, gro_flush_timeout, irq_suspend_timeout) and its value is checked by that
// key's parser and limits (config.hpp) with that key's "expected" text (schema.hpp): a run-time
// value is valid exactly when the same value is valid in irqd.toml. Pure functions, no I/O.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"

namespace irqd::config {

// The names in the order views list them: threaded, thread_cpus, defer_hard_irqs,
// gro_flush_timeout, irq_suspend_timeout.
const std::vector<std::string_view>& napi_setting_names();

// The [[device]] key `name` stands for ("threaded" -> "napi_threaded"); throws like
// set_napi_setting for an unknown name.
std::string_view napi_setting_key(std::string_view name);

// Whether a run-time request's value asks to drop the setting instead: "" or "default".
bool is_napi_default(std::string_view value);

// Sets setting `name` of `p` from its text ("on", "same-core", "20000"). Throws
// std::invalid_argument naming the name and the value: "unknown NAPI setting 'defer' (expected
// threaded, ...)", "gro_flush_timeout '-1': expected nanoseconds, an integer from 0 to ...".
void set_napi_setting(DevicePatch& p, std::string_view name, std::string_view value);
// Unsets setting `name` of `p` (the name is checked as above).
void clear_napi_setting(DevicePatch& p, std::string_view name);

// The NAPI settings `p` sets, name -> text; the patch's other fields are not looked at.
std::map<std::string, std::string> napi_settings(const DevicePatch& p);
// The NAPI settings in force in `s`: threaded and thread_cpus always ("keep" and "sibling" are
// what irqd does when nothing sets them), the numbers when set.
std::map<std::string, std::string> napi_settings(const DeviceSettings& s);

}  // namespace irqd::config
