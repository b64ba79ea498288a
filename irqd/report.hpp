// Dry-run reports of a planning pass: a table for people and a stable JSON document for scripts
// (schema described in README.md, "JSON output").
#pragma once

#include <string>

#include "irqd/engine.hpp"

namespace irqd {

// The JSON schema version; bumped only on incompatible changes (fields are only ever added).
inline constexpr int kReportSchema = 1;

std::string render_text(const PlanResult& r, const std::string& root_display);
std::string render_json(const PlanResult& r, const std::string& root_display);

}  // namespace irqd
