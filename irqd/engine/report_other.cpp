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

json set_json(const std::optional<sysfs::CpuSet>& s) { return s ? json(s->to_list()) : json(nullptr); }
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
    const auto& i = *d.irq;
    irqs.push_back({{"irq", i.irq},
                    {"name", i.name},
                    {"chip", i.chip},
                    {"node", i.node},
                    {"current", set_json(i.affinity)},
                    {"effective", set_json(i.effective)},
                    {"planned", d.planned ? json(d.planned->cpus.to_list()) : json(nullptr)},
                    {"change", d.change},
                    {"cause", d.planned ? json(std::string(d.planned->cause)) : json(nullptr)},
                    {"reason", d.reason()}});
  }
  return {{"mode", config::to_string(r.config->other_irqs)},
          {"count", other_count(r)},
          {"changes", other_changes(r)},
          {"irqs", irqs}};
}

}  // namespace irqd
