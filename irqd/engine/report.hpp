// Dry-run reports of a planning pass: a table for people and a stable JSON document for scripts
// (schema described in README.md, "JSON output").
#pragma once

#include <string>

#include "irqd/engine/apply.hpp"
#include "irqd/engine/engine.hpp"
#include "irqd/engine/report_rows.hpp"

namespace irqd {

// The JSON schema version; bumped only on incompatible changes (fields are only ever added).
inline constexpr int kReportSchema = 1;

// `applied` is null for a dry run.
std::string render_text(const PlanResult& r, const std::string& root_display, const ApplyResult* applied,
                        const ReportOptions& opts = {});
std::string render_json(const PlanResult& r, const std::string& root_display, const ApplyResult* applied,
                        const ReportOptions& opts = {});

}  // namespace irqd
