// Renders a top frame from values; the layout mirrors the brief's "bars grouped by NUMA node,
// then the busiest IRQs" so a glance shows both where the load is and what causes it.
#include "irqd/irqctl/top_frame.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "irqd/irqctl/cpu_load.hpp"
#include "irqd/irqctl/table.hpp"
#include "irqd/irqctl/text_views.hpp"

namespace irqd::irqctl {

std::string load_bar(double fraction, int width) {
  width = std::max(width, 1);
  double f = std::isfinite(fraction) ? std::clamp(fraction, 0.0, 1.0) : 0.0;
  auto filled = static_cast<int>(std::lround(f * width));
  return "[" + std::string(static_cast<std::size_t>(filled), '#') +
         std::string(static_cast<std::size_t>(width - filled), '.') + "]";
}

std::vector<Irq> busiest_irqs(std::vector<Irq> irqs) {
  std::stable_sort(irqs.begin(), irqs.end(), [](const Irq& a, const Irq& b) {
    if (a.cost != b.cost) return a.cost > b.cost;
    if (a.rate != b.rate) return a.rate > b.rate;
    return a.number < b.number;
  });
  return irqs;
}

std::string top_frame(const Status& s, const std::vector<Irq>& irqs, const CpuNodes& nodes,
                      const TopOptions& o) {
  std::string out = fmt::format(
      "irqd {}  policy {}  cycle {} ({:.2f} ms)  every {:g} s  IRQs: {} managed, {} "
      "unchangeable, {} failed\n",
      s.version, s.policy, s.cycles, s.last_cycle_ms, s.interval_seconds, s.managed, s.unchangeable,
      s.failed);
  if (!s.last_error.empty()) out += "last cycle failed: " + s.last_error + "\n";

  auto loads = cpu_loads(irqs, nodes);
  // "  cpu 123 [bar]  100.0%  123456 irq/s": 34 columns besides the bar.
  int bar = std::clamp(o.width - 34, 10, 60);
  out += "\nInterrupt load per CPU (hard+soft IRQ time)\n";
  int shown_node = -2;
  for (const auto& l : loads) {
    if (l.node != shown_node) {
      shown_node = l.node;
      if (nodes.node_of.empty())
        out += "all CPUs (NUMA nodes not known)\n";
      else if (l.node < 0)
        out += "node ? (CPUs not in any node's cpulist)\n";
      else
        out += fmt::format("node {}\n", l.node);
    }
    out += fmt::format("  cpu {:>3} {} {:>6} {:>8} irq/s\n", l.cpu, load_bar(l.cost, bar),
                       fmt_percent(l.cost), fmt_rate(l.rate));
  }
  if (loads.empty()) out += "  (no CPUs known)\n";

  auto busy = busiest_irqs(irqs);
  std::size_t n = std::min(busy.size(), static_cast<std::size_t>(std::max(o.max_irqs, 0)));
  out += fmt::format("\nBusiest IRQs ({} of {})\n", n, irqs.size());
  using Align = Table::Align;
  Table t({"IRQ", "IRQ/S", "CPU%", "CPU", "DEVICE", "QUEUE", "NAME"},
          {Align::kRight, Align::kRight, Align::kRight, Align::kRight});
  for (std::size_t k = 0; k < n; ++k) {
    const Irq& i = busy[k];
    t.add_row({std::to_string(i.number), fmt_rate(i.rate), fmt_percent(i.cost),
               fmt_id(i.effective_cpu), or_dash(i.device), or_dash(i.queue), i.name});
  }
  out += t.render();
  return out;
}

}  // namespace irqd::irqctl
