// JSON report, in the one schema irqctl --json uses too (contrib/irqd.schema.json). Field names
// are a public interface: add fields, never rename or remove them without bumping kReportSchema.
#include <nlohmann/json.hpp>

#include "irqd/engine/report.hpp"
#include "irqd/engine/report_other.hpp"
#include "irqd/engine/report_rows.hpp"
#include "policies/core_order.hpp"

namespace irqd {

namespace {
using nlohmann::json;

json set_json(const std::optional<sysfs::CpuSet>& s) { return s ? json(s->to_list()) : json(nullptr); }

const char* role_name(sysfs::QueueRole r) {
  switch (r) {
    case sysfs::QueueRole::kRx: return "rx";
    case sysfs::QueueRole::kTx: return "tx";
    case sysfs::QueueRole::kCombined: return "combined";
    case sysfs::QueueRole::kNone: break;
  }
  return nullptr;
}

json opt_json(const auto& v) { return v ? json(*v) : json(nullptr); }
json id_or_null(int v) { return v < 0 ? json(nullptr) : json(v); }
json str_or_null(const std::string& s) { return s.empty() ? json(nullptr) : json(s); }

// A queue's knobs of its role, current or planned ("" the empty set, null absent or left alone).
json queue_knobs(bool rx, const std::optional<sysfs::CpuSet>& cpus, const std::optional<long>& flows,
                 const std::optional<sysfs::CpuSet>& rxqs) {
  if (rx) return {{"rps_cpus", set_json(cpus)}, {"rps_flow_cnt", opt_json(flows)}};
  return {{"xps_cpus", set_json(cpus)}, {"xps_rxqs", set_json(rxqs)}};
}

json napi_json(const NapiRow& row) {
  const auto& n = *row.napi;
  const auto* p = row.planned;
  json planned = nullptr;
  if (p)
    planned = {{"threaded", opt_json(p->threaded)},
               {"defer_hard_irqs", opt_json(p->defer_hard_irqs)},
               {"gro_flush_timeout_ns", opt_json(p->gro_flush_timeout)},
               {"irq_suspend_timeout_ns", opt_json(p->irq_suspend_timeout)},
               {"thread_cpus", set_json(p->thread_cpus)},
               {"reason", p->reason}};
  return {{"device", row.nic->name},
          {"id", n.id},
          {"irq", id_or_null(n.irq)},
          {"thread_pid", n.pid <= 0 ? json(nullptr) : json(n.pid)},
          {"current",
           {{"threaded", opt_json(n.threaded)},
            {"defer_hard_irqs", opt_json(n.defer_hard_irqs)},
            {"gro_flush_timeout_ns", opt_json(n.gro_flush_timeout)},
            {"irq_suspend_timeout_ns", opt_json(n.irq_suspend_timeout)},
            {"thread_cpus", set_json(n.thread_cpus)}}},
          {"planned", planned},
          {"change", row.change}};
}
}  // namespace

json report_irq_json(const IrqDiff& d) {
  const auto& i = *d.irq;
  const char* role = role_name(i.role);
  return {{"irq", i.irq},
          {"name", i.name},
          {"device", str_or_null(i.device)},
          {"queue", id_or_null(i.queue)},
          {"role", role ? json(role) : json(nullptr)},
          {"class", sysfs::to_string(i.cls)},
          {"numa_node", id_or_null(i.node)},
          {"current", set_json(i.affinity)},
          {"effective", set_json(i.effective)},
          {"planned", d.planned ? json(d.planned->cpus.to_list()) : json(nullptr)},
          {"reason", str_or_null(d.reason())},
          {"kernel_managed", i.cls == sysfs::IrqClass::kManaged},
          {"change", d.change},
          {"mapping", sysfs::to_string(i.source)}};
}

std::string render_json(const PlanResult& r, const std::string& root_display, const ApplyResult* applied,
                        const ReportOptions& opts) {
  const auto& inv = r.discovery->inventory;
  json j;
  j["schema"] = kReportSchema;
  j["irqd_version"] = IRQD_VERSION;
  j["root"] = root_display;
  j["dry_run"] = applied == nullptr;
  json nodes = json::array();
  for (const auto& n : r.machine->nodes) nodes.push_back({{"numa_node", n.os_index}, {"cpus", n.cpus.to_list()}});
  j["machine"] = {{"source", r.machine->source},
                  {"summary", r.machine->summary()},
                  {"online", r.machine->online.to_list()},
                  {"isolated", r.machine->isolated.to_list()},
                  {"nohz_full", r.machine->nohz_full.to_list()},
                  {"usable", policies::usable_cpus(*r.machine, *r.config).to_list()},
                  {"packages", r.machine->packages.size()},
                  {"cores", r.machine->cores.size()},
                  {"nodes", nodes}};
  // CPUs /proc/irq/default_smp_affinity leaves out (kept free as bans are); "" when none.
  j["machine"]["outside_default_smp_affinity"] = r.machine->outside_default_affinity.to_list();
  j["policy"] = r.plan->policy;
  j["change_count"] = r.diff.changes;
  j["changes_only"] = opts.changes_only;
  const auto& nf = r.discovery->netdev;
  j["netdev"] = {{"family", nf.family},         {"queue_get", nf.queue_get}, {"napi_get", nf.napi_get},
                 {"qstats_get", nf.qstats_get}, {"napi_set", nf.napi_set},
                 {"napi_irq_suspend_timeout", nf.napi_irq_suspend_timeout},
                 {"napi_threaded", nf.napi_threaded}};

  json devices = json::array();
  for (const auto& n : inv.nics)
    devices.push_back({{"name", n.name},
                       {"ifindex", n.ifindex},
                       {"driver", str_or_null(n.driver)},
                       {"pci_address", str_or_null(n.pci)},
                       {"numa_node", id_or_null(n.numa_node)},
                       {"numa_source", sysfs::to_string(n.numa_source)},
                       {"local_cpus", set_json(n.local_cpus)},
                       {"virtual", n.is_virtual},
                       {"from_sysfs", n.from_sysfs},
                       {"rx_queues", n.rx.size()},
                       {"tx_queues", n.tx.size()},
                       {"irqs", n.irqs}});
  j["devices"] = devices;

  json irqs = json::array();
  for (const auto& d : r.diff.irqs) {
    if (opts.changes_only && !d.change) continue;
    irqs.push_back(report_irq_json(d));
  }
  j["irqs"] = irqs;

  j["other_irqs"] = other_irqs_json(r, opts);

  json queues = json::array();
  for (const auto& d : r.diff.queues) {
    if (opts.changes_only && !d.change) continue;
    const auto& q = *d.queue;
    const auto* p = d.planned;
    json e = {{"device", d.nic->name}, {"queue", q.index}, {"role", q.rx ? "rx" : "tx"}, {"irqs", q.irqs}};
    e["current"] = queue_knobs(q.rx, q.rx ? q.rps_cpus : q.xps_cpus, q.rps_flow_cnt, q.xps_rxqs);
    e["planned"] = p ? queue_knobs(q.rx, q.rx ? p->rps_cpus : p->xps_cpus, p->rps_flow_cnt, p->xps_rxqs)
                     : json(nullptr);
    e["change"] = d.change;
    queues.push_back(e);
  }
  j["queues"] = queues;
  json device_napi = json::array();
  for (const auto& row : device_napi_rows(r)) {
    if (opts.changes_only && !row.change) continue;
    device_napi.push_back({{"device", row.setting->device},
                           {"file", row.setting->file},
                           {"current", row.current ? json(*row.current) : json(nullptr)},
                           {"planned", row.setting->value},
                           {"change", row.change},
                           {"reason", row.setting->reason}});
  }
  j["device_napi"] = device_napi;
  json napis = json::array();
  for (const auto& row : napi_rows(r))
    if (!opts.changes_only || row.change) napis.push_back(napi_json(row));
  j["napis"] = napis;
  if (opts.summary) {
    const ReportSummary sum = summarize(r);
    json nics = json::array(), cpus = json::array();
    for (const auto& n : sum.nics)
      nics.push_back({{"device", n.device},
                      {"queue_irqs", n.queue_irqs},
                      {"planned_cpus", n.planned.empty() ? json(nullptr) : json(n.planned.to_list())},
                      {"changes", n.changes}});
    for (const auto& c : sum.cpus) cpus.push_back({{"cpus", c.cpus.to_list()}, {"irqs_each", c.irqs}, {"devices", c.devices}});
    j["summary"] = {{"devices", nics}, {"cpus", cpus}};
  }
  j["rps_sock_flow_entries"] =
      r.plan->rps_sock_flow_entries ? json(*r.plan->rps_sock_flow_entries) : json(nullptr);
  json notes = r.plan->notes;
  for (const auto& n : r.diff.notes) notes.push_back(n);
  j["notes"] = notes;
  if (applied)
    j["apply"] = {{"applied", applied->applied},
                  {"unchanged", applied->unchanged},
                  {"failed", applied->failed},
                  {"unchangeable", applied->unchangeable},
                  {"errors", applied->errors}};
  json left = json::array();  // devices the configuration leaves alone, with why
  for (const auto& l : r.left_alone) left.push_back({{"device", l.device}, {"reason", l.reason}});
  j["left_alone"] = left;
  j["skipped_irqs"] = r.diff.skipped.size();  // NIC IRQs left alone: their files cannot be read
  j["warnings"] = r.discovery->warnings;
  // Names and messages carry bytes from kernel files: one that is not UTF-8 becomes U+FFFD rather
  // than failing the report (after --oneshot wrote the knobs, it is the only account of what was done).
  return j.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

std::string render_json_error(const std::string& message, int exit_code) {
  nlohmann::ordered_json j = {{"schema", kReportSchema},
                              {"error", {{"message", message}, {"exit_code", exit_code}}}};
  return j.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

}  // namespace irqd
