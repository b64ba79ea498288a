// Daemon metrics: counting each cycle, and the Prometheus text of it all.
#include "irqd/daemon/metrics.hpp"

#include <fmt/format.h>

#include "sysfs/prometheus_text.hpp"

namespace irqd {

std::string_view DaemonMetrics::knob_kind(std::string_view path) {
  auto ends = [&](std::string_view s) { return path.ends_with(s); };
  if (path.starts_with("proc/irq/")) return "affinity";
  if (path.starts_with("netdev/napi/")) return "napi";
  if (path.starts_with("task/")) return "napi_thread";
  if (path == "proc/sys/net/core/rps_sock_flow_entries") return "rps_sock_flow_entries";
  for (std::string_view k : {"rps_cpus", "rps_flow_cnt", "xps_cpus", "xps_rxqs"})
    if (ends("/" + std::string(k))) return k;
  for (std::string_view k : {"/threaded", "/napi_defer_hard_irqs", "/gro_flush_timeout"})
    if (ends(k)) return "device_napi";
  return "other";
}

void DaemonMetrics::record(const PlanResult& plan, const ApplyResult* applied, double seconds, double unix_time) {
  ++cycles_;
  cycle_sum_ += seconds;
  std::size_t b = 0;
  while (b < kBuckets.size() && seconds > kBuckets[b]) ++b;
  ++buckets_[b];
  last_cycle_unix_ = unix_time;
  if (applied == nullptr) return;
  for (const auto& o : applied->outcomes)
    ++changes_[{std::string(knob_kind(o.knob->path)), o.vanished ? "vanished" : o.ok ? "ok" : "failed"}];
  std::set<int> moved(applied->moved.begin(), applied->moved.end());
  for (const auto* rows : {&plan.diff.irqs, &plan.diff.others})
    for (const auto& d : *rows)
      if (d.planned && moved.contains(d.irq->irq)) ++moves_[std::string(d.planned->cause)];
}

std::string DaemonMetrics::text(const PlanResult* plan, const Sampler& sampler, std::size_t unchangeable) const {
  std::string out;
  prom_family(out, "irqd_cycles_total", "counter", "Cycles (plan and apply) the daemon has run.");
  out += fmt::format("irqd_cycles_total {}\n", cycles_);
  prom_family(out, "irqd_cycle_seconds", "histogram", "How long each cycle took (sample, plan, apply).");
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < kBuckets.size(); ++i) {
    cumulative += buckets_[i];
    out += fmt::format("irqd_cycle_seconds_bucket{{le=\"{}\"}} {}\n", prom_num(kBuckets[i]), cumulative);
  }
  cumulative += buckets_[kBuckets.size()];
  out += fmt::format("irqd_cycle_seconds_bucket{{le=\"+Inf\"}} {}\nirqd_cycle_seconds_sum {}\nirqd_cycle_seconds_count {}\n",
                     cumulative, prom_num(cycle_sum_), cumulative);
  prom_family(out, "irqd_last_cycle_timestamp_seconds", "gauge", "When the last cycle ended (Unix time).");
  out += fmt::format("irqd_last_cycle_timestamp_seconds {}\n", prom_num(last_cycle_unix_));
  prom_family(out, "irqd_changes_total", "counter",
              "Knob writes by kind (affinity, rps_cpus, rps_flow_cnt, xps_cpus, xps_rxqs, rps_sock_flow_entries, "
              "napi, napi_thread, device_napi) and result (ok, failed, vanished).");
  for (const auto& [key, n] : changes_)
    out += fmt::format("irqd_changes_total{{kind=\"{}\",result=\"{}\"}} {}\n", key.first, key.second, n);
  prom_family(out, "irqd_moves_total", "counter",
              "IRQ moves by their reason: layout, pin, home, first-load, balance, swap, off-isolated.");
  for (const auto& [cause, n] : moves_) out += fmt::format("irqd_moves_total{{reason=\"{}\"}} {}\n", prom_escape(cause), n);

  std::size_t placed = 0, managed = 0;
  if (plan)
    for (const auto& d : plan->diff.irqs) {
      placed += d.planned ? 1 : 0;
      managed += d.irq->cls == sysfs::IrqClass::kManaged ? 1 : 0;
    }
  prom_family(out, "irqd_irqs", "gauge",
              "Network IRQs by state: placed (irqd sets their affinity), kernel_managed (the kernel does; "
              "irqd cannot).");
  out += fmt::format("irqd_irqs{{state=\"placed\"}} {}\nirqd_irqs{{state=\"kernel_managed\"}} {}\n", placed,
                     managed + unchangeable);
  if (!plan) return out;
  // queue as irqctl and the reports name it: rx-N, tx-N, rxtx-N (a combined channel), "" for none.
  auto labels = [](const sysfs::IrqInfo& i) {
    const char* role = i.role == sysfs::QueueRole::kRx ? "rx" : i.role == sysfs::QueueRole::kTx ? "tx" : "rxtx";
    return fmt::format("irq=\"{}\",device=\"{}\",queue=\"{}\"", i.irq, prom_escape(i.device),
                       i.queue < 0 ? std::string() : fmt::format("{}-{}", role, i.queue));
  };
  const auto& totals = sampler.totals();
  prom_family(out, "irqd_irq_interrupts_total", "counter", "Interrupts of each network IRQ since irqd started.");
  for (const auto& d : plan->diff.irqs)
    if (auto t = totals.find(d.irq->irq); t != totals.end())
      out += fmt::format("irqd_irq_interrupts_total{{{}}} {}\n", labels(*d.irq), t->second.interrupts);
  prom_family(out, "irqd_irq_cpu_seconds_total", "counter",
              "CPU time charged to each network IRQ since irqd started (hard and soft IRQ time where it fired, "
              "its threaded NAPI's kthread).");
  for (const auto& d : plan->diff.irqs)
    if (auto t = totals.find(d.irq->irq); t != totals.end())
      out += fmt::format("irqd_irq_cpu_seconds_total{{{}}} {}\n", labels(*d.irq), prom_num(t->second.seconds));
  prom_family(out, "irqd_irq_cpu", "gauge", "The CPU each network IRQ is delivered to (-1: not one CPU or unknown).");
  for (const auto& d : plan->diff.irqs) {
    const auto& e = d.irq->effective;
    out += fmt::format("irqd_irq_cpu{{{}}} {}\n", labels(*d.irq), e && e->count() == 1 ? e->first() : -1);
  }
  return out;
}

}  // namespace irqd
