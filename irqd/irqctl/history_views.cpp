// History and explain views.
#include "irqd/irqctl/history_views.hpp"

#include <ctime>
#include <sstream>

#include <fmt/format.h>

#include "irqd/irqctl/json_views.hpp"
#include "irqd/irqctl/table.hpp"
#include "irqd/irqctl/text_views.hpp"

namespace irqd::irqctl {

using json = nlohmann::ordered_json;
using Align = Table::Align;

namespace {
std::tm utc(std::uint64_t time_usec) {
  std::time_t t = static_cast<std::time_t>(time_usec / 1000000);
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  return tm;
}

// What a change was to, short: "IRQ 42", "eth0 rx-3", "eth0".
std::string what(const HistoryEntry& c) {
  if (c.irq >= 0) return fmt::format("IRQ {}", c.irq);
  if (!c.queue.empty()) return c.device + " " + c.queue;
  return c.device.empty() ? "system" : c.device;
}

// `text` after `label`, in lines of at most `width` columns; continuation lines start with
// `indent` (default: as wide as the label, so the text stays in one column).
std::string wrapped(const std::string& label, const std::string& text, std::string indent = "",
                    std::size_t width = kTextWidth) {
  if (indent.empty()) indent.assign(label.size(), ' ');
  std::string out, line = label;
  std::size_t start = 0, fresh = label.size();  // fresh: the line's length before its first word
  while (start <= text.size()) {
    std::size_t end = text.find(' ', start);
    if (end == std::string::npos) end = text.size();
    std::string word = text.substr(start, end - start);
    if (line.size() > fresh && line.size() + 1 + word.size() > width) {
      out += line + "\n";
      line = indent;
      fresh = indent.size();
    }
    if (line.size() > fresh) line += ' ';
    line += word;
    start = end + 1;
  }
  return out + line + "\n";
}
}  // namespace

std::string iso_time(std::uint64_t time_usec) {
  std::tm tm = utc(time_usec);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                     tm.tm_hour, tm.tm_min, tm.tm_sec, time_usec % 1000000);
}

std::string history_text(const std::vector<HistoryEntry>& changes) {
  if (changes.empty()) return "No changes: irqd has changed nothing since it started (or none match).\n";
  // One row per change, its reason (or error) wrapped beneath it: the whole reason fits in 80
  // columns without a column of its own.
  Table t({"TIME (UTC)", "CYCLE", "WHAT", "KNOB", "OLD", "NEW", "RESULT"}, {Align::kLeft, Align::kRight});
  for (const auto& c : changes) {
    std::tm tm = utc(c.time_usec);
    t.add_row({fmt::format("{:02}-{:02} {:02}:{:02}:{:02}", tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
                           tm.tm_sec),
               std::to_string(c.cycle), what(c), c.kind, or_dash(c.old_value), or_dash(c.new_value),
               c.ok ? "ok" : "failed"});
  }
  std::istringstream rows(t.render(kTextWidth));
  std::string out = fmt::format("Changes ({}), oldest first\n", changes.size()), line;
  std::getline(rows, line);
  out += line + "\n";
  for (const auto& c : changes) {
    std::getline(rows, line);
    out += line + "\n";
    out += wrapped("    ", c.ok ? or_dash(c.reason) : "error: " + c.error);
  }
  return out;
}

namespace {
json history_entries(const std::vector<HistoryEntry>& changes) {
  json arr = json::array();
  for (const auto& c : changes) {
    json e{{"time", iso_time(c.time_usec)},
           {"time_usec", c.time_usec},
           {"cycle", c.cycle},
           {"kind", c.kind},
           {"subject", c.subject},
           {"irq", int_or_null(c.irq)},
           {"device", str_or_null(c.device)}};
    put_queue(e, c.queue);
    e.update(json{{"old", str_or_null(c.old_value)},
                   {"new", c.new_value},
                   {"reason", str_or_null(c.reason)},
                   {"ok", c.ok},
                   {"error", str_or_null(c.error)},
                   {"load_source", str_or_null(c.load_source)},
                   {"cost_seconds_per_second", opt_json(c.cost)},
                   {"rate_per_second", opt_json(c.rate)}});
    arr.push_back(std::move(e));
  }
  return arr;
}
}  // namespace

json history_json(const std::vector<HistoryEntry>& changes) {
  return json{{"schema", kJsonSchema}, {"changes", history_entries(changes)}};
}

