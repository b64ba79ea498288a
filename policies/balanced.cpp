// balanced policy.
//
// A plan is built in five steps, each on the per-CPU load the previous ones left:
//  1. Pinned IRQs: their measured cost is split over their pinned online CPUs. They are not placed
//     here (build_plan applies pins afterwards), but a CPU half busy with a pinned IRQ is not free.
//  2. Where each NIC's queue IRQs may go: nic_local_cpus(), or every usable CPU when the local ones
//     have no room (Balanced::kRoomPerCpu). The CPU order is core-first, local CPUs first.
//  3. IRQs already on one usable CPU stay there; the others (first plan, CPU banned or offline
//     since, multi-CPU affinity) are placed longest-processing-time-first: costliest first, each
//     on the least-loaded allowed CPU. LPT is within 4/3 of the optimum and, for the many small
//     IRQs a NIC has, close to the lower bound.
//  4. IRQs sitting outside their NIC's allowed CPUs (left there by another tool, or by an overflow
//     that has since ended) move back; these count as moves.
//  5. Balance: only when the busiest CPU exceeds the lower bound by more than balance.margin,
//     greedily move one IRQ at a time off the busiest CPU, at most balance.max_moves, never one
//     still in its cooldown, and only when the move lowers the busiest CPU: a move that merely
//     makes another CPU the busiest would be undone next cycle, and flapping is worse than a
//     slightly uneven layout (every move costs a cache-cold interval and a burst of reordering).
//
// "Least loaded" compares the CPU's own load first (the objective), then its core's load, so an
// idle core wins over the idle sibling of a busy core and cores fill before SMT siblings; then
// the number of IRQs (so IRQs without a measured cost still spread), then the core-first order.
#include "policies/balanced.hpp"

#include <fmt/compile.h>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <map>
#include <numeric>
#include <optional>

#include "policies/core_order.hpp"
#include "policies/spread.hpp"

namespace irqd::policies {

namespace {

// Loads closer than this are equal when choosing a CPU: sums of the same costs in another order
// differ in the last bits, and that must not decide between a core and a sibling.
constexpr double kTie = 1e-9;
// A move must lower the busiest CPU by more than this (0.1 ms per second). Smaller gains are
// below the noise of the sampler's EWMA.
constexpr double kMinGain = 1e-4;

std::size_t ix(int cpu) { return static_cast<std::size_t>(cpu); }

const char* role_name(sysfs::QueueRole r) {
  switch (r) {
    case sysfs::QueueRole::kRx:
      return "rx";
    case sysfs::QueueRole::kTx:
      return "tx";
    default:
      return "rx/tx";
  }
}

int single_cpu(const std::optional<CpuSet>& s) { return s && s->count() == 1 ? s->first() : -1; }

// -1, 0, 1 with loads within kTie equal.
int compare(double a, double b) { return a < b - kTie ? -1 : a > b + kTie ? 1 : 0; }

// One NIC's queue IRQs share where they may go.
struct Group {
  const sysfs::NicInfo* nic = nullptr;
  LocalCpus local;
  CpuSet allowed;          // local.cpus, or every usable CPU when the local ones have no room
  bool overflow = false;   // allowed was widened
  std::vector<int> order;  // allowed, core-first, local CPUs first
};

enum class How { kKept, kLpt, kHome, kMoved };

struct Item {
  const sysfs::IrqInfo* info = nullptr;
  std::size_t group = 0;
  double cost = 0.0;
  int since_move = -1;  // cycles since irqd last moved it; -1 never
  bool frozen = false;  // inside its cooldown: not moved this cycle
  int from = -1;        // the usable CPU it is on now, -1 when none
  int cpu = -1;         // planned CPU
  How how = How::kKept;
  double from_load = 0.0, to_load = 0.0;  // loads before the move / placement, for the reason
};

// Interrupt load per CPU and per core, and how many placed IRQs each has.
class Loads {
 public:
  Loads(const topology::Machine& m, int size)
      : cpu_(ix(size), 0.0),
        count_(ix(size), 0),
        core_of_(ix(size), -1),
        core_(m.cores.size(), 0.0),
        core_count_(m.cores.size(), 0) {
    for (int c = 0; c < size; ++c)
      if (const auto* pu = m.pu(c); pu && pu->core >= 0 && ix(pu->core) < m.cores.size())
        core_of_[ix(c)] = pu->core;
  }

