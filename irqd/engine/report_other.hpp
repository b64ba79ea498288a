// The reports' account of non-network IRQs ([daemon] other_irqs, policies/other.hpp): the mode,
// how many there are, and each one the mode planned with its planned CPUs and reason.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "irqd/engine/engine.hpp"
#include "irqd/engine/report_rows.hpp"

namespace irqd {

// "place (42 IRQs not network and not kernel-managed, 5 to move)", "ignore (42 ... left as they are)".
std::string other_irqs_line(const PlanResult& r);
// {"mode", "count", "change_count", "irqs": [the report's IRQ object + chip, cause]} (irqs: the
// changed ones only with --changes-only).
nlohmann::json other_irqs_json(const PlanResult& r, const ReportOptions& opts);
// One IRQ as the JSON report shows it (contrib/irqd.schema.json $defs/report_irq), in irqs[] and
// other_irqs.irqs[] alike (report_json.cpp).
nlohmann::json report_irq_json(const IrqDiff& d);

}  // namespace irqd
