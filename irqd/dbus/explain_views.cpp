// GetHistory and ExplainIrq replies.
#include "irqd/dbus/explain_views.hpp"

#include <chrono>
#include <stdexcept>

#include "sysfs/utf8.hpp"

namespace irqd::dbus {

namespace {
std::string utf8(std::string_view in) { return sysfs::valid_utf8(in); }

// A filter value as T, whichever integer width the caller sent for a number.
template <typename T>
T filter_value(const std::string& key, const sdbus::Variant& v, const char* expected) {
  if (v.containsValueOfType<T>()) return v.get<T>();
  if constexpr (std::is_same_v<T, std::uint32_t>) {
    if (v.containsValueOfType<std::int32_t>() && v.get<std::int32_t>() >= 0)
      return static_cast<std::uint32_t>(v.get<std::int32_t>());
  }
  throw std::invalid_argument("GetHistory filter \"" + key + "\": expected " + expected + ", got a value of type '" +
                              v.peekValueType() + "'");
}
}  // namespace

HistoryFilter history_filter(const std::map<std::string, sdbus::Variant>& filter) {
  HistoryFilter f;
  for (const auto& [key, v] : filter) {
    if (key == "irq") {
      auto irq = filter_value<std::uint32_t>(key, v, "an IRQ number (u)");
      if (irq > static_cast<std::uint32_t>(std::numeric_limits<int>::max()))
        throw std::invalid_argument("GetHistory filter \"irq\": " + std::to_string(irq) + " is no IRQ number");
      f.irq = static_cast<int>(irq);
    } else if (key == "device") {
      f.device = filter_value<std::string>(key, v, "a device name (s)");
    } else if (key == "limit") {
      f.limit = filter_value<std::uint32_t>(key, v, "a count (u)");
    } else {
      throw std::invalid_argument("GetHistory filter: unknown key \"" + key + "\" (irq, device, limit)");
    }
  }
  return f;
}

std::vector<HistoryRow> history_rows(const std::vector<ChangeRecord>& changes) {
  std::vector<HistoryRow> rows;
  rows.reserve(changes.size());
  for (const auto& c : changes) {
    More more;
    if (!c.load_source.empty()) more["load_source"] = sdbus::Variant(c.load_source);
    if (c.cost >= 0.0) more["cost_seconds_per_second"] = sdbus::Variant(c.cost);
    if (c.rate >= 0.0) more["rate_per_second"] = sdbus::Variant(c.rate);
    auto usec = std::chrono::duration_cast<std::chrono::microseconds>(c.time.time_since_epoch()).count();
    rows.emplace_back(static_cast<std::uint64_t>(usec), c.cycle, c.kind, utf8(c.subject),
                      static_cast<std::int32_t>(c.irq), utf8(c.device), c.queue, utf8(c.old_value),
                      utf8(c.new_value), utf8(c.reason), c.ok, utf8(c.error), std::move(more));
  }
  return rows;
}

More explanation_map(const IrqExplanation& e) {
  More m;
  auto str = [&m](const char* key, const std::string& v) {
    if (!v.empty()) m[key] = sdbus::Variant(utf8(v));
  };
  auto num = [&m](const char* key, int v) { m[key] = sdbus::Variant(static_cast<std::int32_t>(v)); };
  m["irq"] = sdbus::Variant(static_cast<std::uint32_t>(e.irq));
  str("name", e.name);
  str("device", e.device);
  str("queue", e.queue);
  str("current_affinity", e.affinity);
  str("effective_affinity", e.effective);
  m["planned_affinity"] = sdbus::Variant(e.planned);
  str("reason", e.reason);
  str("policy", e.policy);
  if (e.load) {
    m["load_source"] = sdbus::Variant(std::string(policies::to_string(e.load->source)));
    m["cost_seconds_per_second"] = sdbus::Variant(e.load->cost);
    m["rate_per_second"] = sdbus::Variant(e.load->rate);
    if (e.load->rps > 0.0) m["rps_seconds_per_second"] = sdbus::Variant(e.load->rps);
  }
  if (!e.device.empty()) num("nic_numa_node", e.nic_node);
  str("nic_local_cpus", e.nic_local_cpus);
  m["banned_cpus_config"] = sdbus::Variant(e.banned_config);
  m["banned_cpus_runtime"] = sdbus::Variant(e.banned_runtime);
  m["isolated_cpus"] = sdbus::Variant(e.isolated);
  str("pin", e.pin);
  str("pin_source", e.pin_source);
  m["managed"] = sdbus::Variant(e.managed);
  num("cycles_since_move", e.cycles_since_move);
  num("cooldown_cycles", e.cooldown_cycles);
  num("cooldown_left", e.cooldown_left);
  num("moved_from_cpu", e.moved_from);
  m["history"] = sdbus::Variant(history_rows(e.history));
  return m;
}

}  // namespace irqd::dbus
