// Text views of the daemon's state: a status block and tables in the dry-run report's style.
#include "irqd/irqctl/text_views.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <ctime>

#include "irqd/irqctl/table.hpp"

namespace irqd::irqctl {

using Align = Table::Align;

std::string fmt_rate(double per_second) {
  if (per_second >= 100 || per_second == 0) return fmt::format("{:.0f}", per_second);
  return fmt::format("{:.1f}", per_second);
}

std::string fmt_percent(double fraction) { return fmt::format("{:.1f}%", fraction * 100.0); }

std::string fmt_id(std::int32_t node) { return node < 0 ? "-" : std::to_string(node); }

std::string fmt_uptime(double seconds) {
  auto t = static_cast<long long>(seconds);
  if (t >= 86400) return fmt::format("{}d {:02}h {:02}m", t / 86400, t % 86400 / 3600, t % 3600 / 60);
  if (t >= 3600) return fmt::format("{}h {:02}m {:02}s", t / 3600, t % 3600 / 60, t % 60);
  if (t >= 60) return fmt::format("{}m {:02}s", t / 60, t % 60);
  return fmt::format("{}s", t);
}

std::string fmt_utc(std::uint64_t usec) {
  std::time_t t = static_cast<std::time_t>(usec / 1000000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return fmt::format("{:%Y-%m-%d %H:%M:%S} UTC", tm);
}

namespace {
// "0 (configuration), 3 (run time)", "(none)".
std::string by_origin(const std::string& config, const std::string& runtime) {
  std::string out;
  if (!config.empty()) out = config + " (configuration)";
  if (!runtime.empty()) out += (out.empty() ? "" : ", ") + runtime + " (run time)";
  return out.empty() ? "(none)" : out;
}
std::string pin_counts(std::uint32_t irqs, std::uint32_t queues) {
  return fmt::format("{} IRQ{}, {} queue{}", irqs, irqs == 1 ? "" : "s", queues,
                     queues == 1 ? "" : "s");
}
}  // namespace

std::string status_text(const Status& s) {
  std::string out;
  out += fmt::format("irqd {}{}\n", s.version, s.dry_run ? " (dry run: nothing is written)" : "");
  if (s.uptime_seconds) out += fmt::format("uptime:        {}\n", fmt_uptime(*s.uptime_seconds));
  if (s.uptime_seconds)  // a daemon that sends uptime sends its files too
    out += fmt::format("config files:  {}\n", s.config_files.empty()
                                                   ? "(none: built-in defaults)"
                                                   : fmt::format("{}", fmt::join(s.config_files, ", ")));
  out += fmt::format("policy:        {}\n", s.policy);
  if (!s.other_irqs.empty()) out += fmt::format("other IRQs:    {}\n", s.other_irqs);
  out += fmt::format("interval:      {:g} s\n", s.interval_seconds);
  out += fmt::format("cycles:        {} (last took {:.2f} ms)\n", s.cycles, s.last_cycle_ms);
  if (s.usable_cpus) out += fmt::format("usable CPUs:   {}\n", s.usable_cpus->empty() ? "(none)" : *s.usable_cpus);
  if (s.uptime_seconds) out += fmt::format("banned CPUs:   {}\n", by_origin(s.banned_config, s.banned_runtime));
  if (s.config_irq_pins && s.runtime_irq_pins)
    out += fmt::format("pins:          {} (configuration), {} (run time)\n",
                       pin_counts(*s.config_irq_pins, s.config_queue_pins.value_or(0)),
                       pin_counts(*s.runtime_irq_pins, s.runtime_queue_pins.value_or(0)));
  out += fmt::format("IRQs:          {} placed by irqd, {} kernel-managed, {} failed writes\n",
                     s.placed, s.unchangeable, s.failed);
  if (s.last_change_usec)
    out += fmt::format("last change:   {}  {}\n", fmt_utc(*s.last_change_usec), s.last_change);
  else if (s.uptime_seconds)
    out += "last change:   (none since start)\n";
  out += fmt::format("last cycle:    {}\n", s.last_error.empty() ? "ok" : "error: " + s.last_error);
  return out;
}

std::string irqs_text(const std::vector<Irq>& irqs) {
  Table t({"IRQ", "DEVICE", "QUEUE", "CLASS", "NODE", "CURRENT", "PLANNED", "CPU", "IRQ/S", "CPU%",
           "BY", "SHARE", "FLAGS", "NAME", "REASON"},
          {Align::kRight, Align::kLeft, Align::kLeft, Align::kLeft, Align::kRight, Align::kLeft,
           Align::kLeft, Align::kRight, Align::kRight, Align::kRight, Align::kLeft, Align::kRight});
  // What measured the load: its queues' packets, interrupts weighted by a learned cost, bare counts.
  auto by = [](const std::string& s) -> std::string {
    if (s == "napi-thread") return "thread";
    return s == "packets" ? "pkts" : s == "learned-cost" ? "learned" : s == "interrupts" ? "count" : "-";
  };
  for (const auto& i : irqs) {
    std::string flags;
    if (i.pinned) flags += "pinned";
    if (i.managed) flags += std::string(flags.empty() ? "" : ",") + "kernel-managed";
    t.add_row({std::to_string(i.number), or_dash(i.device), or_dash(i.queue), or_dash(i.irq_class),
               fmt_id(i.numa_node), or_dash(i.current),
               i.planned == i.current ? "(=)" : or_dash(i.planned), fmt_id(i.effective_cpu),
               fmt_rate(i.rate), fmt_percent(i.cost), by(i.load_source), fmt_percent(i.share), or_dash(flags),
               i.name, or_dash(i.reason)});
  }
  // REASON is cut to what is left of 80 columns (at least Table::kMinLast); --json has it whole.
  return fmt::format("IRQs ({})\n", irqs.size()) + t.render(80);
}

namespace {
std::string num(const std::optional<std::uint64_t>& v) { return v ? std::to_string(*v) : "-"; }

// A NAPI's kthread: its CPUs while threaded, "off", or "-" when the kernel does not say.
std::string thread(const std::optional<bool>& threaded, const std::string& cpus) {
  if (!cpus.empty()) return "cpus " + cpus;
  if (threaded) return *threaded ? "on" : "off";
  return "-";
}
}  // namespace

std::string devices_text(const std::vector<Device>& devices) {
  Table d({"DEVICE", "DRIVER", "PCI", "NODE", "RX", "TX", "POLICY"},
          {Align::kLeft, Align::kLeft, Align::kLeft, Align::kRight, Align::kRight, Align::kRight});
  // The NAPI columns only when a queue names a NAPI (Linux 6.8+ with netdev genetlink): without
  // them the table fits 80 columns with 3-digit IRQs and 8-character names.
  bool napis = false;
  for (const auto& dev : devices)
    for (const auto& qu : dev.queues) napis = napis || qu.napi.id >= 0;
  std::vector<std::string> head{"DEVICE", "QUEUE", "IRQ", "RPS_CPUS", "FLOWS", "XPS_CPUS", "XPS_RXQS"};
  std::vector<Align> align{Align::kLeft, Align::kLeft,  Align::kRight, Align::kLeft,
                           Align::kRight, Align::kLeft, Align::kLeft};
  if (napis) {
    head.insert(head.end(), {"NAPI", "DEFER", "GRO_NS", "THREAD"});
    align.insert(align.end(), {Align::kRight, Align::kRight, Align::kRight, Align::kLeft});
  }
  Table q(head, align);
  for (const auto& dev : devices) {
    d.add_row({dev.name, or_dash(dev.driver), or_dash(dev.pci), fmt_id(dev.numa_node),
               std::to_string(dev.rx_queues), std::to_string(dev.tx_queues), or_dash(dev.policy)});
    for (const auto& qu : dev.queues) {
      bool rx = qu.name.rfind("rx-", 0) == 0;
      std::vector<std::string> row{dev.name, qu.name, qu.irq < 0 ? "-" : std::to_string(qu.irq),
                                   rx ? or_dash(qu.rps_cpus) : "", rx ? std::to_string(qu.rps_flow_cnt) : "",
                                   rx ? "" : or_dash(qu.xps_cpus), rx ? "" : or_dash(qu.xps_rxqs)};
      if (napis)
        row.insert(row.end(), {qu.napi.id < 0 ? "-" : std::to_string(qu.napi.id), num(qu.napi.defer_hard_irqs),
                               num(qu.napi.gro_flush_timeout), thread(qu.napi.threaded, qu.napi.thread_cpus)});
      q.add_row(row);
    }
  }
  return fmt::format("Network devices ({})\n", devices.size()) + d.render() +
         fmt::format("\nQueues ({})\n", q.rows()) + q.render();
}

std::string plan_text(const std::vector<Change>& changes) {
  if (changes.empty()) return "The plan matches what the kernel has now: nothing would change.\n";
  Table t({"KIND", "SUBJECT", "CURRENT", "PLANNED", "PATH"});
  for (const auto& c : changes)
    t.add_row({c.kind, c.subject, or_dash(c.current), or_dash(c.planned), c.path});
  return fmt::format("Planned changes ({})\n", changes.size()) + t.render();
}

std::string napi_text(const NapiView& v) {
  Table s({"SETTING", "VALUE", "FROM"});
  for (const auto& r : v.settings)
    s.add_row({r.name, or_dash(r.value), r.from.empty() ? "- (the kernel's value stays)" : r.from});
  std::string out =
      fmt::format("{}: NAPI settings\n", v.device) + s.render() +
      "(run-time: irqctl napi; config: [[device]] in irqd.toml; default: irqd's own)\n";
  if (v.napis.empty())
    return out +
           fmt::format("\nNAPIs: the kernel lists none for {} (netdev napi-get, Linux 6.8+)\n",
                       v.device);
  Table n(
      {"NAPI", "QUEUES", "IRQ", "DEFER", "GRO_NS", "SUSPEND_NS", "THREADED", "THREAD"},
      {Align::kRight, Align::kLeft, Align::kRight, Align::kRight, Align::kRight, Align::kRight});
  for (const auto& row : v.napis) {
    const Napi& r = row.napi;
    std::string queues;
    for (const auto& q : row.queues) queues += (queues.empty() ? "" : ",") + q;
    n.add_row({std::to_string(r.id), or_dash(queues), fmt_id(r.irq), num(r.defer_hard_irqs),
               num(r.gro_flush_timeout), num(r.irq_suspend_timeout),
               r.threaded ? (*r.threaded ? "on" : "off") : "-",
               r.thread_pid > 0
                   ? fmt::format("pid {}, {}", r.thread_pid, thread(r.threaded, r.thread_cpus))
                   : thread(r.threaded, r.thread_cpus)});
  }
  return out + fmt::format("\nNAPIs ({}), as the kernel reports them\n", v.napis.size()) +
         n.render();
}

std::string overrides_text(const Overrides& o) {
  std::string banned = o.config_known ? by_origin(o.config_banned_cpus, o.banned_cpus)
                                      : (o.banned_cpus.empty() ? "(none)" : o.banned_cpus);
  std::string out = fmt::format("banned CPUs: {}\n", banned);
  bool no_pins = o.irq_pins.empty() && o.queue_pins.empty() && o.config_irq_pins.empty() &&
                 o.config_queue_pins.empty();
  if (no_pins && o.device_policies.empty() && o.device_napi.empty()) {
    return out + "no pins, no per-device policies and no NAPI settings\n";
  }
  // A run-time pin replaces a configuration pin of the same IRQ or queue: that one is not in force.
  auto runtime_irq = [&](std::uint32_t irq) {
    for (const auto& p : o.irq_pins)
      if (p.irq == irq) return true;
    return false;
  };
  auto runtime_queue = [&](const QueuePin& q) {
    for (const auto& p : o.queue_pins)
      if (p.device == q.device && p.queue == q.queue) return true;
    return false;
  };
  if (!o.irq_pins.empty() || !o.config_irq_pins.empty()) {
    Table t({"IRQ", "CPUS", "ORIGIN"}, {Align::kRight});
    for (const auto& p : o.config_irq_pins)
      t.add_row({std::to_string(p.irq), p.cpus,
                 runtime_irq(p.irq) ? "configuration (replaced at run time)" : "configuration"});
    for (const auto& p : o.irq_pins) t.add_row({std::to_string(p.irq), p.cpus, "run time"});
    out += "\nIRQ pins\n" + t.render();
  }
  if (!o.queue_pins.empty() || !o.config_queue_pins.empty()) {
    Table t({"DEVICE", "QUEUE", "CPUS", "ORIGIN"});
    for (const auto& p : o.config_queue_pins)
      t.add_row({p.device, p.queue, p.cpus,
                 runtime_queue(p) ? "configuration (replaced at run time)" : "configuration"});
    for (const auto& p : o.queue_pins) t.add_row({p.device, p.queue, p.cpus, "run time"});
    out += "\nQueue pins\n" + t.render();
  }
  if (!o.device_policies.empty()) {
    Table t({"DEVICE", "POLICY"});
    for (const auto& p : o.device_policies) t.add_row({p.device, p.policy});
    out += "\nDevice policies\n" + t.render();
  }
  if (!o.device_napi.empty()) {
    Table t({"DEVICE", "SETTING", "VALUE"});
    for (const auto& d : o.device_napi)
      for (const auto& [name, value] : d.settings) t.add_row({d.device, name, value});
    out += "\nNAPI settings\n" + t.render();
  }
  return out;
}

std::string pin_text(std::uint32_t irq, const std::string& cpus,
                     const std::vector<std::string>& warnings) {
  std::string out = fmt::format(
      "IRQ {} pinned to CPUs {} from the next cycle (undo: irqctl unpin {})\n", irq, cpus, irq);
  for (const auto& w : warnings) out += "warning: " + w + "\n";
  return out;
}

}  // namespace irqd::irqctl
