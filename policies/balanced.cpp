// balanced policy.
//
// A plan is built in steps, each on the per-CPU load the previous ones left:
//  1. Pinned IRQs: their measured cost is split over their pinned online CPUs. They are not placed
//     here (build_plan applies pins afterwards), but a CPU half busy with a pinned IRQ is not free.
//  2. Where each NIC's queue IRQs may go: nic_local_cpus(), or every usable CPU of the device while
//     its node has no room. Room has hysteresis: a node spills above kRoomPerCpu and, once it
//     has spilled (some of its IRQs sit off the node), comes home only below kHomePerCpu, so
//     noise around one threshold does not send IRQs across nodes and back every cycle.
//  3. Where an IRQ is now is the mask irqd (or anyone) wrote when it names one CPU: the kernel
//     moves an IRQ on its next interrupt, so effective_affinity_list lags a write (and on some
//     platforms never follows it); an IRQ is never "corrected" toward that stale CPU. IRQs on one
//     usable CPU inside their NIC's allowed CPUs stay; the others (first plan, CPU banned or offline
//     since, multi-CPU affinity) are placed longest-processing-time-first: costliest first, each on
//     the least-loaded allowed CPU. IRQs outside their NIC's allowed CPUs move back.
//  4. The first measured load (LoadInfo::first) may re-plan once, deliberately: when the layout
//     found is above the margin, every IRQ not cooling down is placed again, costliest first, on
//     its current CPU when that still fits under the goal, else on the least-loaded CPU (sticky
//     LPT: near LPT's quality with a fraction of its moves). Inside the margin, step 5 takes it to
//     the goal all the same (the first load's layout was not balanced on measured costs): a
//     restarted daemon whose layout is within the goal writes nothing.
//  5. Balance (balanced_search.cpp): only when the busiest CPU exceeds the lower bound by more than
//     balance.margin, moves off the busiest CPU, or swaps where no single move helps, down to well
//     inside the margin; at most balance.max_moves, never an IRQ in its cooldown, never back to
//     the CPU irqd last moved it away from, and only moves that lower the busiest CPU by enough to
//     pay for themselves.
#include "policies/balanced.hpp"

#include <fmt/compile.h>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <optional>

#include "policies/balanced_layout.hpp"
#include "policies/core_order.hpp"
#include "policies/spread.hpp"


