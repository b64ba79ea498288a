// JSON views: the model as nlohmann::ordered_json; -1 node/CPU and empty device/queue become null so
// scripts do not mistake them for real values.
#include "irqd/irqctl/json_views.hpp"

namespace irqd::irqctl {

// ordered_json: keys print in the order written (schema first, then as in the D-Bus record).
using json = nlohmann::ordered_json;

namespace {
json with_schema(const char* key, json value) {
  return json{{"schema", kJsonSchema}, {key, std::move(value)}};
}
}  // namespace

json status_json(const Status& s) {
  json j{{"schema", kJsonSchema}, {"version", s.version},
         {"policy", s.policy},    {"interval_seconds", s.interval_seconds},
         {"cycles", s.cycles},    {"last_cycle_ms", s.last_cycle_ms},
         {"placed", s.placed},    {"kernel_managed", s.unchangeable},
         {"unchangeable", s.unchangeable},
         {"failed", s.failed},    {"last_error", str_or_null(s.last_error)},
         {"dry_run", s.dry_run}};
  // Fields a daemon may not send: null when unknown.
  j["uptime_seconds"] = s.uptime_seconds ? json(*s.uptime_seconds) : json(nullptr);
  j["config_files"] = s.config_files;
  j["usable_cpus"] = s.usable_cpus ? json(*s.usable_cpus) : json(nullptr);
  j["other_irqs"] = s.other_irqs.empty() ? json(nullptr) : json(s.other_irqs);
  j["banned_cpus"] = {{"config", s.banned_config}, {"runtime", s.banned_runtime}};
  auto count = [](const std::optional<std::uint32_t>& v) { return v ? json(*v) : json(nullptr); };
  j["pins"] = {{"config", {{"irqs", count(s.config_irq_pins)}, {"queues", count(s.config_queue_pins)}}},
               {"runtime", {{"irqs", count(s.runtime_irq_pins)}, {"queues", count(s.runtime_queue_pins)}}}};
  if (s.last_change_usec)
    j["last_change"] = {{"time_usec", *s.last_change_usec}, {"subject", s.last_change}};
  else
    j["last_change"] = nullptr;
  return j;
}

json irqs_json(const std::vector<Irq>& irqs) {
  json arr = json::array();
  for (const auto& i : irqs) {
    arr.push_back({{"irq", i.number},
                   {"name", i.name},
                   {"device", str_or_null(i.device)},
                   {"queue", str_or_null(i.queue)},
                   {"class", i.irq_class},
                   {"numa_node", int_or_null(i.numa_node)},
                   {"current_affinity", i.current},
                   {"planned_affinity", i.planned},
                   {"effective_cpu", int_or_null(i.effective_cpu)},
                   {"rate_per_second", i.rate},
                   {"cost_seconds_per_second", i.cost},
                   {"cost_share", i.share},
                   {"pinned", i.pinned},
                   {"managed", i.managed},
                   {"reason", str_or_null(i.reason)},
                   {"load_source", str_or_null(i.load_source)},
                   {"rps_cost_seconds_per_second", i.rps_cost}});
  }
  return with_schema("irqs", std::move(arr));
}

namespace {
// A NAPI as the kernel reports it; its irq null when unknown.
json napi_object(const Napi& n) {
  return json{{"id", n.id},
              {"irq", int_or_null(n.irq)},
              {"defer_hard_irqs", opt_json(n.defer_hard_irqs)},
              {"gro_flush_timeout_ns", opt_json(n.gro_flush_timeout)},
              {"irq_suspend_timeout_ns", opt_json(n.irq_suspend_timeout)},
              {"threaded", opt_json(n.threaded)},
              {"thread_pid", int_or_null(n.thread_pid)},
              {"thread_cpus", str_or_null(n.thread_cpus)}};
}
}  // namespace

json devices_json(const std::vector<Device>& devices) {
  json arr = json::array();
  for (const auto& d : devices) {
    json queues = json::array();
    for (const auto& q : d.queues) {
      queues.push_back({{"queue", q.name},
                        {"irq", int_or_null(q.irq)},
                        {"rps_cpus", q.rps_cpus},
                        {"rps_flow_cnt", q.rps_flow_cnt},
                        {"xps_cpus", q.xps_cpus},
                        {"xps_rxqs", q.xps_rxqs},
                        {"napi", q.napi.id < 0 ? json(nullptr) : napi_object(q.napi)}});
    }
    arr.push_back({{"name", d.name},
                   {"driver", str_or_null(d.driver)},
                   {"pci_address", str_or_null(d.pci)},
                   {"numa_node", int_or_null(d.numa_node)},
                   {"numa_source", str_or_null(d.numa_source)},
                   {"rx_queues", d.rx_queues},
                   {"tx_queues", d.tx_queues},
                   {"policy", d.policy},
                   {"queues", std::move(queues)}});
  }
  return with_schema("devices", std::move(arr));
}

json plan_json(const std::vector<Change>& changes) {
  json arr = json::array();
  for (const auto& c : changes) {
    arr.push_back({{"kind", c.kind},
                   {"subject", c.subject},
                   {"path", c.path},
                   {"current", c.current},
                   {"planned", c.planned},
                   {"reason", str_or_null(c.reason)}});
  }
  return with_schema("changes", std::move(arr));
}

namespace {
// A NAPI setting's value: the numbers as numbers, the words as strings, null when unset.
json napi_value(const std::string& text) {
  if (text.empty()) return nullptr;
  if (text.find_first_not_of("0123456789") == std::string::npos && text.size() < 19)
    return std::stoull(text);
  return text;
}

json napi_settings_json(const std::map<std::string, std::string>& settings) {
  json out = json::object();
  for (const auto& [name, value] : settings) out[name] = napi_value(value);
  return out;
}
}  // namespace

json napi_json(const NapiView& v) {
  json settings = json::object();
  for (const auto& r : v.settings)
    settings[r.name] = {{"value", napi_value(r.value)}, {"from", str_or_null(r.from)}};
  json napis = json::array();
  for (const auto& row : v.napis) {
    json n = napi_object(row.napi);
    n["queues"] = row.queues;
    napis.push_back(std::move(n));
  }
  return json{{"schema", kJsonSchema},
              {"device", v.device},
              {"settings", std::move(settings)},
              {"napis", std::move(napis)}};
}

json overrides_json(const Overrides& o) {
  json irq_pins = json::array(), queue_pins = json::array(), policies = json::array();
  for (const auto& p : o.config_irq_pins)
    irq_pins.push_back({{"irq", p.irq}, {"cpus", p.cpus}, {"origin", "config"}});
  for (const auto& p : o.irq_pins)
    irq_pins.push_back({{"irq", p.irq}, {"cpus", p.cpus}, {"origin", "runtime"}});
  for (const auto& p : o.config_queue_pins)
    queue_pins.push_back(
        {{"device", p.device}, {"queue", p.queue}, {"cpus", p.cpus}, {"origin", "config"}});
  for (const auto& p : o.queue_pins)
    queue_pins.push_back(
        {{"device", p.device}, {"queue", p.queue}, {"cpus", p.cpus}, {"origin", "runtime"}});
  for (const auto& p : o.device_policies)
    policies.push_back({{"device", p.device}, {"policy", p.policy}});
  json napi = json::array();
  for (const auto& d : o.device_napi)
    napi.push_back({{"device", d.device}, {"settings", napi_settings_json(d.settings)}});
  return json{{"schema", kJsonSchema},
              {"irq_pins", std::move(irq_pins)},
              {"queue_pins", std::move(queue_pins)},
              {"banned_cpus", o.banned_cpus},
              {"banned_cpus_config", o.config_known ? json(o.config_banned_cpus) : json(nullptr)},
              {"device_policies", std::move(policies)},
              {"device_napi", std::move(napi)}};
}

}  // namespace irqd::irqctl
