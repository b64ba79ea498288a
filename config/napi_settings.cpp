// NAPI settings by name: the name table, value parsing with the [[device]] parsers and limits,
// text.
#include "config/napi_settings.hpp"

#include <fmt/format.h>

#include <array>
#include <charconv>
#include <optional>
#include <stdexcept>

#include "config/arguments.hpp"
#include "config/schema.hpp"

namespace irqd::config {

namespace {

using Number = std::optional<long> DevicePatch::*;

struct Setting {
  std::string_view name;
  std::string_view key;  // in [[device]]
  Number number{};       // the numeric ones: their field
  long max = 0;          // and its largest value
};

const std::array<Setting, 5> kSettings = {{
    {"threaded", "napi_threaded"},
    {"thread_cpus", "napi_thread_cpus"},
    {"defer_hard_irqs", "napi_defer_hard_irqs", &DevicePatch::napi_defer_hard_irqs,
     kMaxNapiDeferHardIrqs},
    {"gro_flush_timeout", "gro_flush_timeout", &DevicePatch::gro_flush_timeout, kMaxNapiTimeoutNs},
    {"irq_suspend_timeout", "irq_suspend_timeout", &DevicePatch::irq_suspend_timeout,
     kMaxNapiTimeoutNs},
}};

const Setting& setting(std::string_view name) {
  for (const auto& s : kSettings)
    if (s.name == name) return s;
  std::string guess = suggest(name, napi_setting_names());
  throw std::invalid_argument(
      fmt::format("unknown NAPI setting '{}' ({}expected threaded, thread_cpus, defer_hard_irqs, "
                  "gro_flush_timeout or irq_suspend_timeout)",
                  shown_arg(name), guess.empty() ? "" : fmt::format("did you mean '{}'? ", guess)));
}

[[noreturn]] void bad_value(const Setting& s, std::string_view value) {
  throw std::invalid_argument(fmt::format("{} '{}': expected {}", s.name, shown_arg(value),
                                          find_key("device", s.key)->expected));
}

// A decimal without sign or spaces, within 0..max.
long number(const Setting& s, std::string_view value) {
  long v = 0;
  const char* end = value.data() + value.size();
  if (value.empty() || value.front() < '0' || value.front() > '9') bad_value(s, value);
  auto [at, ec] = std::from_chars(value.data(), end, v);
  if (ec != std::errc() || at != end || v > s.max) bad_value(s, value);
  return v;
}

}  // namespace

const std::vector<std::string_view>& napi_setting_names() {
  static const std::vector<std::string_view> names = [] {
    std::vector<std::string_view> v;
    for (const auto& s : kSettings) v.push_back(s.name);
    return v;
  }();
  return names;
}

std::string_view napi_setting_key(std::string_view name) { return setting(name).key; }

bool is_napi_default(std::string_view value) { return value.empty() || value == "default"; }

void set_napi_setting(DevicePatch& p, std::string_view name, std::string_view value) {
  const Setting& s = setting(name);
  if (s.number) {
    p.*s.number = number(s, value);
    return;
  }
  // The enum parsers name the [[device]] key in their message: say it with the run-time name.
  try {
    if (s.name == "threaded")
      p.napi_threaded = parse_napi_threaded(std::string(value));
    else
      p.napi_thread_cpus = parse_napi_thread_cpus(std::string(value));
  } catch (const std::invalid_argument&) {
    bad_value(s, value);
  }
}

void clear_napi_setting(DevicePatch& p, std::string_view name) {
  const Setting& s = setting(name);
  if (s.number)
    (p.*s.number).reset();
  else if (s.name == "threaded")
    p.napi_threaded.reset();
  else
    p.napi_thread_cpus.reset();
}

std::map<std::string, std::string> napi_settings(const DevicePatch& p) {
  std::map<std::string, std::string> out;
  if (p.napi_threaded) out["threaded"] = to_string(*p.napi_threaded);
  if (p.napi_thread_cpus) out["thread_cpus"] = to_string(*p.napi_thread_cpus);
  for (const auto& s : kSettings)
    if (s.number && p.*s.number) out[std::string(s.name)] = std::to_string(*(p.*s.number));
  return out;
}

std::map<std::string, std::string> napi_settings(const DeviceSettings& s) {
  DevicePatch p = patch_of(s);  // the numbers as set; threading only where not the default
  p.napi_threaded = s.napi_threaded;
  p.napi_thread_cpus = s.napi_thread_cpus;
  return napi_settings(p);
}

}  // namespace irqd::config
