// The balanced policy's load bookkeeping (Loads) and its local search: moves, then swaps, off the
// busiest CPU, with a dead band (start above the margin, stop well inside it) so a layout that
// was just balanced is not disturbed again by measurement noise, and a minimum gain per move so a
// move is made only when it is worth its cost (a cache-cold interval for the queue's flows, and
// the RPS/XPS rewrites that follow the IRQ).
#include <fmt/format.h>

#include <algorithm>
#include <optional>

#include "policies/balanced_layout.hpp"

namespace irqd::policies::balanced {

namespace {
// A move or swap must lower the busiest CPU by more than this share of the lower bound (and never
// less than 0.1 ms per second, below the sampler's noise): smaller gains do not pay for the
// cache-cold interval and the steering rewrites a move costs, and they are where flapping starts.
constexpr double kMoveGain = 0.01;
constexpr double kMinGain = 1e-4;
// Once triggered (busiest above lower bound + margin), balancing goes on down to lower bound +
// this share of the margin, so noise of a few percent does not trigger it again next cycle.
// The first measured load is triggered from this goal already: the layout it finds (spread's, by
// IRQ count, or one an earlier run left) was not balanced on measured costs, and the first load's
// costs are the roughest (partly measured on the layout before, one noisy interval: a queue's load
// swings a few percent, a CPU's time is counted in 10 ms ticks). Adopted anywhere inside the
// margin, a layout measured 2% above the bound can be 5% above on the long-run mean (1152-CPU
// simulation, seed 10), and it sits at the top of the dead band, where noise sets off moves any
// number of cycles later. Balanced once to the goal, it has the band's width below the trigger.
constexpr double kGoalShare = 0.4;
}  // namespace

namespace {
thread_local std::vector<std::vector<std::size_t>> on_pool;
}  // namespace

Loads::Loads(const topology::Machine& m, int size)
    : cpu_(ix(size), 0.0), core_of_(ix(size), -1), core_(m.cores.size(), 0.0), core_count_(m.cores.size(), 0) {
  on_.swap(on_pool);
  for (auto& v : on_) v.clear();
  on_.resize(ix(size));
  for (int c = 0; c < size; ++c)
    if (const auto* pu = m.pu(c); pu && pu->core >= 0 && ix(pu->core) < m.cores.size()) core_of_[ix(c)] = pu->core;
}

Loads::~Loads() {
  if (on_.size() >= on_pool.size()) on_pool.swap(on_);
}

void Loads::add(int c, double cost, int n) {
  cpu_[ix(c)] += cost;
  if (int k = core_of_[ix(c)]; k >= 0) {
    core_[ix(k)] += cost;
    core_count_[ix(k)] += n;
  }
}

void Loads::add_fixed(int c, double cost) { add(c, cost, 0); }

void Loads::place(int c, std::size_t item, double cost) {
  add(c, cost, 1);
  on_[ix(c)].push_back(item);
}

void Loads::remove(int c, std::size_t item, double cost) {
  add(c, -cost, -1);
  auto& v = on_[ix(c)];
  if (auto it = std::find(v.begin(), v.end(), item); it != v.end()) v.erase(it);
}

int Loads::best(const std::vector<int>& order, int skip, int skip2) const {
  int out = -1;
  for (int c : order)
    if (c != skip && c != skip2 && (out < 0 || better(c, out))) out = c;
  return out;
}

// The CPU's own load first (the objective), then its core's (an idle core wins over the idle
// sibling of a busy core), then the number of IRQs (IRQs without a measured cost still spread),
// then the core's; equal: the earlier one in core-first order.
bool Loads::better(int a, int b) const {
  if (int r = compare(cpu(a), cpu(b))) return r < 0;
  if (int r = compare(core(a), core(b))) return r < 0;
  if (count(a) != count(b)) return count(a) < count(b);
  return core_count(a) < core_count(b);
}

int Loads::core_count(int c) const { return core_of_[ix(c)] < 0 ? count(c) : core_count_[ix(core_of_[ix(c)])]; }

namespace {

struct Candidate {
  std::size_t x = 0;
  std::size_t y = 0;  // swaps only
  bool swap = false;
  int to = -1;
  double gain = 0.0;
  double cost = 0.0;  // what moves: x's cost (a move) or the difference (a swap)
};

bool wins(const Candidate& c, const Candidate* best, const std::vector<Item>& items) {
  if (!best) return true;
  if (int r = compare(c.gain, best->gain)) return r > 0;
  if (int r = compare(c.cost, best->cost)) return r < 0;  // disturbs less
  return items[c.x].info->irq < items[best->x].info->irq;
}

// The IRQ on CPU b whose move to its group's least-loaded CPU lowers b the most.
std::optional<Candidate> best_move(Search& s, int b, double min_gain) {
  const double lb = s.loads.cpu(b);
  std::optional<Candidate> out;
  for (std::size_t i : s.loads.on(b)) {
    const Item& it = s.items[i];
    if (!it.movable() || it.how != How::kKept || it.cost <= kMinGain) continue;
    const int t = s.loads.best(s.groups[it.group].order, b, it.no_return);
    if (t < 0) continue;
    const double gain = lb - std::max(lb - it.cost, s.loads.cpu(t) + it.cost);
    Candidate c{i, 0, false, t, gain, it.cost};
    if (gain > min_gain && wins(c, out ? &*out : nullptr, s.items)) out = c;
  }
  return out;
}

// The exchange of an IRQ on b with a cheaper one elsewhere that lowers b the most: where every
// single move would only make the other CPU as busy (about three IRQs per CPU), a swap moves the
// difference of two costs.
std::optional<Candidate> best_swap(Search& s, int b, double min_gain) {
  const double lb = s.loads.cpu(b);
  std::optional<Candidate> out;
  for (std::size_t i : s.loads.on(b)) {
    const Item& x = s.items[i];
    if (!x.movable() || x.how != How::kKept) continue;
    for (int t : s.groups[x.group].order) {
      const double lt = s.loads.cpu(t);
      if (t == b || t == x.no_return || lt + min_gain >= lb) continue;
      for (std::size_t j : s.loads.on(t)) {
        const Item& y = s.items[j];
        if (!y.movable() || y.how != How::kKept || y.no_return == b || !s.groups[y.group].allowed.test(b)) continue;
        const double d = x.cost - y.cost;
        if (d <= kMinGain) continue;
        const double gain = lb - std::max(lb - d, lt + d);
        Candidate c{i, j, true, t, gain, d};
        if (gain > min_gain && wins(c, out ? &*out : nullptr, s.items)) out = c;
      }
    }
  }
  return out;
}

}  // namespace

std::vector<std::string> balance(Search& s, double margin) {
  std::vector<std::string> notes;
  auto busiest = [&] {
    int out = -1;
    for (int c : s.considered)
      if (out < 0 || s.loads.cpu(c) > s.loads.cpu(out) + kTie) out = c;
    return out;
  };
  const int percent = static_cast<int>(margin * 100.0 + 0.5);
  int b = busiest();
  const double trigger = s.first ? margin * kGoalShare : margin;
  if (b < 0 || s.loads.cpu(b) <= s.lb * (1.0 + trigger)) return notes;
  for (; b >= 0; b = busiest()) {
    const double lb = s.loads.cpu(b);
    if (lb <= s.lb * (1.0 + margin * kGoalShare)) break;
    if (s.loads.count(b) == 1 && s.pinned[ix(b)] <= 0) {
      // One IRQ alone on the busiest CPU (its neighbours moved away): nothing can lower it, and
      // its cost, however it was measured, bounds the layout.
      s.lb = lb;
      continue;
    }
    if (s.moves >= s.settings.max_moves) {
      notes.push_back(fmt::format("balanced: CPU {} still has {:.3f} CPU of interrupts (lower bound {:.3f} + {}%) "
                                  "after {} moves (balance.max_moves); more next cycle",
                                  b, lb, s.lb, percent, s.moves));
      break;
    }
    const double min_gain = std::max(kMinGain, kMoveGain * s.lb);
    auto c = best_move(s, b, min_gain);
    if (!c && s.moves + 2 <= s.settings.max_moves) c = best_swap(s, b, min_gain);
    if (!c) {
      notes.push_back(fmt::format("balanced: CPU {} has {:.3f} CPU of interrupts (lower bound {:.3f} + {}%), but no "
                                  "move lowers it: its IRQs are pinned, cooling down, or too costly to move or "
                                  "swap without making another CPU as busy",
                                  b, lb, s.lb, percent));
      break;
    }
    Item& x = s.items[c->x];
    x.from_load = lb;
    x.to_load = s.loads.cpu(c->to);
    s.loads.remove(b, c->x, x.cost);
    s.loads.place(c->to, c->x, x.cost);
    x.cpu = c->to;
    ++s.moves;
    if (!c->swap) {
      x.how = How::kMoved;
      continue;
    }
    Item& y = s.items[c->y];
    x.how = y.how = How::kSwapped;
    x.swapped_with = y.info->irq;
    y.swapped_with = x.info->irq;
    y.from_load = x.to_load;
    y.to_load = lb;
    s.loads.remove(c->to, c->y, y.cost);
    s.loads.place(b, c->y, y.cost);
    y.cpu = b;
    ++s.moves;
  }
  return notes;
}

}  // namespace irqd::policies::balanced
