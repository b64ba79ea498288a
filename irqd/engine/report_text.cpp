// Text report: aligned tables of network IRQs, queues, NAPIs and device-wide NAPI settings,
// current against planned. Bytes of kernel text that are not UTF-8, and control characters, are
// printed escaped ("\xff"), never raw.
#include <algorithm>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "irqd/engine/report.hpp"
#include "irqd/engine/report_other.hpp"
#include "irqd/engine/report_rows.hpp"
#include "policies/core_order.hpp"
#include "sysfs/utf8.hpp"

namespace irqd {

namespace {

class Table {
 public:
  explicit Table(std::vector<std::string> header) { rows_.push_back(std::move(header)); }
  // Cells are escaped (names are bytes from kernel files) before the columns are measured.
  void add(std::vector<std::string> row) {
    for (auto& cell : row) cell = sysfs::escaped(cell);
    rows_.push_back(std::move(row));
  }
  std::string str() const {
    std::vector<std::size_t> w(rows_[0].size(), 0);
    for (const auto& r : rows_)
      for (std::size_t i = 0; i < r.size(); ++i) w[i] = std::max(w[i], r[i].size());
    std::string out;
    for (const auto& r : rows_) {
      std::string line;
      for (std::size_t i = 0; i < r.size(); ++i)
        line += i + 1 == r.size() ? r[i] : fmt::format("{:<{}}  ", r[i], w[i]);
      while (!line.empty() && line.back() == ' ') line.pop_back();
      out += line + "\n";
    }
    return out;
  }

