// XPS planner (see steering.hpp for what it optimises and when it applies).
//
// In cpus/auto mode the map is a function of the planned IRQ CPUs and of the maps the kernel has:
// every queue takes its partner CPU; a CPU without a queue of its own stays in the map it is in when
// that map is its only one and the queue may have it (shares its L3, when any queue does); the
// others are dealt to the least-used queue sharing their L3; finally, within an L3, CPUs move from a
// queue serving more than kTolerance CPUs above the least-used one. From empty maps that is the
// plain deal; from the maps it planned, the same maps; after one IRQ move, the moved queue and the
// queue that held the CPU it moved onto.
#include <algorithm>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "policies/core_order.hpp"
#include "policies/steering.hpp"

namespace irqd::policies {

namespace {

// Within an L3, a queue may serve this many CPUs more than the least-used queue there before CPUs
// move again. An IRQ move grows its queue by one (it keeps its old CPU) and shrinks the queue that
// gives up the new CPU by one; past the tolerance those two even out between themselves, so from an
// even deal (difference at most 1) a move never rewrites a third queue's map.
constexpr int kTolerance = 2;

// What one TX queue gets in cpus/auto mode. Kept per position in nic.tx rather than in maps keyed
// by queue index: a NIC has up to thousands of queues, planned every cycle.
struct TxCpus {
  bool planned = false;  // false: no CPU left for this queue
  CpuSet cpus;
  int partner = -1;      // CPU of its partner RX IRQ (-1: round-robin)
  int used = 0;          // CPUs it serves, to share the queueless CPUs evenly
  bool plus = false;     // it also took CPUs without a queue
};

// The queues of one NIC that have a partner CPU, and the CPUs without a queue shared between them.
// Queues are numbered by rank, their order by queue index, which breaks ties.
class Deal {
 public:
  Deal(const topology::Machine& m, const sysfs::NicInfo& nic, std::vector<TxCpus>& out, std::vector<std::size_t> paired,
       const std::vector<bool>& takes)
      : m_(m), nic_(nic), out_(out), paired_(std::move(paired)) {
    group_.assign(paired_.size(), kNone);
    movable_.resize(paired_.size());
    for (std::size_t r = 0; r < paired_.size(); ++r) {
      auto& q = out_[paired_[r]];
      q.cpus.set(q.partner);
      q.planned = true;
      q.used = 1;
      if (!takes[r]) continue;
      takers_.push_back(static_cast<int>(r));
      const int l3 = l3_of(q.partner);
      if (l3 < 0) continue;
      group_[r] = l3;
      if (static_cast<std::size_t>(l3) >= by_l3_.size()) by_l3_.resize(static_cast<std::size_t>(l3) + 1);
      by_l3_[static_cast<std::size_t>(l3)].push_back(static_cast<int>(r));
    }
  }

  // `cpus`: the CPUs without a queue of their own, in core-first order.
  void run(const std::vector<int>& cpus) {
    if (takers_.empty()) return;
    // The L3 each CPU must stay in: its own when a queue taking CPUs shares it, else -1 (any queue).
    std::vector<int> l3s;
    l3s.reserve(cpus.size());
    for (int c : cpus) {
      const int l3 = l3_of(c);
      l3s.push_back(l3 >= 0 && static_cast<std::size_t>(l3) < by_l3_.size() && !by_l3_[static_cast<std::size_t>(l3)].empty()
                        ? l3
                        : kNone);
    }
    // Keep each CPU in the map it is in, when that queue may have it.
    const std::vector<int> holder = holders(cpus);
    std::vector<std::size_t> left;
    for (std::size_t i = 0; i < cpus.size(); ++i) {
      const int keep = holder[i] == kSeveral ? least_used_holder(cpus[i], l3s[i]) : holder[i];
      if (keep >= 0 && (l3s[i] == kNone || group_[static_cast<std::size_t>(keep)] == l3s[i])) give(cpus[i], keep, l3s[i] != kNone);
      else left.push_back(i);
    }
    // Deal the others to the least-used queue sharing their L3 (else of all).
    if (!left.empty()) {
      std::vector<Heap> heaps(by_l3_.size());
      for (std::size_t g = 0; g < by_l3_.size(); ++g) heaps[g] = heap_of(by_l3_[g]);
      Heap any = heap_of(takers_);
      for (std::size_t i : left) {
        const int l3 = l3s[i];
        const int r = pop_least(l3 == kNone ? any : heaps[static_cast<std::size_t>(l3)]);
        give(cpus[i], r, l3 != kNone);
        const std::pair<int, int> entry{-used(r), -r};  // the count it has now
        if (group_[static_cast<std::size_t>(r)] >= 0) push(heaps[static_cast<std::size_t>(group_[static_cast<std::size_t>(r)])], entry);
        push(any, entry);
      }
    }
    for (const auto& g : by_l3_)
      if (g.size() > 1) even_out(g);
  }

