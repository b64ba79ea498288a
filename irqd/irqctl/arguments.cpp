// Argument checks: config/arguments.hpp's and napi_settings.hpp's validators, their
// std::invalid_argument turned into irqctl's exit 4 with the same message.
#include "irqd/irqctl/arguments.hpp"

#include <fmt/format.h>

#include <charconv>
#include <stdexcept>

#include "config/arguments.hpp"
#include "config/napi_settings.hpp"
#include "irqd/irqctl/errors.hpp"

namespace irqd::irqctl {

namespace {
template <typename F>
void refuse_invalid(F&& check) {
  try {
    check();
  } catch (const std::invalid_argument& e) {
    throw CommandError(kExitInvalid, e.what());
  }
}
}  // namespace

void check_cpulist(const std::string& text) {
  refuse_invalid([&] { (void)config::parse_cpus_arg(text); });
}

void check_queue_name(const std::string& text) {
  refuse_invalid([&] { (void)config::parse_queue_name(text); });
}

void check_device_name(const std::string& text) {
  refuse_invalid([&] { config::check_device_name(text); });
}

void check_policy_name(const std::string& text) {
  refuse_invalid([&] { config::check_policy_name(text); });
}

std::map<std::string, std::string> parse_napi_settings(const std::vector<std::string>& args) {
  std::map<std::string, std::string> out;
  for (const auto& arg : args) {
    auto eq = arg.find('=');
    if (eq == std::string::npos)
      throw CommandError(kExitInvalid,
                         fmt::format("'{}': expected NAME=VALUE, e.g. defer_hard_irqs=2 or "
                                     "threaded=default",
                                     config::shown_arg(arg)));
    std::string name = arg.substr(0, eq), value = arg.substr(eq + 1);
    refuse_invalid([&] {
      config::DevicePatch scratch;
      if (config::is_napi_default(value))
        config::clear_napi_setting(scratch, name);
      else
        config::set_napi_setting(scratch, name, value);
    });
    if (!out.emplace(name, value).second)
      throw CommandError(kExitInvalid, fmt::format("{} is given twice", name));
  }
  return out;
}

std::optional<std::pair<int, int>> parse_size(std::string_view text) {
  auto x = text.find('x');
  if (x == std::string_view::npos) return std::nullopt;
  auto number = [](std::string_view t) -> std::optional<int> {
    int v = 0;
    auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
    if (ec != std::errc() || end != t.data() + t.size() || v > 10000) return std::nullopt;
    return v;
  };
  auto cols = number(text.substr(0, x)), rows = number(text.substr(x + 1));
  if (!cols || !rows || *cols < 20 || *rows < 10) return std::nullopt;
  return std::pair{*cols, *rows};
}

}  // namespace irqd::irqctl
