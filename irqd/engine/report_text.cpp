// Text report: aligned tables of network IRQs, queues and device-wide NAPI settings, current
// against planned. Bytes of kernel text that are not UTF-8, and control characters, are printed
// escaped ("\xff"), never raw.
#include <algorithm>
#include <vector>

#include <fmt/format.h>

#include "irqd/engine/report.hpp"
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

template <typename T>
std::string planned_knob(const policies::QueuePlacement* p, std::optional<T> policies::QueuePlacement::*field) {
  if (!p || !(p->*field)) return "unchanged";
  if constexpr (std::is_same_v<T, sysfs::CpuSet>) return set_or(p->*field);
  else return fmt::format("{}", *(p->*field));
}

}  // namespace

std::string render_text(const PlanResult& r, const std::string& root_display, const ApplyResult* applied) {
  const auto& inv = r.discovery->inventory;
  std::string out;
  if (applied)
    out += fmt::format("irqd {} plan of {}, applied\n", IRQD_VERSION, root_display);
  else
    out += fmt::format("irqd {} dry run of {}: nothing was written\n", IRQD_VERSION, root_display);
  out += fmt::format("machine: {} ({})\n", r.machine->summary(), r.machine->source);
  out += fmt::format("usable CPUs: {} (online {}, isolated {}, nohz_full {}, banned {})\n",
                     policies::usable_cpus(*r.machine, *r.config).to_list(), r.machine->online.to_list(),
                     set_or(r.machine->isolated, "-"), set_or(r.machine->nohz_full, "-"),
                     set_or(r.config->banned_cpus, "-"));
  out += fmt::format("policy: {}\n\n", r.plan->policy);

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

  out += fmt::format("Network IRQs ({})\n", r.diff.irqs.size());
  Table irqs({"IRQ", "DEVICE", "QUEUE", "CLASS", "NODE", "CURRENT", "EFFECTIVE", "PLANNED", "NAME", "WHY"});
  for (const auto& d : r.diff.irqs) {
    const auto& i = *d.irq;
    std::string planned = !d.planned ? "unchanged" : d.change ? d.planned->cpus.to_list() : d.planned->cpus.to_list() + " (=)";
    irqs.add({std::to_string(i.irq), i.device, queue_label(i), sysfs::to_string(i.cls),
              i.node < 0 ? "-" : std::to_string(i.node), set_or(i.affinity), set_or(i.effective), planned,
              i.name, d.reason()});
  }
  out += irqs.str() + "\n";

  out += fmt::format("Queues ({})\n", r.diff.queues.size());
  Table qs({"DEVICE", "QUEUE", "IRQS", "RPS_CPUS", "PLANNED", "RPS_FLOW_CNT", "PLANNED", "XPS_CPUS", "PLANNED",
            "XPS_RXQS", "PLANNED"});
  for (const auto& d : r.diff.queues) {
    const auto& q = *d.queue;
    using P = policies::QueuePlacement;
    if (q.rx)
      qs.add({d.nic->name, fmt::format("rx-{}", q.index), irq_list(q.irqs), set_or(q.rps_cpus),
              planned_knob(d.planned, &P::rps_cpus), q.rps_flow_cnt ? std::to_string(*q.rps_flow_cnt) : "-",
              planned_knob(d.planned, &P::rps_flow_cnt), "", "", "", ""});
    else
      qs.add({d.nic->name, fmt::format("tx-{}", q.index), irq_list(q.irqs), "", "", "", "", set_or(q.xps_cpus),
              planned_knob(d.planned, &P::xps_cpus), set_or(q.xps_rxqs), planned_knob(d.planned, &P::xps_rxqs)});
  }
  out += qs.str();
  if (!r.plan->device_napi.empty()) {
    // The fallback for NAPI settings this kernel cannot set per NAPI: one file for the whole device.
    out += fmt::format("\nDevice-wide NAPI settings ({})\n", r.plan->device_napi.size());
    Table dn({"DEVICE", "FILE", "CURRENT", "PLANNED", "WHY"});
    for (const auto& s : r.plan->device_napi) {
      std::string current = "-", planned = std::to_string(s.value);
      if (const auto* nic = inv.nic(s.device); nic != nullptr && nic->device_napi.of(s.file)) {
        const long now = *nic->device_napi.of(s.file);
        current = std::to_string(now);
        if (now == s.value) planned += " (=)";
      }
      dn.add({s.device, s.file, current, planned, s.reason});
    }
    out += dn.str();
  }

  if (r.plan->rps_sock_flow_entries)
    out += fmt::format("rps_sock_flow_entries: planned {}\n", *r.plan->rps_sock_flow_entries);
  for (const auto& n : r.plan->notes) out += fmt::format("note: {}\n", n);
  for (const auto& n : r.diff.notes) out += fmt::format("note: {}\n", n);
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