namespace irqd::policies {

using namespace balanced;  // NOLINT: this file's own working types

namespace {

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

// Where a CPU is, as a reason quotes it: its node (-1: none known) and whether it is an SMT sibling.
struct Place {
  int cpu = -1;
  int node = -1;
  bool smt = false;
};

Place place_of(const topology::Machine& m, int cpu) {
  const auto* pu = m.pu(cpu);
  return {cpu, pu ? pu->node : -1, pu && pu->smt_rank > 0};
}

// "CPU 7 (node 0, SMT sibling, load 0.120)": what a person needs to check the choice.
void where(std::string& out, const Place& p, std::optional<double> load = std::nullopt) {
  auto to = std::back_inserter(out);
  fmt::format_to(to, FMT_COMPILE("CPU {}"), p.cpu);
  const bool node = p.node >= 0;
  if (!node && !p.smt && !load) return;
  const char* sep = " (";
  if (node) {
    fmt::format_to(to, FMT_COMPILE("{}node {}"), sep, p.node);
    sep = ", ";
  }
  if (p.smt) {
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

// Where the IRQ is now, and where the kernel still delivers it when that differs: a mask naming
// one CPU is where irqd (or someone) put it, whatever a lagging effective affinity says; a wider
// mask is where the kernel chose inside it.
std::pair<int, int> current_cpu(const sysfs::IrqInfo& irq) {
  const int aff = single_cpu(irq.affinity), eff = single_cpu(irq.effective);
  if (aff >= 0) return {aff, eff >= 0 && eff != aff ? eff : -1};
  if (eff >= 0 && (!irq.affinity || irq.affinity->test(eff))) return {eff, -1};
  return {-1, -1};
}

// The busiest of `cpus`; -1 when empty.
int busiest_of(const Loads& loads, const std::vector<int>& cpus) {
  int out = -1;
  for (int c : cpus)
    if (out < 0 || loads.cpu(c) > loads.cpu(out) + kTie) out = c;
  return out;
}

// Step 4: every IRQ not cooling down placed again, costliest first, staying where it is while
// its CPU stays under `goal`. Returns how many IRQs it moves.
int sticky_lpt(std::vector<Group>& groups, std::vector<Item>& items, Loads& loads, double goal) {
  std::vector<std::size_t> order;
  for (std::size_t i = 0; i < items.size(); ++i)
    if (!items[i].frozen && items[i].cpu >= 0) {
      order.push_back(i);
      loads.remove(items[i].cpu, i, items[i].cost);
    }
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    if (items[a].cost != items[b].cost) return items[a].cost > items[b].cost;
    return items[a].info->irq < items[b].info->irq;
  });
  int moved = 0;
  for (std::size_t i : order) {
    auto& it = items[i];
    const auto& g = groups[it.group];
    int to = it.from;
    if (to < 0 || !g.allowed.test(to) || loads.cpu(to) + it.cost > goal) to = loads.best(g.order, -1);
    if (to < 0) to = it.cpu;
    it.how = it.from < 0 ? How::kLpt : to == it.from ? How::kKept : !g.allowed.test(it.from) ? How::kHome : How::kReplanned;
    it.to_load = loads.cpu(to);
    it.cpu = to;
    loads.place(to, i, it.cost);
    moved += it.how == How::kKept ? 0 : 1;
  }
  return moved;
}

// The facts every placed IRQ's reason quotes, copied out of the plan's working state (which
// points into the inputs): a cycle plans every IRQ, a view reads a few of their reasons.
class ReasonBook final : public Reason::Book {
 public:
  struct GroupFacts {
    std::string nic;
    std::string span;  // "node 1 (the NIC's NUMA node)", or the node that overflowed
    bool overflow = false;
  };
  struct Entry {
    std::size_t group = 0;
    sysfs::QueueRole role = sysfs::QueueRole::kNone;
    int queue = -1;
    double cost = 0.0, from_load = 0.0, to_load = 0.0;
    How how = How::kKept;
    Place at, from;
    bool frozen = false, inside = true;
    int since_move = -1, swapped_with = -1, lagging = -1;
  };

  ReasonBook(const config::BalanceSettings& bal, double lb) : lb_(lb), margin_(bal.margin), cooldown_(bal.cooldown_cycles) {}
  std::vector<GroupFacts> groups;
  std::vector<Entry> entries;

  // One line a person can read: what the IRQ costs, where it goes and why.
  void write(std::size_t entry, std::string& why) const override;

