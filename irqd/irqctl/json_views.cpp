// JSON views: the model as nlohmann::ordered_json; -1 node/CPU and empty device/queue become null so
// scripts do not mistake them for real values.
#include "irqd/irqctl/json_views.hpp"

#include "config/arguments.hpp"

namespace irqd::irqctl {

// ordered_json: keys print in the order written (schema first, then as in the D-Bus record).
using json = nlohmann::ordered_json;

namespace {
json with_schema(const char* key, json value) {
  return json{{"schema", kJsonSchema}, {key, std::move(value)}};
}
}  // namespace

QueueId queue_id(const std::string& name) {
  // rx-N / tx-N as the argument validator reads them; rxtx-N (a combined channel's IRQ) as tx-N.
  const bool combined = name.starts_with("rxtx-");
  try {
    const config::QueueName q = config::parse_queue_name(std::string_view(name).substr(combined ? 2 : 0));
    return {q.index, combined ? "combined" : q.rx ? "rx" : "tx"};
  } catch (const std::exception&) {  // not a queue name (a daemon's "" for none)
    return {nullptr, nullptr};
  }
}

void put_queue(json& obj, const std::string& name) {
  QueueId id = queue_id(name);
  obj["queue"] = std::move(id.queue);
  obj["role"] = std::move(id.role);
}

json origin_json(const std::string& from) {
  if (from.empty()) return nullptr;
  return from == "run-time" ? json("runtime") : json(from);
}

json error_json(const std::string& message, int exit_code) {
  return json{{"schema", kJsonSchema}, {"error", {{"message", message}, {"exit_code", exit_code}}}};
}

json status_json(const Status& s) {
  json j{{"schema", kJsonSchema}, {"irqd_version", s.version},
         {"policy", s.policy},    {"interval_seconds", s.interval_seconds},
         {"cycles", s.cycles},    {"last_cycle_ms", s.last_cycle_ms},
         {"placed", s.placed},    {"kernel_managed", s.unchangeable},
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

namespace {
// A queue IRQ's class as the report names it: "queue" with its role; the daemon sends the role
// ("rx", "tx", "combined") as the class of a queue IRQ.
bool is_role(const std::string& c) { return c == "rx" || c == "tx" || c == "combined"; }
}  // namespace

json irq_json(const Irq& i) {
  json j{{"irq", i.number}, {"name", i.name}, {"device", str_or_null(i.device)}};
  put_queue(j, i.queue);
  if (is_role(i.irq_class)) j["role"] = i.irq_class;
  j["class"] = is_role(i.irq_class) ? std::string("queue") : i.irq_class;
  j["numa_node"] = int_or_null(i.numa_node);
  j["current"] = str_or_null(i.current);
  j["effective"] = i.effective_cpu < 0 ? json(nullptr) : json(std::to_string(i.effective_cpu));
  j["planned"] = str_or_null(i.planned);
  j["reason"] = str_or_null(i.reason);
  j["pinned"] = i.pinned;
  j["kernel_managed"] = i.managed;
  j["rate_per_second"] = i.rate;
  j["cost_seconds_per_second"] = i.cost;
  j["cost_share"] = i.share;
  j["load_source"] = str_or_null(i.load_source);
  j["rps_cost_seconds_per_second"] = i.rps_cost;
  return j;
}

json irqs_json(const std::vector<Irq>& irqs) {
  json arr = json::array();
  for (const auto& i : irqs) arr.push_back(irq_json(i));
  return with_schema("irqs", std::move(arr));
}

namespace {
// A NAPI as the kernel reports it, its values under "current" as in the report; its irq null
// when unknown.
json napi_object(const Napi& n) {
  return json{{"id", n.id},
              {"irq", int_or_null(n.irq)},
              {"thread_pid", int_or_null(n.thread_pid)},
              {"current",
               {{"threaded", opt_json(n.threaded)},
                {"defer_hard_irqs", opt_json(n.defer_hard_irqs)},
                {"gro_flush_timeout_ns", opt_json(n.gro_flush_timeout)},
                {"irq_suspend_timeout_ns", opt_json(n.irq_suspend_timeout)},
                {"thread_cpus", str_or_null(n.thread_cpus)}}}};
}
}  // namespace

json devices_json(const std::vector<Device>& devices) {
  json arr = json::array();
  for (const auto& d : devices) {
    json queues = json::array();
    for (const auto& q : d.queues) {
      // As the report's queues: role rx or tx, the knobs of that role under "current" ("" is
      // the empty set: RPS or XPS off).
      json e{{"device", d.name}};
      put_queue(e, q.name);
      e["irqs"] = q.irq < 0 ? json::array() : json::array({q.irq});
      const bool rx = e["role"] == "rx";
      e["current"] = rx ? json{{"rps_cpus", q.rps_cpus}, {"rps_flow_cnt", q.rps_flow_cnt}}
                        : json{{"xps_cpus", q.xps_cpus}, {"xps_rxqs", q.xps_rxqs}};
      e["napi"] = q.napi.id < 0 ? json(nullptr) : napi_object(q.napi);
      queues.push_back(std::move(e));
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
                   {"current", str_or_null(c.current)},
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
    settings[r.name] = {{"value", napi_value(r.value)}, {"from", origin_json(r.from)}};
  json napis = json::array();
  for (const auto& row : v.napis) {
    json n = napi_object(row.napi);
    json queues = json::array();
    for (const auto& q : row.queues) {
      json id = json::object();
      put_queue(id, q);
      queues.push_back(std::move(id));
    }
    n["queues"] = std::move(queues);
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
  auto queue_pin = [&](const QueuePin& p, const char* origin) {
    json e{{"device", p.device}};
    put_queue(e, p.queue);
    e["cpus"] = p.cpus;
    e["origin"] = origin;
    queue_pins.push_back(std::move(e));
  };
  for (const auto& p : o.config_queue_pins) queue_pin(p, "config");
  for (const auto& p : o.queue_pins) queue_pin(p, "runtime");
  for (const auto& p : o.device_policies)
    policies.push_back({{"device", p.device}, {"policy", p.policy}});
  json napi = json::array();
  for (const auto& d : o.device_napi)
    napi.push_back({{"device", d.device}, {"settings", napi_settings_json(d.settings)}});
  return json{{"schema", kJsonSchema},
              {"irq_pins", std::move(irq_pins)},
              {"queue_pins", std::move(queue_pins)},
              {"banned_cpus",
               {{"config", o.config_known ? json(o.config_banned_cpus) : json(nullptr)},
                {"runtime", o.banned_cpus}}},
              {"device_policies", std::move(policies)},
              {"device_napi", std::move(napi)}};
}

}  // namespace irqd::irqctl