 private:
  static constexpr int kNone = -1;
  static constexpr int kSeveral = -2;
  // A max-heap of (-CPUs served, -rank): its top is the least-used queue, the first by rank among
  // equals. Entries are not removed when a count changes; a stale one is skipped when it surfaces.
  using Heap = std::vector<std::pair<int, int>>;

  int l3_of(int cpu) const {
    const auto* pu = m_.pu(cpu);
    return pu ? pu->l3 : kNone;
  }
  int used(int rank) const { return out_[paired_[static_cast<std::size_t>(rank)]].used; }
  const CpuSet* current(int rank) const {
    const auto& cur = nic_.tx[paired_[static_cast<std::size_t>(rank)]].xps_cpus;
    return cur ? &*cur : nullptr;
  }

  Heap heap_of(const std::vector<int>& ranks) const {
    Heap h;
    h.reserve(ranks.size() * 2);
    for (int r : ranks) h.emplace_back(-used(r), -r);
    std::make_heap(h.begin(), h.end());
    return h;
  }
  static void push(Heap& h, std::pair<int, int> e) {
    h.push_back(e);
    std::push_heap(h.begin(), h.end());
  }
  int pop_least(Heap& h) const {
    for (;;) {
      std::pop_heap(h.begin(), h.end());
      const auto [u, r] = h.back();
      h.pop_back();
      if (-u == used(-r)) return -r;
    }
  }

  // For each CPU of `cpus`: the rank of the one queue taking CPUs whose current map has it, kNone,
  // or kSeveral. One pass over the current maps.
  std::vector<int> holders(const std::vector<int>& cpus) const {
    int top = -1;
    for (int c : cpus) top = std::max(top, c);
    std::vector<int> by_cpu(static_cast<std::size_t>(top + 1), kNone);
    for (int r : takers_) {
      const CpuSet* cur = current(r);
      if (!cur) continue;
      for (int c : cur->to_vector()) {
        if (c > top) break;
        auto& h = by_cpu[static_cast<std::size_t>(c)];
        h = h == kNone ? r : kSeveral;
      }
    }
    std::vector<int> out;
    out.reserve(cpus.size());
    for (int c : cpus) out.push_back(by_cpu[static_cast<std::size_t>(c)]);
    return out;
  }

  // A CPU in several current maps (not a layout this planner makes): the least used of the queues
  // that may keep it, kNone when none may.
  int least_used_holder(int cpu, int l3) const {
    int best = kNone;
    for (int r : takers_) {
      const CpuSet* cur = current(r);
      if (!cur || !cur->test(cpu) || (l3 != kNone && group_[static_cast<std::size_t>(r)] != l3)) continue;
      if (best == kNone || used(r) < used(best)) best = r;
    }
    return best;
  }

  // `movable`: the CPU shares the queue's L3, so evening out may move it to another queue there.
  void give(int cpu, int rank, bool movable) {
    auto& q = out_[paired_[static_cast<std::size_t>(rank)]];
    q.cpus.set(cpu);
    q.plus = true;
    ++q.used;
    if (movable) movable_[static_cast<std::size_t>(rank)].push_back(cpu);
  }
  int take_back(int rank) {
    auto& cpus = movable_[static_cast<std::size_t>(rank)];
    const int cpu = cpus.back();
    cpus.pop_back();
    auto& q = out_[paired_[static_cast<std::size_t>(rank)]];
    q.cpus.reset(cpu);
    q.plus = --q.used > 1;
    return cpu;
  }
  bool differs(int rank) const {
    const CpuSet* cur = current(rank);
    return !cur || !(*cur == out_[paired_[static_cast<std::size_t>(rank)]].cpus);
  }