 private:
  double lb_;
  double margin_;
  int cooldown_;
};

void ReasonBook::write(std::size_t entry, std::string& why) const {
  const Entry& it = entries.at(entry);
  const GroupFacts& g = groups.at(it.group);
  const double lb = lb_;
  auto to = std::back_inserter(why);
  fmt::format_to(to, FMT_COMPILE("{} {} queue {}: {:.3f} CPU"), g.nic, role_name(it.role), it.queue, it.cost);
  auto span = [&] {
    if (g.overflow) fmt::format_to(to, FMT_COMPILE("all nodes ({} has no room)"), g.span);
    else why.append(g.span);
  };
  const int percent = static_cast<int>(margin_ * 100.0 + 0.5);
  switch (it.how) {
    case How::kKept:
      fmt::format_to(to, FMT_COMPILE(" on "));
      where(why, it.at);
      fmt::format_to(to, FMT_COMPILE(", kept"));
      if (it.frozen)
        fmt::format_to(to, FMT_COMPILE(" (moved {} cycles ago, cooldown {})"), it.since_move, cooldown_);
      if (!it.inside) {
        fmt::format_to(to, FMT_COMPILE(", outside "));
        span();
        fmt::format_to(to, FMT_COMPILE(" until it may move"));
      }
      break;
    case How::kLpt:
      fmt::format_to(to, FMT_COMPILE(" LPT placement on "));
      where(why, it.at, it.to_load);
      fmt::format_to(to, FMT_COMPILE(", the least loaded of "));
      span();
      break;
    case How::kHome:
      fmt::format_to(to, FMT_COMPILE(" moved from "));
      where(why, it.from);
      fmt::format_to(to, FMT_COMPILE(" to "));
      where(why, it.at, it.to_load);
      fmt::format_to(to, FMT_COMPILE(", back on "));
      span();
      break;
    case How::kReplanned:
      fmt::format_to(to, FMT_COMPILE(" moved from CPU {} to "), it.from.cpu);
      where(why, it.at, it.to_load);
      fmt::format_to(to, FMT_COMPILE(": first measured load, re-planned costliest first (lower bound {:.3f})"), lb);
      break;
    case How::kMoved:
      fmt::format_to(to, FMT_COMPILE(" moved from CPU {} (load {:.3f}) to "), it.from.cpu, it.from_load);
      where(why, it.at, it.to_load);
      fmt::format_to(to, FMT_COMPILE(": CPU {} was the busiest, above the lower bound {:.3f} + {}%"), it.from.cpu, lb,
                     percent);
      break;
    case How::kSwapped:
      fmt::format_to(to, FMT_COMPILE(" moved from CPU {} (load {:.3f}) to "), it.from.cpu, it.from_load);
      where(why, it.at, it.to_load);
      fmt::format_to(to, FMT_COMPILE(", swapped with IRQ {} to lower the busiest CPU toward the lower bound {:.3f}"),
                     it.swapped_with, lb);
      break;
  }
  if (it.lagging >= 0 && it.how == How::kKept)
    fmt::format_to(to, FMT_COMPILE(" (the kernel still delivers it on CPU {} until its next interrupt)"), it.lagging);
}

}  // namespace

Plan Balanced::plan(const PlanInput& in) const {
  if (!in.load) {
    // Nothing measured yet (a one-shot run) or a static plan: spread's layout is the best
    // placement that needs no load. The daemon does not apply it: it waits for its first load.
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
  const auto& load = *in.load;
  const CpuSet usable = usable_cpus(m, in.config);
  const int size = std::max(m.max_cpu(), usable.last()) + 1;
  auto cost_of = [&](int irq) {
    auto it = load.irqs.find(irq);
    return it == load.irqs.end() ? 0.0 : std::max(0.0, it->second.cost);
  };

  // 1. Pinned IRQs: fixed load on their CPUs (whatever their class, as apply_irq_pins places them).
  // `pinned` is every load this plan does not place, by CPU (pins, and below, other IRQs).
  Loads loads(m, size);
  std::vector<double> pinned(ix(size), 0.0);
  for (const auto& [irq, cpus] : in.config.irq_pins) {
    const auto* info = in.inventory.irq(irq);
    const CpuSet on = cpus & m.online;
    if (!info || info->cls == sysfs::IrqClass::kManaged || on.empty()) continue;
    const double share = cost_of(irq) / on.count();
    for (int c : on.to_vector()) {
      pinned[ix(c)] += share;
      loads.add_fixed(c, share);
    }
  }

  // RPS work steered to a CPU by rps_cpus masks: fixed load there, whatever IRQs move.
  std::vector<double> steered(ix(size), 0.0);
  for (std::size_t c = 0; c < load.cpu_fixed.size() && c < ix(size); ++c)
    if (load.cpu_fixed[c] > 0) {
      steered[c] = load.cpu_fixed[c];
      pinned[c] += load.cpu_fixed[c];
      loads.add_fixed(static_cast<int>(c), load.cpu_fixed[c]);
    }

  // 2. The IRQs to place and where each NIC's may go.
  std::vector<Group> groups;
  std::vector<Item> items;
  items.reserve(in.inventory.irqs.size());
  const auto queue_irqs = in.inventory.queue_irqs_by_nic();
  for (const auto& nic : in.inventory.nics) {
    const auto of_nic = queue_irqs.find(nic.name);
    if (of_nic == queue_irqs.end()) continue;
    std::vector<const sysfs::IrqInfo*> irqs;
    for (const auto* irq : of_nic->second)
      if (irq->error.empty() && !in.config.irq_pins.contains(irq->irq)) irqs.push_back(irq);
    if (irqs.empty()) continue;
    Group g;
    g.nic = &nic;
    g.local = nic_local_cpus(m, nic, device_cpus(usable, in.config, nic.name));
    if (g.local.cpus.empty()) {
      plan.notes.push_back(
          fmt::format("{}: no usable CPU (all banned or isolated); its IRQs are left as they are", nic.name));
      continue;
    }
    g.allowed = g.local.cpus;
    for (const auto* irq : irqs) {
      Item it;
      it.info = irq;
      it.group = groups.size();
      it.cost = cost_of(irq->irq);
      static const MoveHistory kNone;
      const MoveHistory& moves = load.history != nullptr ? *load.history : kNone;
      if (auto s = moves.cycles_since_move.find(irq->irq); s != moves.cycles_since_move.end()) {
        it.since_move = s->second;
        it.frozen = s->second < bal.cooldown_cycles;
      }
      if (auto f = moves.moved_from.find(irq->irq); f != moves.moved_from.end()) it.no_return = f->second;
      const auto [cur, lag] = current_cpu(*irq);
      if (cur >= 0 && usable.test(cur)) {
        it.from = cur;
        it.lagging = lag;
        g.was_overflowing |= g.local.numa_local && !g.local.cpus.test(cur);
      }
      items.push_back(it);
    }
    groups.push_back(std::move(g));
  }
  // Every other IRQ with a measured cost (not network, kernel-managed, a NIC's misc vector, a NIC
  // irqd does not place) is fixed load where it fires: a queue IRQ next to a busy NVMe queue is
  // not alone on its CPU, and moving it away lowers that CPU.
  {
    const auto& all = in.inventory.irqs;
    std::vector<char> placed(all.size(), 0);  // by position in the inventory, where items point
    for (const auto& it : items) placed[static_cast<std::size_t>(it.info - all.data())] = 1;
    for (std::size_t k = 0; k < all.size(); ++k) {
      const auto& irq = all[k];
      if (placed[k] || in.config.irq_pins.contains(irq.irq)) continue;
      const double cost = cost_of(irq.irq);
      const auto [written, delivered] = current_cpu(irq);
      const int cpu = delivered >= 0 ? delivered : written;  // where it fires now
      if (cost <= 0 || cpu < 0 || cpu >= size) continue;
      pinned[ix(cpu)] += cost;
      loads.add_fixed(cpu, cost);
    }
  }
  // Room: the demand on a node is every IRQ confined to it (its NICs' and pinned ones).
  std::vector<double> group_cost(groups.size(), 0.0);
  for (const auto& it : items) group_cost[it.group] += it.cost;
  for (auto& g : groups) {
    if (g.local.numa_local) {
      g.demand = sum_over(pinned, g.local.cpus);
      for (std::size_t j = 0; j < groups.size(); ++j)
        if (groups[j].local.cpus.is_subset_of(g.local.cpus)) g.demand += group_cost[j];
      const double n = g.local.cpus.count();
      if (!load.measured) {
        // Nothing measured: whether the node has room is unknown, so a node that spilled keeps its
        // IRQs where they are until the first load says.
        if (g.was_overflowing) {
          g.allowed = device_cpus(usable, in.config, g.nic->name);
          g.overflow = true;
        }
      } else if (g.demand > kRoomPerCpu * n || (g.was_overflowing && g.demand > kHomePerCpu * n)) {
        g.allowed = device_cpus(usable, in.config, g.nic->name);
        g.overflow = true;
        plan.notes.push_back(fmt::format(
            "{}: {} has no room ({:.3f} CPU of interrupts on {} CPUs, more than {:.2f} each{}); its queue IRQs "
            "may use every node",
            g.nic->name, g.local.why, g.demand, g.local.cpus.count(),
            g.demand > kRoomPerCpu * n ? kRoomPerCpu : kHomePerCpu,
            g.demand > kRoomPerCpu * n ? "" : fmt::format(", and it spills until below {:.2f}", kHomePerCpu)));
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

  // 3. Keep current placements; LPT for the rest, costliest first (ties: IRQ number); IRQs
  // outside their NIC's allowed CPUs back inside.
  for (std::size_t i = 0; i < items.size(); ++i)
    if (items[i].from >= 0) {
      items[i].cpu = items[i].from;
      loads.place(items[i].cpu, i, items[i].cost);
    }
  // Only the IRQs this step may place need the order: those without a placement, and those kept
  // outside their NIC's allowed CPUs. In a steady cycle that is none.
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
    loads.place(it.cpu, i, it.cost);
  }
  int moves = 0;
  for (std::size_t i : by_cost) {
    auto& it = items[i];
    const auto& g = groups[it.group];
    if (it.how != How::kKept || g.allowed.test(it.cpu) || it.frozen || moves >= bal.max_moves) continue;
    loads.remove(it.cpu, i, it.cost);
    int to = loads.best(g.order, it.no_return);
    if (to < 0) to = loads.best(g.order, -1);
    it.cpu = to;
    it.how = How::kHome;
    it.to_load = loads.cpu(it.cpu);
    loads.place(it.cpu, i, it.cost);
    ++moves;
  }

  // The lower bound: no CPU set S can average less than the IRQs confined to it (pinned there, or
  // of NICs allowed only inside S) over its size, and no CPU carries less than its largest IRQ or
  // its pinned load. The largest IRQ counts only when it was measured alone on its CPU: the
  // sampler's split of a CPU's time among its IRQs is exact only then (interrupts of different
  // drivers cost different amounts). Its neighbours then still move away, and the next
  // measurement of it is exact.
  CpuSet considered;
  for (const auto& g : groups) considered |= g.allowed;
  std::vector<int> sharing(ix(size), 0);
  for (const auto& it : items)
    if (it.from >= 0) ++sharing[ix(it.from)];
  // RPS work is not an IRQ's: its split stays exact beside it, and the largest IRQ lands on top
  // of at least the least of it among its NIC's CPUs.
  std::vector<double> least_steered(groups.size(), 0.0);
  if (!load.cpu_fixed.empty())
    for (std::size_t j = 0; j < groups.size(); ++j) {
      double least = -1.0;
      for (int c : groups[j].allowed.to_vector())
        if (least < 0 || steered[ix(c)] < least) least = steered[ix(c)];
      least_steered[j] = std::max(0.0, least);
    }
  double lb = 0.0;
  for (const auto& it : items)
    if (it.from < 0 || (sharing[ix(it.from)] == 1 && pinned[ix(it.from)] - steered[ix(it.from)] <= 0))
      lb = std::max(lb, it.cost + least_steered[it.group]);
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
  const auto considered_cpus = considered.to_vector();

  // 4. The first measured load: one deliberate re-plan when the layout found is off.
  if (load.first && load.measured && !items.empty()) {
    const int b = busiest_of(loads, considered_cpus);
    if (b >= 0 && loads.cpu(b) > lb * (1.0 + bal.margin)) {
      const double before = loads.cpu(b);
      const int n = sticky_lpt(groups, items, loads, lb * (1.0 + bal.margin * 0.4));
      plan.notes.push_back(fmt::format(
          "balanced: first measured load: the busiest CPU had {:.3f} CPU of interrupts (lower bound {:.3f}); "
          "re-planned costliest first, {} IRQs moved",
          before, lb, n));
    }
  }

  // 5. Balance.
  if (load.measured) {
    Search search{m, bal, groups, items, loads, considered_cpus, pinned, lb, moves, load.first};
    for (auto& note : balance(search, bal.margin)) plan.notes.push_back(std::move(note));
    lb = search.lb;
  } else {
    plan.notes.push_back(
        "balanced: no load measured yet after a restart: the layout an earlier run made is kept as it is (IRQs "
        "without a single CPU are spread) until the first load is measured");
  }

  // Every placed IRQ gets a placement, kept ones included, so the plan is complete and the diff
  // shows exactly the moves.
  auto book = std::make_shared<ReasonBook>(bal, lb);
  book->groups.reserve(groups.size());
  for (const auto& g : groups) book->groups.push_back({g.nic->name, g.local.why, g.overflow});
  book->entries.reserve(items.size());
  plan.irqs.reserve(items.size());
  for (const auto& it : items) {
    const bool moved = it.how != How::kKept && it.how != How::kLpt;
    book->entries.push_back({.group = it.group, .role = it.info->role, .queue = it.info->queue, .cost = it.cost,
                             .from_load = it.from_load, .to_load = it.to_load, .how = it.how,
                             .at = place_of(m, it.cpu), .from = moved ? place_of(m, it.from) : Place{it.from},
                             .frozen = it.frozen, .inside = groups[it.group].allowed.test(it.cpu),
                             .since_move = it.since_move, .swapped_with = it.swapped_with, .lagging = it.lagging});
    plan.irqs.push_back({it.info->irq, CpuSet::of({it.cpu}), Reason(book, book->entries.size() - 1), cause_of(it.how)});
  }
  std::sort(plan.irqs.begin(), plan.irqs.end(), [](const auto& a, const auto& b) { return a.irq < b.irq; });
  return plan;
}

}  // namespace irqd::policies
