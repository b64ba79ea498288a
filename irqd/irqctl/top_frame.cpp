// Renders a top frame from values. Rows are budgeted before anything is drawn: the busiest IRQs
// always get some (the cause of the load is what an operator came for), busy CPUs get the rest,
// idle CPUs take one line per range, and every line is cut to the width rather than wrapped.
#include "irqd/irqctl/top_frame.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "irqd/irqctl/cpu_load.hpp"
#include "irqd/irqctl/json_views.hpp"
#include "irqd/irqctl/table.hpp"
#include "irqd/irqctl/text_views.hpp"
#include "sysfs/cpuset.hpp"

namespace irqd::irqctl {

namespace {

// Below both, a CPU's figures print as 0.0% and 0 irq/s: nothing to draw a bar for.
bool idle(const CpuLoad& l) { return l.rate < 0.5 && l.cost < 0.0005; }

// The IRQs the view's filters let through.
std::vector<Irq> filtered_irqs(const std::vector<Irq>& irqs, const CpuNodes& nodes,
                               const TopView& v) {
  std::vector<Irq> out;
  for (const auto& i : irqs) {
    if (!v.device.empty() && i.device != v.device) continue;
    if (v.node) {
      auto n = nodes.node_of.find(i.effective_cpu);
      if (n == nodes.node_of.end() || n->second != *v.node) continue;
    }
    out.push_back(i);
  }
  return out;
}

std::vector<CpuLoad> filtered_loads(const std::vector<Irq>& irqs, const CpuNodes& nodes,
                                    const TopView& v) {
  auto loads = cpu_loads(irqs, nodes);
  if (v.node) std::erase_if(loads, [&](const CpuLoad& l) { return l.node != *v.node; });
  return loads;
}

void sort_loads(std::vector<CpuLoad>& loads, TopSort sort) {
  auto by_cpu = [](const CpuLoad& a, const CpuLoad& b) { return a.cpu < b.cpu; };
  if (sort == TopSort::kCpu) {
    std::stable_sort(loads.begin(), loads.end(), by_cpu);
    return;
  }
  // Load ties (no CPU time measured yet) fall back to the rate, and the other way round.
  std::stable_sort(loads.begin(), loads.end(), [&](const CpuLoad& a, const CpuLoad& b) {
    auto key = [&](const CpuLoad& l) {
      return sort == TopSort::kLoad ? std::pair{l.cost, l.rate} : std::pair{l.rate, l.cost};
    };
    return key(a) != key(b) ? key(a) > key(b) : by_cpu(a, b);
  });
}

std::string header_line(const Status& s) {
  std::string out = fmt::format(
      "irqd {}  {}  cycle {} {:.2f} ms/{:g} s  IRQs {} placed {} fixed {} failed", s.version,
      s.policy, s.cycles, s.last_cycle_ms, s.interval_seconds, s.placed, s.unchangeable, s.failed);
  if (s.dry_run) out += "  DRY RUN";
  return out;
}

std::string cpu_line(const CpuLoad& l, int width) {
  // Everything but the bar's cells takes 50 columns.
  int bar = std::clamp(width - 50, 5, 60);
  return fmt::format("CPU {:>4} node {:>2} core {:>3} {} {:>6} {:>8} irq/s", l.cpu, fmt_id(l.node),
                     fmt_id(l.core), load_bar(l.cost, bar), fmt_percent(l.cost), fmt_rate(l.rate));
}

std::string idle_line(const sysfs::CpuSet& cpus, int node) {
  return fmt::format("CPU {} idle ({} CPU{}{})", cpus.to_list(), cpus.count(),
                     cpus.count() == 1 ? "" : "s", node < 0 ? "" : fmt::format(", node {}", node));
}

// The CPU section: busy CPUs one per line in the view's order, idle ones collapsed: by CPU, each
// run of consecutive idle CPUs on one node is a line where it falls; otherwise one line per node
// after the busy ones.
std::vector<std::string> cpu_lines(const std::vector<CpuLoad>& loads, TopSort sort, int width) {
  std::vector<std::string> out;
  if (sort == TopSort::kCpu) {
    sysfs::CpuSet run;
    int run_node = -2, last = -2;
    auto flush = [&] {
      if (!run.empty()) out.push_back(idle_line(run, run_node));
      run = {};
    };
    for (const auto& l : loads) {
      if (!idle(l)) {
        flush();
        out.push_back(cpu_line(l, width));
        continue;
      }
      if (l.node != run_node || l.cpu != last + 1) flush();
      run.set(l.cpu);
      run_node = l.node;
      last = l.cpu;
    }
    flush();
    return out;
  }
  std::map<int, sysfs::CpuSet> idle_by_node;
  for (const auto& l : loads) {
    if (idle(l))
      idle_by_node[l.node].set(l.cpu);
    else
      out.push_back(cpu_line(l, width));
  }
  for (const auto& [node, cpus] : idle_by_node) out.push_back(idle_line(cpus, node));
  return out;
}

std::vector<std::string> irq_lines(const std::vector<Irq>& busy, std::size_t n) {
  using Align = Table::Align;
  Table t({"IRQ", "IRQ/S", "CPU%", "CPU", "DEVICE", "QUEUE", "NAME"},
          {Align::kRight, Align::kRight, Align::kRight, Align::kRight});
  for (std::size_t k = 0; k < n; ++k) {
    const Irq& i = busy[k];
    t.add_row({std::to_string(i.number), fmt_rate(i.rate), fmt_percent(i.cost),
               fmt_id(i.effective_cpu), or_dash(i.device), or_dash(i.queue), i.name});
  }
  std::vector<std::string> out;
  std::string text = t.render();
  for (std::size_t pos = 0; pos < text.size();) {
    auto end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    out.push_back(text.substr(pos, end - pos));
    pos = end + 1;
  }
  return out;
}

std::string view_line(const TopView& v, const std::vector<CpuLoad>& loads) {
  auto busy = std::count_if(loads.begin(), loads.end(), [](const CpuLoad& l) { return !idle(l); });
  return fmt::format("Interrupt load per CPU: {} of {} busy  sort {}  node {}  device {}", busy,
                     loads.size(), sort_name(v.sort), v.node ? std::to_string(*v.node) : "all",
                     v.device.empty() ? "all" : v.device);
}

}  // namespace

std::string load_bar(double fraction, int width) {
  width = std::max(width, 1);
  double f = std::isfinite(fraction) ? std::clamp(fraction, 0.0, 1.0) : 0.0;
  auto filled = static_cast<int>(std::lround(f * width));
  return "[" + std::string(static_cast<std::size_t>(filled), '#') +
         std::string(static_cast<std::size_t>(width - filled), '.') + "]";
}

std::string fit_width(const std::string& line, int width) {
  int columns = 0;
  std::size_t cut = std::string::npos;
  for (std::size_t k = 0; k < line.size(); ++k) {
    if ((static_cast<unsigned char>(line[k]) & 0xC0) == 0x80) continue;  // continuation byte
    if (columns == width - 1) cut = k;
    if (++columns > width) return width <= 0 ? "" : line.substr(0, cut) + "…";
  }
  return line;
}

std::vector<Irq> busiest_irqs(std::vector<Irq> irqs) {
  std::stable_sort(irqs.begin(), irqs.end(), [](const Irq& a, const Irq& b) {
    if (a.cost != b.cost) return a.cost > b.cost;
    if (a.rate != b.rate) return a.rate > b.rate;
    return a.number < b.number;
  });
  return irqs;
}

std::vector<int> top_nodes(const CpuNodes& nodes) {
  std::set<int> all;
  for (const auto& [cpu, node] : nodes.node_of) all.insert(node);
  return {all.begin(), all.end()};
}

std::vector<std::string> top_devices(const std::vector<Irq>& irqs) {
  std::set<std::string> all;
  for (const auto& i : irqs)
    if (!i.device.empty()) all.insert(i.device);
  return {all.begin(), all.end()};
}

std::string top_frame(const Status& s, const std::vector<Irq>& all_irqs, const CpuNodes& nodes,
                      const TopOptions& o) {
  auto irqs = filtered_irqs(all_irqs, nodes, o.view);
  auto loads = filtered_loads(irqs, nodes, o.view);
  sort_loads(loads, o.view.sort);
  auto cpus = cpu_lines(loads, o.view.sort, o.width);
  if (loads.empty()) cpus.push_back("(no CPUs known)");
  auto busy = busiest_irqs(irqs);

  std::vector<std::string> top{header_line(s)};
  if (!s.last_error.empty()) top.push_back("last cycle failed: " + s.last_error);
  top.push_back(view_line(o.view, loads));
  // Below the CPUs: the IRQ title, the table's header, its rows, and the key help.
  const int irq_fixed = 2 + (o.keys_help ? 1 : 0);
  std::size_t wanted = std::min(busy.size(), static_cast<std::size_t>(std::max(o.max_irqs, 0)));
  std::size_t irq_rows = wanted;
  std::size_t cpu_rows = cpus.size();
  if (o.height > 0) {
    int left = std::max(o.height - static_cast<int>(top.size()) - irq_fixed, 0);
    // The IRQs keep at least a third of what is left (and 3 rows), the CPUs take the rest.
    auto keep = std::min<std::size_t>(wanted, static_cast<std::size_t>(std::max(left / 3, 3)));
    cpu_rows = std::min<std::size_t>(
        cpus.size(), static_cast<std::size_t>(std::max(left - static_cast<int>(keep), 0)));
    irq_rows = std::min<std::size_t>(
        wanted, static_cast<std::size_t>(std::max(left - static_cast<int>(cpu_rows), 0)));
  }
  if (cpu_rows < cpus.size() && cpu_rows > 0) {
    std::size_t hidden = cpus.size() - cpu_rows + 1;
    cpus.resize(cpu_rows - 1);
    cpus.push_back(fmt::format("… {} more lines of CPUs (keys n, d: filter)", hidden));
  } else {
    cpus.resize(cpu_rows);
  }

  std::vector<std::string> lines = top;
  lines.insert(lines.end(), cpus.begin(), cpus.end());
  lines.push_back(fmt::format("Busiest IRQs ({} of {})", irq_rows, irqs.size()));
  auto table = irq_lines(busy, irq_rows);
  lines.insert(lines.end(), table.begin(), table.end());
  if (o.keys_help) lines.push_back(top_keys_help());
  if (o.height > 0 && lines.size() > static_cast<std::size_t>(o.height))
    lines.resize(static_cast<std::size_t>(o.height));

  std::string out;
  for (const auto& l : lines) out += fit_width(l, o.width) + "\n";
  return out;
}

nlohmann::ordered_json top_json(const Status& s, const std::vector<Irq>& all_irqs,
                                const CpuNodes& nodes, const TopOptions& o) {
  auto irqs = filtered_irqs(all_irqs, nodes, o.view);
  auto loads = filtered_loads(irqs, nodes, o.view);
  sort_loads(loads, o.view.sort);
  auto busy = busiest_irqs(irqs);
  busy.resize(std::min(busy.size(), static_cast<std::size_t>(std::max(o.max_irqs, 0))));

  nlohmann::ordered_json status = status_json(s);
  status.erase("schema");
  nlohmann::ordered_json cpus = nlohmann::ordered_json::array();
  auto id = [](int v) {
    return v < 0 ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(v);
  };
  for (const auto& l : loads)
    cpus.push_back({{"cpu", l.cpu},
                    {"numa_node", id(l.node)},
                    {"core", id(l.core)},
                    {"cost_seconds_per_second", l.cost},
                    {"rate_per_second", l.rate},
                    {"irqs", l.irqs},
                    {"idle", idle(l)}});
  nlohmann::ordered_json busiest = irqs_json(busy);
  return {{"schema", kJsonSchema},
          {"status", status},
          {"view",
           {{"sort", sort_name(o.view.sort)},
            {"numa_node", o.view.node ? nlohmann::ordered_json(*o.view.node) : nullptr},
            {"device", o.view.device.empty() ? nlohmann::ordered_json(nullptr)
                                             : nlohmann::ordered_json(o.view.device)}}},
          {"cpus", cpus},
          {"busiest_irqs", busiest["irqs"]}};
}

}  // namespace irqd::irqctl
