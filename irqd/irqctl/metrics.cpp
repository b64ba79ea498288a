// Prometheus metrics: one HELP and TYPE line per family, then its samples.
#include "irqd/irqctl/metrics.hpp"

#include <fmt/format.h>


#include "sysfs/prometheus_text.hpp"
#include "irqd/irqctl/cpu_load.hpp"

namespace irqd::irqctl {

namespace {
const auto& num = irqd::prom_num;
void family(std::string& out, const char* name, const char* type, const char* help) {
  irqd::prom_family(out, name, type, help);
}
}  // namespace

std::string prom_escape(const std::string& value) { return irqd::prom_escape(value); }

std::string metrics_text(const Status& s, const std::vector<Irq>& irqs, const CpuNodes& nodes) {
  std::string out;
  family(out, "irqd_info", "gauge", "irqd version and default policy (always 1).");
  out += fmt::format("irqd_info{{version=\"{}\",policy=\"{}\",dry_run=\"{}\"}} 1\n",
                     prom_escape(s.version), prom_escape(s.policy), s.dry_run ? "true" : "false");
  family(out, "irqd_cycles_total", "counter", "Cycles (plan and apply) the daemon has run.");
  out += fmt::format("irqd_cycles_total {}\n", s.cycles);
  family(out, "irqd_last_cycle_seconds", "gauge", "How long the last cycle took.");
  out += fmt::format("irqd_last_cycle_seconds {}\n", num(s.last_cycle_ms / 1000.0));
  family(out, "irqd_interval_seconds", "gauge", "Seconds between cycles.");
  out += fmt::format("irqd_interval_seconds {}\n", num(s.interval_seconds));
  family(out, "irqd_last_cycle_ok", "gauge", "1 when the last cycle succeeded, 0 when it failed.");
  out += fmt::format("irqd_last_cycle_ok {}\n", s.last_error.empty() ? 1 : 0);
  family(out, "irqd_irqs", "gauge",
         "IRQs by state (the daemon's own metrics' names): placed (irqd sets their affinity), "
         "kernel_managed (the kernel does), failed (last cycle's failed writes).");
  out += fmt::format("irqd_irqs{{state=\"placed\"}} {}\n", s.placed);
  out += fmt::format("irqd_irqs{{state=\"kernel_managed\"}} {}\n", s.unchangeable);
  out += fmt::format("irqd_irqs{{state=\"failed\"}} {}\n", s.failed);

  auto irq_labels = [](const Irq& i) {
    return fmt::format("irq=\"{}\",name=\"{}\",device=\"{}\",queue=\"{}\"", i.number,
                       prom_escape(i.name), prom_escape(i.device), prom_escape(i.queue));
  };
  family(out, "irqd_irq_rate", "gauge", "Interrupts per second of each IRQ.");
  for (const auto& i : irqs)
    out += fmt::format("irqd_irq_rate{{{}}} {}\n", irq_labels(i), num(i.rate));
  family(out, "irqd_irq_load", "gauge",
         "CPU seconds per second spent handling each IRQ (hard+soft IRQ time).");
  for (const auto& i : irqs)
    out += fmt::format("irqd_irq_load{{{}}} {}\n", irq_labels(i), num(i.cost));
  family(out, "irqd_irq_effective_cpu", "gauge", "CPU each IRQ is delivered to (-1 when unknown).");
  for (const auto& i : irqs) {
    out += fmt::format("irqd_irq_effective_cpu{{{}}} {}\n", irq_labels(i), i.effective_cpu);
  }

  auto loads = cpu_loads(irqs, nodes);
  auto cpu_labels = [](const CpuLoad& l) {
    return fmt::format("cpu=\"{}\",node=\"{}\"", l.cpu,
                       l.node < 0 ? std::string() : std::to_string(l.node));
  };
  family(out, "irqd_cpu_irq_load", "gauge",
         "CPU seconds per second each CPU spends in the IRQs delivered to it.");
  for (const auto& l : loads)
    out += fmt::format("irqd_cpu_irq_load{{{}}} {}\n", cpu_labels(l), num(l.cost));
  family(out, "irqd_cpu_irq_rate", "gauge", "Interrupts per second delivered to each CPU.");
  for (const auto& l : loads)
    out += fmt::format("irqd_cpu_irq_rate{{{}}} {}\n", cpu_labels(l), num(l.rate));
  return out;
}

}  // namespace irqd::irqctl