  double cpu(int c) const { return cpu_[ix(c)]; }
  int count(int c) const { return count_[ix(c)]; }  // placed IRQs on CPU c
  // The CPU's whole core: an SMT sibling shares its core-mate's execution units.
  double core(int c) const { return core_of_[ix(c)] < 0 ? cpu(c) : core_[ix(core_of_[ix(c)])]; }

  // Adds (or with a negative cost and n, removes) cost and n IRQs on CPU c.
  void add(int c, double cost, int n) {
    cpu_[ix(c)] += cost;
    count_[ix(c)] += n;
    if (int k = core_of_[ix(c)]; k >= 0) {
      core_[ix(k)] += cost;
      core_count_[ix(k)] += n;
    }
  }

  // The least-loaded CPU of `order` other than `skip`; -1 when there is none.
  int best(const std::vector<int>& order, int skip) const {
    int out = -1;
    for (int c : order)
      if (c != skip && (out < 0 || better(c, out))) out = c;
    return out;
  }

 private:
  bool better(int a, int b) const {
    if (int r = compare(cpu(a), cpu(b))) return r < 0;
    if (int r = compare(core(a), core(b))) return r < 0;
    if (count_[ix(a)] != count_[ix(b)]) return count_[ix(a)] < count_[ix(b)];
    return core_count(a) < core_count(b);  // equal: keep the earlier one in core-first order
  }
  int core_count(int c) const {
    return core_of_[ix(c)] < 0 ? count_[ix(c)] : core_count_[ix(core_of_[ix(c)])];
  }

