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
// {"mode", "count", "changes", "irqs": [{irq, name, chip, node, current, effective, planned,
// change, cause, reason}]} (irqs: the changed ones only with --changes-only).
nlohmann::json other_irqs_json(const PlanResult& r, const ReportOptions& opts);

}  // namespace irqd
