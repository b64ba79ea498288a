// Error collection and formatting.
#include "config/load_result.hpp"

#include <algorithm>
#include <tuple>

#include <fmt/format.h>

namespace irqd::config {

std::string ConfigError::to_string() const {
  std::string where_text = where.to_string();
  std::string out = where_text.empty() ? "" : where_text + ": ";
  if (!key.empty()) out += key + ": ";
  return out + message;
}

void LoadResult::add(SourceLocation where, std::string key, std::string message) {
  if (errors.size() >= kMaxErrors) {
    ++dropped_errors;
    return;
  }
  errors.push_back({std::move(where), std::move(key), std::move(message)});
}

void LoadResult::warn(SourceLocation where, std::string key, std::string message) {
  if (warnings.size() < kMaxErrors) warnings.push_back({std::move(where), std::move(key), std::move(message)});
}

void LoadResult::sort_errors() {
  auto rank = [this](const ConfigError& e) {
    auto it = std::find(config.sources.begin(), config.sources.end(), e.where.file);
    return std::make_tuple(it - config.sources.begin(), e.where.line, e.where.column);
  };
  auto by_place = [&](const ConfigError& a, const ConfigError& b) { return rank(a) < rank(b); };
  std::stable_sort(errors.begin(), errors.end(), by_place);
  std::stable_sort(warnings.begin(), warnings.end(), by_place);
}

std::string LoadResult::error_text() const {
  std::string out;
  for (const auto& e : errors) out += e.to_string() + "\n";
  if (dropped_errors > 0) out += fmt::format("... and {} more errors\n", dropped_errors);
  return out;
}

std::string LoadResult::warning_text() const {
  std::string out;
  for (const auto& w : warnings) out += "warning: " + w.to_string() + "\n";
  return out;
}

ConfigErrors::ConfigErrors(const LoadResult& r)
    : std::runtime_error(fmt::format("configuration has {} error{}:\n{}", r.errors.size() + r.dropped_errors,
                                     r.errors.size() + r.dropped_errors == 1 ? "" : "s",
                                     r.error_text().substr(0, r.error_text().size() - 1))),
      errors_(r.errors) {}

Config require_valid(LoadResult r) {
  if (!r.ok()) throw ConfigErrors(r);
  return std::move(r.config);
}

}  // namespace irqd::config
