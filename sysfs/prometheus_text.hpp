// The Prometheus text exposition format (0.0.4) primitives the daemon's metrics and irqctl's share
// (here beside utf8.hpp: text for output that both the daemon and irqctl may include):
// a label value escaped, a float as the format spells it, a family's HELP and TYPE lines.
#pragma once

#include <cmath>
#include <string>
#include <string_view>

#include <fmt/format.h>

namespace irqd {

// A label value with \, " and newline escaped as the exposition format requires.
inline std::string prom_escape(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

// Floats: plain decimal, enough digits to round-trip; NaN and the infinities as the format has them.
inline std::string prom_num(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  return fmt::format("{}", v);
}

inline void prom_family(std::string& out, std::string_view name, std::string_view type, std::string_view help) {
  out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
}

}  // namespace irqd