  // Moves CPUs between the queues `g` of one L3 until none with a CPU it may give up serves more than
  // kTolerance CPUs above the least-used one. Each move goes from a queue to one serving at least 2
  // fewer (so it ends), preferring queues whose map changes anyway: after an IRQ move, the moved
  // queue and the one that gave up its new CPU even out between themselves.
  void even_out(const std::vector<int>& g) {
    std::vector<char> changed(g.size());
    for (std::size_t i = 0; i < g.size(); ++i) changed[i] = differs(g[i]);
    auto movable = [&](std::size_t i) { return !movable_[static_cast<std::size_t>(g[i])].empty(); };
    for (;;) {
      int least = used(g[0]);
      for (int r : g) least = std::min(least, used(r));
      bool over = false;
      for (std::size_t i = 0; i < g.size() && !over; ++i) over = movable(i) && used(g[i]) > least + kTolerance;
      if (!over) return;
      std::size_t from = g.size(), to = g.size();
      for (int pass = 0; pass < 4 && to == g.size(); ++pass) {
        const bool from_changed = pass < 2, to_changed = pass % 2 == 0;
        from = g.size();
        for (std::size_t i = 0; i < g.size(); ++i)  // the most used, the first by rank among equals
          if (movable(i) && (!from_changed || changed[i]) && (from == g.size() || used(g[i]) > used(g[from]))) from = i;
        if (from == g.size()) continue;
        for (std::size_t i = 0; i < g.size(); ++i)  // the least used at least 2 below it
          if (i != from && (!to_changed || changed[i]) && used(g[from]) - used(g[i]) >= 2 &&
              (to == g.size() || used(g[i]) < used(g[to])))
            to = i;
      }
      give(take_back(g[from]), g[to], true);
      changed[from] = differs(g[from]);
      changed[to] = differs(g[to]);
    }
  }

