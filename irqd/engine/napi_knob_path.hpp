// The knob paths that are no file (NapiKnobIo routes them; originals accepts them):
// "netdev/napi/<id>/<attribute>" and "task/<pid>/cpus". One parser for both, header-only so the
// originals' fuzz target needs nothing more.
#pragma once

#include <algorithm>
#include <optional>
#include <string_view>

namespace irqd {

struct NapiKnobPath {
  bool napi = true;       // false: a task's CPUs
  long id = -1;           // the NAPI id or the pid
  std::string_view leaf;  // the attribute, or "cpus"
};

// nullopt unless `rel` is "netdev/napi/<digits>/<leaf>" or "task/<digits>/<leaf>" (leaf without '/').
inline std::optional<NapiKnobPath> parse_napi_knob_path(std::string_view rel) {
  NapiKnobPath out;
  if (rel.starts_with("netdev/napi/")) rel.remove_prefix(12);
  else if (rel.starts_with("task/")) rel.remove_prefix(5), out.napi = false;
  else return std::nullopt;
  const auto slash = rel.find('/');
  if (slash == 0 || slash == std::string_view::npos || slash > 9 || rel.find('/', slash + 1) != std::string_view::npos)
    return std::nullopt;
  const std::string_view digits = rel.substr(0, slash);
  if (!std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) return std::nullopt;
  out.id = 0;
  for (char c : digits) out.id = out.id * 10 + (c - '0');
  out.leaf = rel.substr(slash + 1);
  return out;
}

// The NAPI attributes napi-set takes that irqd writes.
inline bool is_napi_attribute(std::string_view a) {
  return a == "defer-hard-irqs" || a == "gro-flush-timeout" || a == "irq-suspend-timeout" || a == "threaded";
}

}  // namespace irqd
