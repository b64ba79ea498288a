// Scenario runner: virtual clock, the cycle loop, restarts, the numbers each cycle is judged by.
#include "tests/sim/scenario_runner.hpp"

#include "tests/sim/sim_netdev.hpp"

#include <time.h>

#include <algorithm>
#include <cstdlib>
#include <map>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include "policies/balanced.hpp"

namespace irqd::sim {

namespace {
std::size_t ix(int i) { return static_cast<std::size_t>(i); }
std::vector<int> nic_groups(const SimSpec& s) {
  std::vector<int> g;
  for (const auto& n : s.nics) g.push_back(n.queues);
  return g;
}
double cpu_ms() {
  struct timespec ts {};
  ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}
}  // namespace

ScenarioRunner::ScenarioRunner(SimSpec spec, LoadSpec load, config::Config cfg, double interval)
    : sim_(std::move(spec)),
      model_(load, static_cast<int>(sim_.queues().size()), nic_groups(sim_.spec())),
      cfg_(std::move(cfg)),
      interval_(interval) {
  // The daemon logs every write at info: hundreds of lines a cycle here. Warnings still show.
  spdlog::set_level(spdlog::level::warn);
  opts_.engine.root = sim_.root();
  opts_.engine.use_netlink = false;
  opts_.engine.topology_xml = sim_.spec_topology();
  opts_.interval = std::chrono::milliseconds(static_cast<long>(interval * 1000));
  // Virtual time, offset so that the first reading is not the clock's zero.
  opts_.clock = [this] {
    return std::chrono::steady_clock::time_point(std::chrono::duration_cast<std::chrono::steady_clock::duration>(
        std::chrono::duration<double>(3600.0 + sim_.now())));
  };
  cfg_.run_dir = (sim_.root() / "run/irqd").string();
  // Per-queue counters where the NICs have them (SimSpec::qstats); the daemon asks either way.
  opts_.netdev = std::make_shared<SimNetdev>(sim_);
  first_cycle();
}

void ScenarioRunner::first_cycle() {
  daemon_ = std::make_unique<Daemon>(opts_, cfg_);
  daemon_->cycle();
}

int ScenarioRunner::restart() {
  daemon_.reset();
  first_cycle();
  restarted_ = true;
  return daemon_->last_report().changes;
}

double ScenarioRunner::room_limit(int node) const {
  return policies::Balanced::kRoomPerCpu * sim_.machine().node_cpus(node).count();
}

void ScenarioRunner::measure(CycleStats& s, const StepResult& step, double t0, double t1) const {
  const auto& m = sim_.machine();
  const auto& queues = sim_.queues();
  const auto& mean = model_.mean_costs();
  const double dt = t1 - t0;
  // Which nodes have room: their NICs' long-run load plus the other IRQs sitting on them.
  std::map<int, double> demand, interval_demand;
  const double other = sim_.other_irq_load();
  for (int cpu : sim_.other_irq_cpus()) {
    demand[m.node_of(cpu)] += other;
    interval_demand[m.node_of(cpu)] += other;
  }
  for (std::size_t q = 0; q < queues.size(); ++q) demand[queues[q].node] += mean[q];
  auto has_room = [&](int node) { return demand[node] <= room_limit(node); };

  std::vector<double> load(ix(m.max_cpu() + 1), 0.0);
  std::vector<double> rps(load.size(), 0.0);  // RPS work: where the masks send it, not the IRQs
  for (int cpu : sim_.other_irq_cpus()) load[ix(cpu)] += other;
  double all = other * static_cast<double>(sim_.other_irq_cpus().size());
  double largest = sim_.other_irq_cpus().empty() ? 0.0 : other;
  double nic_work = 0.0, local_work = 0.0;
  const double share = sim_.spec().rps_share;
  for (std::size_t q = 0; q < queues.size(); ++q) {
    const double l = model_.mean_work(q, t0, t1) / dt;
    const auto& targets = sim_.rps_targets(q);
    const double away = targets.empty() ? 0.0 : share;  // of its work, on its RPS CPUs
    all += l;
    largest = std::max(largest, (1 - away) * l);
    interval_demand[queues[q].node] += l;
    for (const auto& seg : step.runs[q]) {
      const double w = model_.mean_work(q, seg.t0, seg.t1);
      load[ix(seg.cpu)] += (1 - away) * w / dt;
      for (const auto& [c, part] : targets) rps[ix(c)] += away * part * w / dt;
      nic_work += w;
      if (m.node_of(seg.cpu) == queues[q].node) local_work += w;
    }
    const int now = step.runs[q].empty() ? -1 : step.runs[q].back().cpu;
    if (has_room(queues[q].node) && m.node_of(now) != queues[q].node) ++s.off_node;
  }
  s.locality = nic_work > 0 ? local_work / nic_work : 1.0;
  // The RPS work is fixed load where the masks put it: the busiest CPU carries at least the most of
  // it, and the largest movable item goes on top of at least the least of it.
  double rps_min = 0.0, rps_max = 0.0;
  for (int c : m.online.to_vector()) {
    load[ix(c)] += rps[ix(c)];
    rps_max = std::max(rps_max, rps[ix(c)]);
    rps_min = c == m.online.first() ? rps[ix(c)] : std::min(rps_min, rps[ix(c)]);
  }
  s.lower_bound = std::max({largest + rps_min, rps_max, all / m.online.count()});
  for (const auto& [node, d] : interval_demand)
    if (has_room(node)) s.lower_bound = std::max(s.lower_bound, d / m.node_cpus(node).count());
  for (int c = 0; c < static_cast<int>(load.size()); ++c)
    if (s.busiest_cpu < 0 || load[ix(c)] > s.busiest) {
      s.busiest = load[ix(c)];
      s.busiest_cpu = c;
    }
}

CycleStats ScenarioRunner::cycle() {
  const std::uint64_t n = step_++;
  const double t0 = sim_.now();
  const auto step = sim_.step(interval_, [&](std::size_t q, double a, double b) { return model_.work(q, n, a, b); });

  CycleStats s;
  s.cycle = static_cast<int>(history_.size()) + 1;
  s.writes = step.writes;
  s.rejected = step.rejected_writes;
  s.pending = step.moves_pending;
  s.restarted = restarted_;
  restarted_ = false;
  measure(s, step, t0, sim_.now());

  const double before = cpu_ms();
  daemon_->cycle();
  s.daemon_ms = cpu_ms() - before;
  s.changes = daemon_->last_report().changes;
  // IRQD_SIM_DEBUG=1: each cycle's plan notes, and the busiest CPU as the policy estimated it
  // against the truly busiest one (where a failing scenario's costs went wrong).
  if (std::getenv("IRQD_SIM_DEBUG") != nullptr && daemon_->last_plan() != nullptr) {
    for (const auto& note : daemon_->last_plan()->plan->notes) fmt::print("cycle {} note: {}\n", history_.size() + 1, note);
    for (const auto& d : daemon_->last_plan()->diff.irqs)
      if (d.change && d.irq && d.planned)
        fmt::print("cycle {} move: IRQ {} {} -> {}: {}\n", history_.size() + 1, d.irq->irq,
                   d.irq->affinity ? d.irq->affinity->to_list() : "?", d.planned->cpus.to_list(), d.reason());
    const auto& l = daemon_->load();
    std::map<int, double> est;
    for (const auto& p : daemon_->last_plan()->plan->irqs)
      if (auto it = l.irqs.find(p.irq); it != l.irqs.end()) est[p.cpus.first()] += it->second.cost;
    double mx = 0; int mc = -1;
    for (auto [c, v] : est) if (v > mx) { mx = v; mc = c; }
    fmt::print("cycle {} policy busiest CPU {} {:.3f}; true CPU {} est {:.3f}\n", history_.size() + 1, mc, mx, s.busiest_cpu, est[s.busiest_cpu]);
  }
  history_.push_back(s);
  return s;
}

CycleStats ScenarioRunner::run(int n) {
  CycleStats s;
  for (int i = 0; i < n; ++i) s = cycle();
  return s;
}

std::string ScenarioRunner::table() const {
  std::string out =
      "cycle busiest (cpu)  bound  ratio  local  off |  aff  rps flow  xps rxqs sysc |  rej pend  chg  cpu-ms\n";
  for (const auto& s : history_)
    out += fmt::format("{:>4}{} {:>7.3f} ({:>4}) {:>6.3f} {:>6.3f} {:>5.1f}% {:>4} | {:>4} {:>4} {:>4} {:>4} {:>4} {:>4} | "
                       "{:>4} {:>4} {:>4} {:>7.2f}\n",
                       s.cycle, s.restarted ? 'R' : ' ', s.busiest, s.busiest_cpu, s.lower_bound, s.ratio(),
                       100.0 * s.locality, s.off_node, s.writes.affinity, s.writes.rps_cpus, s.writes.rps_flow_cnt,
                       s.writes.xps_cpus, s.writes.xps_rxqs, s.writes.sysctl, s.rejected, s.pending, s.changes,
                       s.daemon_ms);
  return out + "(R: daemon restarted before this interval; writes: picked up before it; chg: the daemon's "
               "changes after it)\n";
}

std::string ScenarioRunner::summary() const {
  if (history_.empty()) return "no cycles";
  int first = 0;
  std::vector<int> writing;
  for (const auto& s : history_) {
    if (first == 0 && s.ratio() <= 1.10) first = s.cycle;
    if (s.writes.total() > 0) writing.push_back(s.cycle);
  }
  // From the third cycle after the first measured load on (cycle 4): the worst ratio, and the
  // daemon's mean CPU per cycle (its steady cost, without the first cycles' discovery and writes).
  double worst = 0.0, ms = 0.0;
  int n = 0;
  for (const auto& s : history_)
    if (s.cycle >= 4) {
      worst = std::max(worst, s.ratio());
      ms += s.daemon_ms;
      ++n;
    }
  const auto& last = history_.back();
  return fmt::format("{} cycles, first within 10%: {}, last busiest {:.3f} / bound {:.3f} = {:.3f}, "
                     "worst from cycle 4 {:.3f}, {} affinity writes, {} in all, in cycles [{}], "
                     "daemon {:.2f} ms per cycle from cycle 4",
                     history_.size(), first > 0 ? fmt::format("cycle {}", first) : "never", last.busiest,
                     last.lower_bound, last.ratio(), worst, sim_.total_writes().affinity, sim_.total_writes().total(),
                     fmt::join(writing, " "), n > 0 ? ms / n : 0.0);
}

}  // namespace irqd::sim