std::string explain_text(const Explanation& e) {
  std::string out = fmt::format("IRQ {} ({}{}{})\n", e.irq, e.name, e.device.empty() ? "" : ", " + e.device,
                                e.queue.empty() ? "" : " " + e.queue);
  out += fmt::format("  now:       affinity {}, delivered on {}\n", or_dash(e.current), or_dash(e.effective));
  out += fmt::format("  planned:   {} (policy {})\n",
                     e.planned.empty() ? "left as it is" : e.planned == e.current ? e.planned + ", as now" : e.planned,
                     or_dash(e.policy));
  out += wrapped("  why:       ", or_dash(e.reason));
  if (e.cost)
    out += fmt::format("  load:      {} CPU ({}), {} IRQ/s, measured by {}{}\n", fmt::format("{:.4f}", *e.cost),
                       fmt_percent(*e.cost), fmt_rate(e.rate.value_or(0)), or_dash(e.load_source),
                       e.rps ? fmt::format("; RPS {:.4f} CPU elsewhere", *e.rps) : "");
  else
    out += "  load:      none measured yet\n";
  out += "constraints\n";
  if (!e.device.empty())
    out += fmt::format("  NIC:       {} on node {}, local CPUs {}\n", e.device, fmt_id(e.nic_node),
                       or_dash(e.nic_local_cpus));
  out += fmt::format("  banned:    {} (config), {} (run time)\n", or_dash(e.banned_config), or_dash(e.banned_runtime));
  out += fmt::format("  isolated:  {}\n", e.isolated.empty() ? "none kept free" : e.isolated);
  out += fmt::format("  pin:       {}\n", e.pin.empty() ? "none" : e.pin + " (" + e.pin_source + ")");
  if (e.managed) out += "  managed:   the kernel manages its affinity: irqd never writes it\n";
  if (e.cycles_since_move < 0)
    out += "  cooldown:  none (irqd has not moved it since it started)\n";
  else
    out += fmt::format("  cooldown:  moved {} cycle{} ago; {} of {} cycles left{}\n", e.cycles_since_move,
                       e.cycles_since_move == 1 ? "" : "s", e.cooldown_left, e.cooldown_cycles,
                       e.moved_from >= 0 ? fmt::format("; not back to CPU {}", e.moved_from) : "");
  if (e.history.empty()) return out + "last changes: none\n";
  out += fmt::format("last changes ({})\n", e.history.size());
  for (const auto& c : e.history)
    out += wrapped(fmt::format("  {} cycle {}: {} -> {}{}: ", iso_time(c.time_usec).substr(0, 19), c.cycle,
                               or_dash(c.old_value), c.new_value, c.ok ? "" : " FAILED"),
                   c.ok ? or_dash(c.reason) : c.error, "    ");
  return out;
}

json explain_json(const Explanation& e) {
  json j{{"schema", kJsonSchema}, {"irq", e.irq}, {"name", e.name}, {"device", str_or_null(e.device)}};
  put_queue(j, e.queue);
  j.update(json{{"current", str_or_null(e.current)},
                {"effective", str_or_null(e.effective)},
                {"planned", str_or_null(e.planned)},
                {"reason", str_or_null(e.reason)},
                {"policy", str_or_null(e.policy)},
                {"load_source", str_or_null(e.load_source)},
                {"cost_seconds_per_second", opt_json(e.cost)},
                {"rate_per_second", opt_json(e.rate)},
                {"rps_cost_seconds_per_second", opt_json(e.rps)},
                {"nic_numa_node", int_or_null(e.nic_node)},
                {"nic_local_cpus", str_or_null(e.nic_local_cpus)},
                {"banned_cpus", {{"config", e.banned_config}, {"runtime", e.banned_runtime}}},
                {"isolated_cpus", e.isolated},
                {"pin", str_or_null(e.pin)},
                {"pin_source", origin_json(e.pin_source)},
                {"kernel_managed", e.managed},
                {"cycles_since_move", int_or_null(e.cycles_since_move)},
                {"cooldown_cycles", e.cooldown_cycles},
                {"cooldown_left", e.cooldown_left},
                {"moved_from_cpu", int_or_null(e.moved_from)},
                {"history", history_entries(e.history)}});
  return j;
}

}  // namespace irqd::irqctl