  std::vector<double> cpu_;
  std::vector<int> count_;
  std::vector<int> core_of_;
  std::vector<double> core_;
  std::vector<int> core_count_;
};

// "CPU 7 (node 0, SMT sibling, load 0.120)": what a person needs to check the choice. Appended
// to `out`: every placed IRQ's reason names one or two CPUs, and a plan has thousands of them.
void where(fmt::memory_buffer& out, const topology::Machine& m, int cpu,
           std::optional<double> load = std::nullopt) {
  const auto* pu = m.pu(cpu);
  const bool node = pu && pu->node >= 0, smt = pu && pu->smt_rank > 0;
  auto to = std::back_inserter(out);
  fmt::format_to(to, FMT_COMPILE("CPU {}"), cpu);
  if (!node && !smt && !load) return;
  const char* sep = " (";
  if (node) {
    fmt::format_to(to, FMT_COMPILE("{}node {}"), sep, pu->node);
    sep = ", ";
  }
  if (smt) {
    fmt::format_to(to, FMT_COMPILE("{}SMT sibling"), sep);
    sep = ", ";
  }
  if (load) fmt::format_to(to, FMT_COMPILE("{}load {:.3f}"), sep, *load);
  out.push_back(')');
}

double sum_over(const std::vector<double>& v, const CpuSet& cpus) {
  double out = 0.0;
  for (int c : cpus.to_vector())
    if (ix(c) < v.size()) out += v[ix(c)];
  return out;
}

}  // namespace

Plan Balanced::plan(const PlanInput& in) const {
  if (!in.load) {
    // Nothing measured yet (the sampler needs two readings) or a static plan: spread's layout is
    // the best placement that needs no load, and the next cycle starts balancing from it.
    Plan p = Spread().plan(in);
    p.policy = std::string(name());
    p.notes.push_back(
        "balanced: no load measured yet (a one-shot run or the daemon's first cycle): every queue "
        "IRQ counts the same, which is spread's layout");
    return p;
  }
  Plan plan;
  plan.policy = std::string(name());
  const auto& m = in.machine;
  const auto& bal = in.config.balance;
  const CpuSet usable = usable_cpus(m, in.config);
  const int size = std::max(m.max_cpu(), usable.last()) + 1;
  auto cost_of = [&](int irq) {
    auto it = in.load->irqs.find(irq);
    return it == in.load->irqs.end() ? 0.0 : std::max(0.0, it->second.cost);
  };

  // 1. Pinned IRQs: fixed load on their CPUs (whatever their class, as apply_irq_pins places them).
  Loads loads(m, size);
  std::vector<double> pinned(ix(size), 0.0);
  for (const auto& [irq, cpus] : in.config.irq_pins) {
    const auto* info = in.inventory.irq(irq);
    const CpuSet on = cpus & m.online;
    if (!info || info->cls == sysfs::IrqClass::kManaged || on.empty()) continue;
    const double share = cost_of(irq) / on.count();
    for (int c : on.to_vector()) {
      pinned[ix(c)] += share;
      loads.add(c, share, 0);
    }
  }

  // 2. The IRQs to place and where each NIC's may go.
  std::vector<Group> groups;
  std::vector<Item> items;
  for (const auto& nic : in.inventory.nics) {
    std::vector<const sysfs::IrqInfo*> irqs;
    for (const auto* irq : in.inventory.queue_irqs(nic.name))
      if (irq->error.empty() && !in.config.irq_pins.contains(irq->irq)) irqs.push_back(irq);
    if (irqs.empty()) continue;
    Group g;
    g.nic = &nic;
    g.local = nic_local_cpus(m, nic, device_cpus(usable, in.config, nic.name));
    if (g.local.cpus.empty()) {
      plan.notes.push_back(fmt::format(
          "{}: no usable CPU (all banned or isolated); its IRQs are left as they are", nic.name));
      continue;
    }
    g.allowed = g.local.cpus;
    for (const auto* irq : irqs) {
      Item it;
      it.info = irq;
      it.group = groups.size();
      it.cost = cost_of(irq->irq);
      if (auto s = in.load->cycles_since_move.find(irq->irq);
          s != in.load->cycles_since_move.end()) {
        it.since_move = s->second;
        it.frozen = s->second < bal.cooldown_cycles;
      }
      int cur = single_cpu(irq->effective);
      if (cur < 0) cur = single_cpu(irq->affinity);
      if (cur >= 0 && usable.test(cur)) it.from = cur;
      items.push_back(it);
    }
    groups.push_back(std::move(g));
  }
  // Room: the demand on a node is every IRQ confined to it (its NICs' and pinned ones).
  std::vector<double> group_cost(groups.size(), 0.0);
  for (const auto& it : items) group_cost[it.group] += it.cost;
  for (auto& g : groups) {
    if (g.local.numa_local) {
      double demand = sum_over(pinned, g.local.cpus);
      for (std::size_t j = 0; j < groups.size(); ++j)
        if (groups[j].local.cpus.is_subset_of(g.local.cpus)) demand += group_cost[j];
      if (demand > kRoomPerCpu * g.local.cpus.count()) {
        g.allowed = device_cpus(usable, in.config, g.nic->name);
        g.overflow = true;
        plan.notes.push_back(
            fmt::format("{}: {} has no room ({:.3f} CPU of interrupts on {} CPUs, more than {:.2f} "
                        "each); its queue IRQs may use every node",
                        g.nic->name, g.local.why, demand, g.local.cpus.count(), kRoomPerCpu));
      }
    }
    if (g.overflow) {
      g.order = core_first_order(m, g.local.cpus);
      auto rest = core_first_order(m, g.allowed - g.local.cpus);
      g.order.insert(g.order.end(), rest.begin(), rest.end());
    } else {
      g.order = g.local.numa_local || m.nodes.size() <= 1 ? core_first_order(m, g.allowed)
                                                          : node_interleaved_order(m, g.allowed);
    }
    if (g.order.empty()) g.order = g.allowed.to_vector();
  }

  // 3. Keep current placements; LPT for the rest, costliest first (ties: IRQ number).
  for (auto& it : items)
    if (it.from >= 0) {
      it.cpu = it.from;
      loads.add(it.cpu, it.cost, 1);
    }
  // Only the IRQs steps 3 and 4 may place need the order: those without a placement, and those
  // kept outside their NIC's allowed CPUs (LPT places inside them). In a steady cycle that is
  // none, and sorting every IRQ by cost each cycle was a tenth of the plan.
  std::vector<std::size_t> by_cost;
  for (std::size_t i = 0; i < items.size(); ++i)
    if (items[i].from < 0 || !groups[items[i].group].allowed.test(items[i].from)) by_cost.push_back(i);
  std::sort(by_cost.begin(), by_cost.end(), [&](std::size_t a, std::size_t b) {
    if (items[a].cost != items[b].cost) return items[a].cost > items[b].cost;
    return items[a].info->irq < items[b].info->irq;
  });
  for (std::size_t i : by_cost) {
    auto& it = items[i];
    if (it.from >= 0) continue;
    it.cpu = loads.best(groups[it.group].order, -1);
    it.how = How::kLpt;
    it.to_load = loads.cpu(it.cpu);
    loads.add(it.cpu, it.cost, 1);
  }

  // 4. Back to the NIC's allowed CPUs.
  int moves = 0;
  for (std::size_t i : by_cost) {
    auto& it = items[i];
    const auto& g = groups[it.group];
    if (it.how != How::kKept || g.allowed.test(it.cpu) || it.frozen || moves >= bal.max_moves)
      continue;
    loads.add(it.cpu, -it.cost, -1);
    it.cpu = loads.best(g.order, -1);
    it.how = How::kHome;
    it.to_load = loads.cpu(it.cpu);
    loads.add(it.cpu, it.cost, 1);
    ++moves;
  }

  // 5. Balance. The lower bound: no CPU set S can average less than the IRQs confined to it
  // (pinned there, or of NICs allowed only inside S) over its size, and no CPU carries less than
  // its largest IRQ or its pinned load. The largest IRQ counts only when it was measured alone on
  // its CPU: the sampler splits a CPU's time among its IRQs by interrupt counts, so an IRQ whose
  // interrupts are cheap looks costly next to one whose interrupts are dear (5 us vs 40 us each,
  // tests/sim). Its neighbours then still move away, and the next measurement of it is exact.
  CpuSet considered;
  for (const auto& g : groups) considered |= g.allowed;
  std::vector<int> sharing(ix(size), 0);
  for (const auto& it : items)
    if (it.from >= 0) ++sharing[ix(it.from)];
  auto measured_alone = [&](const Item& it) {
    return it.from < 0 || (sharing[ix(it.from)] == 1 && pinned[ix(it.from)] <= 0);
  };
  double lb = 0.0;
  for (const auto& it : items)
    if (measured_alone(it)) lb = std::max(lb, it.cost);
  for (int c : considered.to_vector()) lb = std::max(lb, pinned[ix(c)]);
  std::vector<CpuSet> sets{considered};
  for (const auto& g : groups) sets.push_back(g.allowed);
  std::vector<char> inside(groups.size());  // per group, for one set: subset tests, not per IRQ
  for (const auto& s : sets) {
    if (s.empty()) continue;
    double confined = sum_over(pinned, s);
    for (std::size_t j = 0; j < groups.size(); ++j) inside[j] = groups[j].allowed.is_subset_of(s);
    for (const auto& it : items)
      if (inside[it.group]) confined += it.cost;
    lb = std::max(lb, confined / s.count());
  }
  double limit = lb * (1.0 + bal.margin);
  const auto considered_cpus = considered.to_vector();
  auto busiest = [&] {
    int out = -1;
    for (int c : considered_cpus)
      if (out < 0 || loads.cpu(c) > loads.cpu(out) + kTie) out = c;
    return out;
  };
  const int percent = static_cast<int>(bal.margin * 100.0 + 0.5);
  for (int s = busiest(); s >= 0 && loads.cpu(s) > limit; s = busiest()) {
    const double ls = loads.cpu(s);
    if (loads.count(s) == 1 && pinned[ix(s)] <= 0) {
      // One IRQ alone on the busiest CPU (its neighbours moved away): nothing can lower it, and
      // its cost, however it was measured, bounds the layout.
      lb = ls;
      limit = lb * (1.0 + bal.margin);
      continue;
    }
    if (moves >= bal.max_moves) {
      plan.notes.push_back(
          fmt::format("balanced: CPU {} still has {:.3f} CPU of interrupts (lower bound {:.3f} + "
                      "{}%) after {} moves (balance.max_moves); more next cycle",
                      s, ls, lb, percent, moves));
      break;
    }
    // The IRQ whose move leaves the lower maximum of the two CPUs (ties: the cheaper one, whose
    // move disturbs less; then the lower IRQ number).
    Item* pick = nullptr;
    int pick_to = -1;
    double pick_max = 0.0;
    for (auto& it : items) {
      if (it.cpu != s || it.how != How::kKept || it.frozen || it.cost <= kMinGain) continue;
      const int t = loads.best(groups[it.group].order, s);
      if (t < 0) continue;
      const double lt = loads.cpu(t) + it.cost;
      if (!(lt < ls - kMinGain)) continue;  // would only make t the busiest one
      const double worst = std::max(ls - it.cost, lt);
      if (!pick || worst < pick_max - kTie || (worst <= pick_max + kTie && it.cost < pick->cost - kTie)) {
        pick = &it;
        pick_to = t;
        pick_max = worst;
      }
    }
    if (!pick) {
      plan.notes.push_back(fmt::format(
          "balanced: CPU {} has {:.3f} CPU of interrupts (lower bound {:.3f} + {}%), but no move "
          "lowers it: its IRQs are "
          "pinned, cooling down, or too costly to move without making another CPU as busy",
          s, ls, lb, percent));
      break;
    }
    pick->how = How::kMoved;
    pick->from_load = ls;
    pick->to_load = loads.cpu(pick_to);
    loads.add(s, -pick->cost, -1);
    loads.add(pick_to, pick->cost, 1);
    pick->cpu = pick_to;
    ++moves;
  }

  // Every placed IRQ gets a placement, kept ones included, so the plan is complete and the diff
  // shows exactly the moves.
  plan.irqs.reserve(items.size());
  fmt::memory_buffer why;
  for (const auto& it : items) {
    const auto& g = groups[it.group];
    why.clear();
    auto to = std::back_inserter(why);
    fmt::format_to(to, FMT_COMPILE("{} {} queue {}: {:.3f} CPU"), g.nic->name, role_name(it.info->role), it.info->queue,
                   it.cost);
    auto span = [&] {
      if (g.overflow) fmt::format_to(to, FMT_COMPILE("all nodes ({} has no room)"), g.local.why);
      else why.append(g.local.why);
    };
    switch (it.how) {
      case How::kKept:
        fmt::format_to(to, FMT_COMPILE(" on "));
        where(why, m, it.cpu);
        fmt::format_to(to, FMT_COMPILE(", kept"));
        if (it.frozen)
          fmt::format_to(to, FMT_COMPILE(" (moved {} cycles ago, cooldown {})"), it.since_move, bal.cooldown_cycles);
        if (!g.allowed.test(it.cpu)) {
          fmt::format_to(to, FMT_COMPILE(", outside "));
          span();
          fmt::format_to(to, FMT_COMPILE(" until it may move"));
        }
        break;
      case How::kLpt:
        fmt::format_to(to, FMT_COMPILE(" LPT placement on "));
        where(why, m, it.cpu, it.to_load);
        fmt::format_to(to, FMT_COMPILE(", the least loaded of "));
        span();
        break;
      case How::kHome:
        fmt::format_to(to, FMT_COMPILE(" moved from "));
        where(why, m, it.from);
        fmt::format_to(to, FMT_COMPILE(" to "));
        where(why, m, it.cpu, it.to_load);
        fmt::format_to(to, FMT_COMPILE(", back on "));
        span();
        break;
      case How::kMoved:
        fmt::format_to(to, FMT_COMPILE(" moved from CPU {} (load {:.3f}) to "), it.from, it.from_load);
        where(why, m, it.cpu, it.to_load);
        fmt::format_to(to, FMT_COMPILE(": CPU {} was the busiest, above the lower bound {:.3f} + {}%"), it.from, lb, percent);
        break;
    }
    plan.irqs.push_back({it.info->irq, CpuSet::of({it.cpu}), fmt::to_string(why)});
  }
  std::sort(plan.irqs.begin(), plan.irqs.end(),
            [](const auto& a, const auto& b) { return a.irq < b.irq; });
  return plan;
}

}  // namespace irqd::policies
