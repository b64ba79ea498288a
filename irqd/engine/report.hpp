// Dry-run reports of a planning pass: a table for people and a stable JSON document for scripts
// (schema described in README.md, "JSON output").
#pragma once

#include <string>

#include "irqd/engine/apply.hpp"
#include "irqd/engine/engine.hpp"
#include "irqd/engine/report_rows.hpp"

namespace irqd {

// The version of contrib/irqd.schema.json, which irqctl --json follows too (kJsonSchema); bumped
// only on incompatible changes (fields are only ever added within a version).
inline constexpr int kReportSchema = 2;

// `applied` is null for a dry run.
std::string render_text(const PlanResult& r, const std::string& root_display, const ApplyResult* applied,
                        const ReportOptions& opts = {});
// A failure as the schema's error document (what --format json prints on stdout instead of a
// report): {"schema", "error": {"message", "exit_code"}}.
std::string render_json_error(const std::string& message, int exit_code);
std::string render_json(const PlanResult& r, const std::string& root_display, const ApplyResult* applied,
                        const ReportOptions& opts = {});

}  // namespace irqd
