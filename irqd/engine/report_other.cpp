// Report parts for non-network IRQs.
#include "irqd/engine/report_other.hpp"

#include <fmt/format.h>

#include "policies/other.hpp"

namespace irqd {

namespace {
using nlohmann::json;

int other_count(const PlanResult& r) {
  int n = 0;
  for (const auto& irq : r.discovery->inventory.irqs) n += policies::is_other_irq(irq) ? 1 : 0;
  return n;
}

int other_changes(const PlanResult& r) {
  int n = 0;
  for (const auto& d : r.diff.others) n += d.change ? 1 : 0;
  return n;
}

}  // namespace

std::string other_irqs_line(const PlanResult& r) {
  const auto mode = r.config->other_irqs;
  const int n = other_count(r);
  const std::string what = fmt::format("{} IRQ{} not network and not kernel-managed", n, n == 1 ? "" : "s");
  if (mode == config::OtherIrqs::kIgnore) return fmt::format("ignore ({}, left as they are)", what);
  return fmt::format("{} ({}, {} to move)", config::to_string(mode), what, other_changes(r));
}

json other_irqs_json(const PlanResult& r, const ReportOptions& opts) {
  json irqs = json::array();
  for (const auto& d : r.diff.others) {
    if (opts.changes_only && !d.change) continue;
    json e = report_irq_json(d);
    e["chip"] = d.irq->chip;
    e["cause"] = d.planned ? json(std::string(d.planned->cause)) : json(nullptr);
    irqs.push_back(std::move(e));
  }
  return {{"mode", config::to_string(r.config->other_irqs)},
          {"count", other_count(r)},
          {"change_count", other_changes(r)},
          {"irqs", irqs}};
}

}  // namespace irqd
