// Scenario runner: virtual clock, the cycle loop, the numbers each cycle is judged by.
#include "tests/sim/scenario_runner.hpp"

#include <algorithm>
#include <map>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include "policies/balanced.hpp"

namespace irqd::sim {

namespace {
std::size_t ix(int i) { return static_cast<std::size_t>(i); }
}  // namespace

ScenarioRunner::ScenarioRunner(SimSpec spec, LoadSpec load, config::Config cfg, double interval)
    : sim_(std::move(spec)), model_(load, static_cast<int>(sim_.queues().size())), interval_(interval) {
  // The daemon logs every write at info: hundreds of lines a cycle here. Warnings still show.
  spdlog::set_level(spdlog::level::warn);
  DaemonOptions opts;
  opts.engine.root = sim_.root();
  opts.engine.use_netlink = false;
  opts.engine.topology_xml = sim_.spec_topology();
  opts.interval = std::chrono::milliseconds(static_cast<long>(interval * 1000));
  // Virtual time, offset so that the first reading is not the clock's zero.
  opts.clock = [this] {
    return std::chrono::steady_clock::time_point(std::chrono::duration_cast<std::chrono::steady_clock::duration>(
        std::chrono::duration<double>(3600.0 + sim_.now())));
  };
  cfg.run_dir = (sim_.root() / "run/irqd").string();
  daemon_ = std::make_unique<Daemon>(opts, cfg);
  daemon_->cycle();
}

double ScenarioRunner::room_limit(int node) const {
  return policies::Balanced::kRoomPerCpu * sim_.machine().node_cpus(node).count();
}

CycleStats ScenarioRunner::cycle() {
  const auto costs = model_.costs(step_++);
  const auto step = sim_.step(interval_, costs);
  const auto& mean = model_.mean_costs();
  const auto& m = sim_.machine();
  const auto& queues = sim_.queues();

  CycleStats s;
  s.cycle = static_cast<int>(history_.size()) + 1;
  s.writes = step.affinity_writes;
  // Per-node demand decides which nodes have room (as the balanced policy does).
  std::map<int, double> demand;
  for (std::size_t q = 0; q < queues.size(); ++q) demand[queues[q].node] += mean[q];
  std::vector<double> load(ix(m.max_cpu() + 1), 0.0);
  double all = 0.0, largest = 0.0;
  for (std::size_t q = 0; q < queues.size(); ++q) {
    const int cpu = sim_.effective_cpu(queues[q].irq);
    load[ix(cpu)] += mean[q];
    all += mean[q];
    largest = std::max(largest, mean[q]);
    if (demand[queues[q].node] <= room_limit(queues[q].node) && m.node_of(cpu) != queues[q].node) ++s.off_node;
  }
  // Lower bound: the largest IRQ; every node with room carries its NICs alone; and the mean.
  s.lower_bound = std::max(largest, all / m.online.count());
  for (const auto& [node, d] : demand)
    if (d <= room_limit(node)) s.lower_bound = std::max(s.lower_bound, d / m.node_cpus(node).count());
  for (int c = 0; c < static_cast<int>(load.size()); ++c)
    if (s.busiest_cpu < 0 || load[ix(c)] > s.busiest) {
      s.busiest = load[ix(c)];
      s.busiest_cpu = c;
    }

  daemon_->cycle();
  s.changes = daemon_->last_report().changes;
  history_.push_back(s);
  return s;
}

CycleStats ScenarioRunner::run(int n) {
  CycleStats s;
  for (int i = 0; i < n; ++i) s = cycle();
  return s;
}

std::string ScenarioRunner::table() const {
  std::string out = "cycle  busiest(cpu)   lower-bound  ratio  off-node  writes  changes\n";
  for (const auto& s : history_)
    out += fmt::format("{:>5}  {:>7.3f} ({:>3})  {:>11.3f}  {:>5.3f}  {:>8}  {:>6}  {:>7}\n", s.cycle, s.busiest,
                       s.busiest_cpu, s.lower_bound, s.ratio(), s.off_node, s.writes, s.changes);
  return out;
}

std::string ScenarioRunner::summary() const {
  if (history_.empty()) return "no cycles";
  int first = 0;
  std::vector<int> writing;
  for (const auto& s : history_) {
    if (first == 0 && s.ratio() <= 1.10) first = s.cycle;
    if (s.writes > 0) writing.push_back(s.cycle);
  }
  const auto& last = history_.back();
  return fmt::format("{} cycles, first within 10%: {}, last busiest {:.3f} / bound {:.3f} = {:.3f}, "
                     "{} affinity writes, in cycles [{}]",
                     history_.size(), first > 0 ? fmt::format("cycle {}", first) : "never", last.busiest, last.lower_bound, last.ratio(),
                     sim_.total_affinity_writes(), fmt::join(writing, " "));
}

}  // namespace irqd::sim