 private:
  std::vector<std::vector<std::string>> rows_;
};

std::string set_or(const std::optional<sysfs::CpuSet>& s, const char* none = "-") {
  if (!s) return none;
  return s->empty() ? "(none)" : s->to_list();
}

// Long cpulists (every other CPU of a node) would swamp the table.
std::string short_set(const std::optional<sysfs::CpuSet>& s) {
  std::string full = set_or(s);
  if (full.size() <= 24) return full;
  return fmt::format("{} CPUs in {}-{}", s->count(), s->first(), s->last());
}

// The NIC's NUMA node, marked when it comes from its IRQs rather than its device.
std::string node_label(const sysfs::NicInfo& n) {
  if (n.numa_node < 0) return "-";
  if (n.numa_source == sysfs::NumaSource::kIrq) return fmt::format("{} (irq)", n.numa_node);
  return std::to_string(n.numa_node);
}

std::string queue_label(const sysfs::IrqInfo& irq) {
  if (irq.cls != sysfs::IrqClass::kQueue) return "-";
  switch (irq.role) {
    case sysfs::QueueRole::kRx: return fmt::format("rx-{}", irq.queue);
    case sysfs::QueueRole::kTx: return fmt::format("tx-{}", irq.queue);
    default: return fmt::format("rxtx-{}", irq.queue);
  }
}

std::string irq_list(const std::vector<int>& irqs) {
  return irqs.empty() ? "-" : fmt::format("{}", fmt::join(irqs, ","));
}

// "=": stays as it is (not planned, or planned as it is now); one marker for both.
constexpr const char* kStays = "=";

template <typename T>
std::string planned_knob(const policies::QueuePlacement* p, std::optional<T> policies::QueuePlacement::*field,
                         const std::optional<T>& now) {
  if (!p || !(p->*field) || (now && *(p->*field) == *now)) return kStays;
  if constexpr (std::is_same_v<T, sysfs::CpuSet>) return set_or(p->*field);
  else return fmt::format("{}", *(p->*field));
}

// The plan's reason without what the row's own columns say ("eth0 rx/tx queue 3: " or
// "eth0 rx/tx queue 3 -> ").
std::string short_why(const sysfs::IrqInfo& irq, std::string why) {
  if (irq.cls != sysfs::IrqClass::kQueue || !why.starts_with(irq.device + " ")) return why;
  const std::string queue = fmt::format(" queue {}", irq.queue);
  const auto at = why.find(queue, irq.device.size());
  if (at == std::string::npos || at > irq.device.size() + 8) return why;
  const std::string_view rest = std::string_view(why).substr(at + queue.size());
  for (std::string_view sep : {": ", " -> "})
    if (rest.starts_with(sep)) return std::string(rest.substr(sep.size()));
  return why;
}

std::string opt_num(const auto& v) { return v ? fmt::format("{}", *v) : "-"; }

// Planned NAPI values that differ from the current ones, "name=value" each; "=" when none.
std::string napi_planned(const NapiRow& row) {
  const auto* p = row.planned;
  if (!p || !row.change) return kStays;
  std::vector<std::string> out;
  const auto& n = *row.napi;
  if (p->threaded && p->threaded != n.threaded) out.push_back(fmt::format("threaded={}", *p->threaded ? "on" : "off"));
  if (p->defer_hard_irqs && (!n.defer_hard_irqs || static_cast<long>(*n.defer_hard_irqs) != *p->defer_hard_irqs))
    out.push_back(fmt::format("defer={}", *p->defer_hard_irqs));
  if (p->gro_flush_timeout && (!n.gro_flush_timeout || static_cast<long>(*n.gro_flush_timeout) != *p->gro_flush_timeout))
    out.push_back(fmt::format("gro={}", *p->gro_flush_timeout));
  if (p->irq_suspend_timeout &&
      (!n.irq_suspend_timeout || static_cast<long>(*n.irq_suspend_timeout) != *p->irq_suspend_timeout))
    out.push_back(fmt::format("suspend={}", *p->irq_suspend_timeout));
  if (p->thread_cpus && p->thread_cpus != n.thread_cpus) out.push_back("thread " + p->thread_cpus->to_list());
  return out.empty() ? std::string(kStays) : fmt::format("{}", fmt::join(out, " "));
}

std::string napi_thread(const sysfs::NicNapi& n) {
  if (n.pid <= 0) return "-";
  return n.thread_cpus ? fmt::format("pid {} on {}", n.pid, n.thread_cpus->to_list()) : fmt::format("pid {}", n.pid);
}

std::string summary_text(const PlanResult& r) {
  const ReportSummary sum = summarize(r);
  std::string out = "Summary: queue IRQs by device\n";
  Table nics({"DEVICE", "QUEUE IRQS", "PLANNED CPUS", "CHANGES"});
  for (const auto& n : sum.nics)
    nics.add({n.device, std::to_string(n.queue_irqs), n.planned.empty() ? "-" : n.planned.to_list(),
              std::to_string(n.changes)});
  out += nics.str() + "\nSummary: network IRQs planned per CPU\n";
  Table cpus({"CPUS", "IRQS EACH", "DEVICES"});
  for (const auto& c : sum.cpus)
    cpus.add({c.cpus.to_list(), std::to_string(c.irqs), c.devices.empty() ? "-" : fmt::format("{}", fmt::join(c.devices, ","))});
  return out + cpus.str();
}

}  // namespace

std::string render_text(const PlanResult& r, const std::string& root_display, const ApplyResult* applied,
                        const ReportOptions& opts) {
  const auto& inv = r.discovery->inventory;
  std::string out;
  if (applied)
    out += fmt::format("irqd {} plan of {}, applied\n", IRQD_VERSION, root_display);
  else
    out += fmt::format("irqd {} dry run of {}: nothing was written\n", IRQD_VERSION, root_display);
  out += fmt::format("machine: {} ({})\n", r.machine->summary(), r.machine->source);
  // The default_smp_affinity ban shows only where it is one (tuned's cpu-partitioning and the like).
  std::string outside = r.config->honour_default_smp_affinity && !r.machine->outside_default_affinity.empty()
                            ? ", outside default_smp_affinity " + r.machine->outside_default_affinity.to_list()
                            : "";
  out += fmt::format("usable CPUs: {} (online {}, isolated {}, nohz_full {}, banned {}{})\n",
                     policies::usable_cpus(*r.machine, *r.config).to_list(), r.machine->online.to_list(),
                     set_or(r.machine->isolated, "-"), set_or(r.machine->nohz_full, "-"),
                     set_or(r.config->banned_cpus, "-"), outside);
  out += fmt::format("policy: {}\n", r.plan->policy);
  out += fmt::format("other IRQs: {}\n", other_irqs_line(r));
  out += fmt::format("netdev genetlink: {}\n\n", netdev_features_text(r.discovery->netdev));

  out += fmt::format("Network devices ({})\n", inv.nics.size());
  Table devs({"DEVICE", "DRIVER", "PCI", "NODE", "LOCAL CPUS", "RX", "TX", "IRQS"});
  bool irq_nodes = false;
  for (const auto& n : inv.nics) {
    irq_nodes |= n.numa_source == sysfs::NumaSource::kIrq;
    devs.add({n.name, n.driver.empty() ? "-" : n.driver, n.pci.empty() ? "-" : n.pci, node_label(n),
              short_set(n.local_cpus), std::to_string(n.rx.size()), std::to_string(n.tx.size()),
              std::to_string(n.irqs.size())});
  }
  out += devs.str();
  if (irq_nodes) out += "(irq) = node from the NIC's queue IRQs (/proc/irq/N/node): the device gives none\n";
  out += "\n";

  if (opts.summary) {
    out += summary_text(r);
  } else {
    const auto napis = napi_rows(r);
    auto count = [&](const auto& rows) {
      std::size_t n = 0;
      for (const auto& row : rows) n += row.change ? 1 : 0;
      return opts.changes_only ? fmt::format("{} to change of {}", n, rows.size()) : std::to_string(rows.size());
    };
    out += fmt::format("Network IRQs ({})\n", count(r.diff.irqs));
    Table irqs({"IRQ", "DEVICE", "QUEUE", "CLASS", "NODE", "CURRENT", "EFFECTIVE", "PLANNED", "NAME", "WHY"});
    for (const auto& d : r.diff.irqs) {
      if (opts.changes_only && !d.change) continue;
      const auto& i = *d.irq;
      irqs.add({std::to_string(i.irq), i.device, queue_label(i), sysfs::to_string(i.cls),
                i.node < 0 ? "-" : std::to_string(i.node), set_or(i.affinity), set_or(i.effective),
                d.planned && d.change ? d.planned->cpus.to_list() : kStays, i.name, short_why(i, d.reason())});
    }
    out += irqs.str() + "\n";

    if (!r.diff.others.empty()) {
      out += fmt::format("Other IRQs ({}; other_irqs = {})\n", count(r.diff.others), config::to_string(r.config->other_irqs));
      Table others({"IRQ", "NODE", "CURRENT", "EFFECTIVE", "PLANNED", "NAME", "WHY"});
      for (const auto& d : r.diff.others) {
        if (opts.changes_only && !d.change) continue;
        const auto& i = *d.irq;
        others.add({std::to_string(i.irq), i.node < 0 ? "-" : std::to_string(i.node), short_set(i.affinity),
                    set_or(i.effective), d.planned && d.change ? d.planned->cpus.to_list() : kStays, i.name, d.reason()});
      }
      out += others.str() + "\n";
    }

    out += fmt::format("Queues ({})\n", count(r.diff.queues));
    Table qs({"DEVICE", "QUEUE", "IRQS", "RPS_CPUS", "PLANNED", "RPS_FLOW_CNT", "PLANNED", "XPS_CPUS", "PLANNED",
              "XPS_RXQS", "PLANNED"});
    for (const auto& d : r.diff.queues) {
      if (opts.changes_only && !d.change) continue;
      const auto& q = *d.queue;
      using P = policies::QueuePlacement;
      if (q.rx)
        qs.add({d.nic->name, fmt::format("rx-{}", q.index), irq_list(q.irqs), set_or(q.rps_cpus),
                planned_knob(d.planned, &P::rps_cpus, q.rps_cpus), q.rps_flow_cnt ? std::to_string(*q.rps_flow_cnt) : "-",
                planned_knob(d.planned, &P::rps_flow_cnt, q.rps_flow_cnt), "", "", "", ""});
      else
        qs.add({d.nic->name, fmt::format("tx-{}", q.index), irq_list(q.irqs), "", "", "", "", set_or(q.xps_cpus),
                planned_knob(d.planned, &P::xps_cpus, q.xps_cpus), set_or(q.xps_rxqs),
                planned_knob(d.planned, &P::xps_rxqs, q.xps_rxqs)});
    }
    out += qs.str();

    if (!napis.empty()) {
      out += fmt::format("\nNAPIs ({}; netdev napi-get)\n", count(napis));
      Table nt({"DEVICE", "NAPI", "IRQ", "THREADED", "DEFER", "GRO_NS", "SUSPEND_NS", "THREAD", "PLANNED", "WHY"});
      for (const auto& row : napis) {
        if (opts.changes_only && !row.change) continue;
        const auto& n = *row.napi;
        nt.add({row.nic->name, std::to_string(n.id), n.irq < 0 ? "-" : std::to_string(n.irq),
                n.threaded ? (*n.threaded ? "on" : "off") : (n.pid > 0 ? "on" : "-"), opt_num(n.defer_hard_irqs),
                opt_num(n.gro_flush_timeout), opt_num(n.irq_suspend_timeout), napi_thread(n), napi_planned(row),
                row.planned ? row.planned->reason : ""});
      }
      out += nt.str();
    }
    // The fallback for NAPI settings this kernel cannot set per NAPI: one file for the whole device.
    if (const auto rows = device_napi_rows(r); !rows.empty()) {
      out += fmt::format("\nDevice-wide NAPI settings ({})\n", count(rows));
      Table dn({"DEVICE", "FILE", "CURRENT", "PLANNED", "WHY"});
      for (const auto& row : rows) {
        if (opts.changes_only && !row.change) continue;
        const auto& s = *row.setting;
        dn.add({s.device, s.file, row.current ? std::to_string(*row.current) : "-",
                row.change ? std::to_string(s.value) : kStays, s.reason});
      }
      out += dn.str();
    }
    out += "(=: stays as it is)\n";
  }

  if (r.plan->rps_sock_flow_entries)
    out += fmt::format("rps_sock_flow_entries: planned {}\n", *r.plan->rps_sock_flow_entries);
  for (const auto& n : r.plan->notes) out += fmt::format("note: {}\n", n);
  for (const auto& n : r.diff.notes) out += fmt::format("note: {}\n", n);
  for (const auto& l : r.left_alone) out += fmt::format("left alone: {}: {}\n", l.device, l.reason);
  if (!r.diff.skipped.empty())
    out += fmt::format("{} network IRQ{} skipped (their /proc/irq/N files cannot be read): {}\n",
                       r.diff.skipped.size(), r.diff.skipped.size() == 1 ? "" : "s", fmt::join(r.diff.skipped, ", "));
  for (const auto& w : r.discovery->warnings) out += fmt::format("warning: {}\n", w);
  if (!applied) {
    out += fmt::format("\n{} change{} would be made.\n", r.diff.changes, r.diff.changes == 1 ? "" : "s");
    return sysfs::escaped(out, true);  // warnings and notes quote names and paths
  }
  for (const auto& e : applied->errors) out += fmt::format("error: {}\n", e);
  out += fmt::format("\napplied {}, unchanged {}, failed {}\n", applied->applied, applied->unchanged, applied->failed);
  return sysfs::escaped(out, true);
}

}  // namespace irqd