  const topology::Machine& m_;
  const sysfs::NicInfo& nic_;
  std::vector<TxCpus>& out_;
  std::vector<std::size_t> paired_;        // rank -> position in nic.tx
  std::vector<int> takers_;                // ranks that may take CPUs without a queue (file, no pin)
  std::vector<int> group_;                 // rank -> L3 of its partner CPU (kNone: none, or takes none)
  std::vector<std::vector<int>> movable_;  // rank -> CPUs it took that share its L3
  std::vector<std::vector<int>> by_l3_;    // L3 -> ranks of the takers whose partner is in it
};

// TX queues (by position in nic.tx) -> CPUs, for one NIC in cpus/auto mode. `round_robin`: no
// queue IRQ to pair with, CPUs were dealt to queues in turn.
std::vector<TxCpus> xps_map(const PlanInput& in, const Plan& plan, const sysfs::NicInfo& nic,
                            const LocalCpus& local, bool& round_robin) {
  const auto& m = in.machine;
  const std::size_t ntx = nic.tx.size();
  std::vector<TxCpus> out(ntx);
  std::vector<std::size_t> paired;  // positions with a partner CPU, by queue index
  for (std::size_t i = 0; i < ntx; ++i) {
    const auto& tx = nic.tx[i];
    int cpu = plan.queue_irq_cpu(tx);
    if (cpu < 0) {
      if (i < nic.rx.size() && nic.rx[i].index == tx.index) {
        cpu = plan.queue_irq_cpu(nic.rx[i]);  // queues are listed by index: no search
      } else {
        for (const auto& rx : nic.rx)
          if (rx.index == tx.index) cpu = plan.queue_irq_cpu(rx);
      }
    }
    // Even when its IRQ sits off the NIC's node (a static pin), the queue pairs with that CPU.
    if (cpu >= 0) {
      out[i].partner = cpu;
      paired.push_back(i);
    }
  }
  std::stable_sort(paired.begin(), paired.end(),
                   [&](std::size_t a, std::size_t b) { return nic.tx[a].index < nic.tx[b].index; });
  std::vector<int> cpus = core_first_order(m, local.cpus);
  if (cpus.empty()) cpus = local.cpus.to_vector();

  round_robin = paired.empty();
  if (round_robin) {
    // No IRQs to pair with (veth, or IRQs outside the node): CPUs to queues round-robin.
    if (ntx == 0 || cpus.empty()) return out;
    for (std::size_t i = 0; i < std::max(ntx, cpus.size()); ++i) {
      auto& q = out[i % ntx];
      q.cpus.set(cpus[i % cpus.size()]);
      q.planned = true;
    }
    return out;
  }
  // A queue without the file, or whose map a pin sets, would drop the CPUs it took.
  std::vector<bool> takes;
  CpuSet covered;
  for (std::size_t i : paired) {
    const auto& tx = nic.tx[i];
    takes.push_back(tx.xps_cpus.has_value() && !in.config.queue_pins.contains({nic.name, false, tx.index}));
    covered.set(out[i].partner);
  }
  std::erase_if(cpus, [&](int c) { return covered.test(c); });
  Deal(m, nic, out, std::move(paired), takes).run(cpus);
  return out;
}

}  // namespace

void plan_xps(const PlanInput& in, Plan& plan) {
  const CpuSet usable = usable_cpus(in.machine, in.config);
  for (const auto& nic : in.inventory.nics) {
    const auto mode = in.config.device(nic.name).xps;
    bool has_cpus = false;
    for (const auto& q : nic.tx) has_cpus |= q.xps_cpus.has_value();
    if (!has_cpus) continue;  // single-queue devices have no xps_cpus
    if (mode == config::XpsMode::kOff) {
      for (const auto& q : nic.tx) {
        auto& p = plan.queue_mut(nic.name, false, q.index);
        if (q.xps_cpus) p.xps_cpus = CpuSet{};
        if (q.xps_rxqs) p.xps_rxqs = CpuSet{};
        p.reason = "xps = off";
      }
      continue;
    }
    if (mode == config::XpsMode::kRxqs) {
      for (const auto& q : nic.tx) {
        auto& p = plan.queue_mut(nic.name, false, q.index);
        bool partner = q.index < static_cast<int>(nic.rx.size());
        if (q.xps_rxqs && partner) {
          p.xps_rxqs = CpuSet::of({q.index});  // a mask of RX queue numbers, not CPUs
          if (q.xps_cpus) p.xps_cpus = CpuSet{};
          p.reason = fmt::format("xps = rxqs: TX {} follows RX queue {}", q.index, q.index);
        } else {
          p.reason = q.xps_rxqs ? "xps = rxqs: no RX queue of the same index" : "xps = rxqs: kernel has no xps_rxqs";
        }
      }
      continue;
    }
    LocalCpus local = nic_local_cpus(in.machine, nic, device_cpus(usable, in.config, nic.name));
    bool round_robin = false;
    auto map = xps_map(in, plan, nic, local, round_robin);
    const std::string rr = round_robin ? fmt::format("round-robin over {} (no queue IRQs to pair with)", local.why) : "";
    for (std::size_t i = 0; i < nic.tx.size(); ++i) {
      const auto& q = nic.tx[i];
      if (!q.xps_cpus) continue;
      auto& p = plan.queue_mut(nic.name, false, q.index);
      auto& t = map[i];
      p.xps_cpus = t.planned ? std::move(t.cpus) : CpuSet{};
      p.reason = !t.planned   ? "no CPU left for this queue"
                 : round_robin ? rr
                 : t.plus      ? fmt::format("partner RX IRQ on CPU {}, plus CPUs without a queue that share its L3", t.partner)
                               : fmt::format("partner RX IRQ on CPU {}", t.partner);
    }
  }
}

}  // namespace irqd::policies
