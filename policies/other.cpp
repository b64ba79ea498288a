// Non-network IRQ planner (see other.hpp).
#include "policies/other.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <vector>

#include "policies/core_order.hpp"

namespace irqd::policies {

namespace {

std::size_t at(int cpu) { return static_cast<std::size_t>(cpu); }

// Where the IRQ fires now: the one CPU of its mask, else the kernel's effective CPU inside it.
int firing_cpu(const sysfs::IrqInfo& irq) {
  if (irq.effective && irq.effective->count() == 1 && (!irq.affinity || irq.affinity->test(irq.effective->first())))
    return irq.effective->first();
  if (irq.affinity && irq.affinity->count() == 1) return irq.affinity->first();
  return -1;
}

// A cpulist short enough for a reason line: "0,2,4", else "56 CPUs in 0-110".
std::string cpus_text(const CpuSet& s) {
  std::string list = s.to_list();
  if (list.size() <= 24) return list;
  return fmt::format("{} CPUs in {}-{}", s.count(), s.first(), s.last());
}

// IRQs the kernel never lets move (IRQF_NOBALANCING / per-CPU): the x86 timer on IRQ 0, the Arm
// architected timer. Any other IRQ the kernel refuses fails its first write with EIO or EPERM and
// is then marked unchangeable and not retried, as irqbalance blacklists it on such an error.
bool fixed_irq(const sysfs::IrqInfo& irq) { return irq.name == "timer" || irq.name == "arch_timer"; }

// "CPU 0,1 isolated, CPU 4 banned": which CPUs of `cpus` must stay quiet, and why.
std::string quiet_why(const CpuSet& cpus, const CpuSet& banned, const CpuSet& isolated, const CpuSet& nohz) {
  std::string out;
  auto add = [&](const CpuSet& s, const char* what) {
    const CpuSet hit = cpus & s;
    if (hit.empty()) return;
    const std::string list = hit.to_list();
    out += out.empty() ? "" : ", ";
    out += list.size() <= 24 ? fmt::format("CPU {} {}", list, what)
                             : fmt::format("{} {} CPUs in {}-{}", hit.count(), what, hit.first(), hit.last());
  };
  add(banned, "banned");
  add(isolated - banned, "isolated");
  add(nohz - banned - isolated, "nohz_full");
  return out;
}

struct Item {
  const sysfs::IrqInfo* info = nullptr;
  CpuSet allowed;     // its node's usable CPUs (all usable ones without a node)
  std::string where;  // "node 1's usable CPUs", "the usable CPUs (no node for it)", "the usable CPUs (node 1 has none)"
  double cost = 0.0;
  double rate = 0.0;
  int cpu = -1;       // where it fires now
  bool frozen = false;
  int since_move = -1;
  int no_return = -1;
};

class Loads {
 public:
  Loads(const topology::Machine& m, std::size_t size) : m_(m), cost_(size, 0.0), count_(size, 0) {}
  void add(int cpu, double cost, int n = 1) {
    if (cpu < 0 || at(cpu) >= cost_.size()) return;
    cost_[at(cpu)] += cost;
    count_[at(cpu)] += n;
  }
  double cost(int cpu) const { return cpu >= 0 && at(cpu) < cost_.size() ? cost_[at(cpu)] : 0.0; }
  // The least loaded of `allowed` other than `skip` (cost, then IRQs there, then core-first
  // order); -1 when none.
  int best(const CpuSet& allowed, int skip) const {
    int out = -1;
    for (int c : order(allowed)) {
      if (c == skip || at(c) >= cost_.size()) continue;
      if (out < 0 || cost_[at(c)] < cost_[at(out)] - 1e-9 ||
          (cost_[at(c)] <= cost_[at(out)] + 1e-9 && count_[at(c)] < count_[at(out)]))
        out = c;
    }
    return out;
  }

 private:
  // core_first_order of `allowed`, worked out once per distinct set (a node's usable CPUs: a few
  // sets for thousands of IRQs).
  const std::vector<int>& order(const CpuSet& allowed) const {
    for (const auto& [set, cpus] : orders_)
      if (set == allowed) return cpus;
    orders_.emplace_back(allowed, core_first_order(m_, allowed));
    return orders_.back().second;
  }

  const topology::Machine& m_;
  std::vector<double> cost_;
  std::vector<int> count_;
  mutable std::vector<std::pair<CpuSet, std::vector<int>>> orders_;
};

std::string place_text(const topology::Machine& m, int cpu, double load, bool measured) {
  const auto* pu = m.pu(cpu);
  std::string out = fmt::format("CPU {}", cpu);
  std::vector<std::string> parts;
  if (pu && pu->node >= 0) parts.push_back(fmt::format("node {}", pu->node));
  if (measured) parts.push_back(fmt::format("load {:.3f}", load));
  if (!parts.empty()) out += fmt::format(" ({})", fmt::join(parts, ", "));
  return out;
}

}  // namespace

bool is_other_irq(const sysfs::IrqInfo& irq) {
  return irq.cls == sysfs::IrqClass::kOther && irq.device.empty() && irq.error.empty() && irq.affinity &&
         !irq.affinity->empty();
}

void plan_other_irqs(const PlanInput& in, Plan& plan) {
  const auto mode = in.config.other_irqs;
  if (mode == config::OtherIrqs::kIgnore) return;
  const auto& m = in.machine;
  const auto& cfg = in.config;
  const CpuSet usable = usable_cpus(m, cfg);
  const CpuSet banned = cfg.banned_cpus;
  const CpuSet isolated = cfg.honour_isolcpus ? m.isolated : CpuSet{};
  const CpuSet nohz = cfg.honour_nohz_full ? m.nohz_full : CpuSet{};
  const CpuSet quiet = banned | isolated | nohz;
  const bool measured = in.load != nullptr && in.load->measured;
  static const MoveHistory kNoMoves;
  const MoveHistory& moves = in.load != nullptr && in.load->history != nullptr ? *in.load->history : kNoMoves;
  if (usable.empty()) {
    plan.notes.push_back("other IRQs: no usable CPU (all banned or isolated); they are left as they are");
    return;
  }

  std::vector<Item> items;
  for (const auto& irq : in.inventory.irqs) {
    if (!is_other_irq(irq) || cfg.irq_pins.contains(irq.irq) || plan.irq(irq.irq) != nullptr) continue;
    if (fixed_irq(irq)) {
      plan.set_irq({irq.irq, *irq.affinity, "the kernel does not let this timer move (per-CPU or no balancing): left as it is",
                    "kept", true});
      continue;
    }
    Item it;
    it.info = &irq;
    it.cpu = firing_cpu(irq);
    if (in.load != nullptr)
      if (auto l = in.load->irqs.find(irq.irq); l != in.load->irqs.end()) {
        it.cost = std::max(0.0, l->second.cost);
        it.rate = l->second.rate;
      }
    if (auto s = moves.cycles_since_move.find(irq.irq); s != moves.cycles_since_move.end()) {
      it.since_move = s->second;
      it.frozen = s->second < cfg.balance.cooldown_cycles;
    }
    if (auto f = moves.moved_from.find(irq.irq); f != moves.moved_from.end()) it.no_return = f->second;
    it.allowed = usable;
    it.where = "the usable CPUs (no node for it)";
    if (irq.node >= 0) {
      auto node = std::find_if(m.nodes.begin(), m.nodes.end(), [&](const auto& n) { return n.os_index == irq.node; });
      const CpuSet local = node != m.nodes.end() ? node->cpus & usable : CpuSet{};
      if (!local.empty()) {
        it.allowed = local;
        it.where = fmt::format("node {}'s usable CPUs", irq.node);
      } else {
        it.where = fmt::format("the usable CPUs (node {} has none)", irq.node);
      }
    }
    items.push_back(std::move(it));
  }
  if (items.empty()) return;

  // Per-CPU load: every IRQ's measured cost where the plan puts it (one CPU) or where it fires
  // now, and RPS work; the other IRQs are added as they are placed below.
  const std::size_t size = at(std::max({m.max_cpu(), usable.last(), 0}) + 1);
  Loads loads(m, size);
  std::vector<char> is_item(in.inventory.irqs.size(), 0);
  for (const auto& it : items) is_item[static_cast<std::size_t>(it.info - in.inventory.irqs.data())] = 1;
  for (std::size_t k = 0; k < in.inventory.irqs.size(); ++k) {
    if (is_item[k]) continue;
    const auto& irq = in.inventory.irqs[k];
    double cost = 0.0;
    if (in.load != nullptr)
      if (auto l = in.load->irqs.find(irq.irq); l != in.load->irqs.end()) cost = std::max(0.0, l->second.cost);
    const auto* p = plan.irq(irq.irq);
    const int cpu = p != nullptr ? (p->cpus.count() == 1 ? p->cpus.first() : -1) : firing_cpu(irq);
    loads.add(cpu, cost, p != nullptr ? 1 : 0);
  }
  if (in.load != nullptr)
    for (std::size_t c = 0; c < in.load->cpu_fixed.size() && c < size; ++c)
      loads.add(static_cast<int>(c), in.load->cpu_fixed[c], 0);

  auto placement = [&](const Item& it, CpuSet cpus, std::string why, std::string_view cause) {
    plan.set_irq({it.info->irq, std::move(cpus), Reason(std::move(why)), cause, true});
  };
  auto cost_text = [&](const Item& it) { return measured ? fmt::format("{:.3f} CPU, ", it.cost) : std::string(); };

  // Which IRQs must move (off quiet CPUs; in place mode also onto their node), costliest first.
  std::vector<std::size_t> to_move, kept;
  for (std::size_t i = 0; i < items.size(); ++i) {
    const CpuSet& aff = *items[i].info->affinity;
    const bool ok = mode == config::OtherIrqs::kPlace ? (aff & m.online).is_subset_of(items[i].allowed) &&
                                                            aff.intersects(m.online)
                                                      : !aff.intersects(quiet) && aff.intersects(usable);
    (ok ? kept : to_move).push_back(i);
  }
  for (std::size_t i : kept) loads.add(items[i].cpu, items[i].cost);
  std::sort(to_move.begin(), to_move.end(), [&](std::size_t a, std::size_t b) {
    if (items[a].cost != items[b].cost) return items[a].cost > items[b].cost;
    return items[a].info->irq < items[b].info->irq;
  });

  for (std::size_t i : to_move) {
    const Item& it = items[i];
    const CpuSet& aff = *it.info->affinity;
    const std::string off = quiet_why(aff, banned, isolated, nohz);
    if (mode == config::OtherIrqs::kKeepOffIsolated) {
      CpuSet rest = aff - quiet;
      if ((rest & usable).empty()) {
        placement(it, it.allowed,
                  fmt::format("off {}: nothing else in its mask {}, so {}", off.empty() ? "offline CPUs" : off,
                              cpus_text(aff), it.where),
                  "off-isolated");
      } else {
        placement(it, rest, fmt::format("off {}: the rest of its mask", off), "off-isolated");
      }
      continue;
    }
    const int to = loads.best(it.allowed, -1);
    loads.add(to, it.cost);
    std::string why = fmt::format("{}moved to {}, the least loaded of {}", cost_text(it),
                                  place_text(m, to, loads.cost(to), measured), it.where);
    why += !off.empty() ? fmt::format(" (off {})", off) : fmt::format(" (its mask {} is outside it)", cpus_text(aff));
    placement(it, CpuSet::of({to}), std::move(why), off.empty() ? "home" : "off-isolated");
  }

  // Kept IRQs, and a few balance moves among them (place mode, measured load only).
  std::sort(kept.begin(), kept.end(), [&](std::size_t a, std::size_t b) {
    if (items[a].cost != items[b].cost) return items[a].cost > items[b].cost;
    return items[a].info->irq < items[b].info->irq;
  });
  int balance_moves = 0;
  const double margin = cfg.balance.margin;
  for (std::size_t i : kept) {
    const Item& it = items[i];
    const CpuSet& aff = *it.info->affinity;
    if (mode == config::OtherIrqs::kPlace && measured && balance_moves < kMaxBalanceMoves && !it.frozen &&
        it.rate > 0 && it.cost > 0 && it.cpu >= 0 && loads.cost(it.cpu) >= kBusyCpu) {
      int to = loads.best(it.allowed, it.cpu);
      if (to == it.no_return) {
        const CpuSet others = it.allowed - CpuSet::of({it.no_return});
        to = loads.best(others, it.cpu);
      }
      const double from_load = loads.cost(it.cpu);
      const double gain = to < 0 ? 0.0 : from_load - std::max(from_load - it.cost, loads.cost(to) + it.cost);
      if (to >= 0 && gain > std::max(margin * from_load, kMinGain)) {
        loads.add(it.cpu, -it.cost, -1);
        loads.add(to, it.cost);
        ++balance_moves;
        placement(it, CpuSet::of({to}),
                  fmt::format("{:.3f} CPU, moved from CPU {} (load {:.3f}) to {}: lowers the busier of the two by "
                              "{:.3f}, more than {}% of CPU {}",
                              it.cost, it.cpu, from_load, place_text(m, to, loads.cost(to), true), gain,
                              static_cast<int>(margin * 100.0 + 0.5), it.cpu),
                  "balance");
        continue;
      }
    }
    std::string why = cost_text(it);
    if (mode == config::OtherIrqs::kKeepOffIsolated) {
      why += "no banned or isolated CPU in its mask: kept";
    } else {
      why += aff.count() == 1 ? fmt::format("on {}", place_text(m, aff.first(), loads.cost(aff.first()), measured))
                              : fmt::format("on {}", cpus_text(aff));
      why += fmt::format(" inside {}: kept", it.where);
    }
    if (it.frozen) why += fmt::format(" (moved {} cycles ago, cooldown {})", it.since_move, cfg.balance.cooldown_cycles);
    if (aff.count() > 1 && it.cpu >= 0) why += fmt::format(" (the kernel delivers it on CPU {})", it.cpu);
    placement(it, aff, std::move(why), "kept");
  }
}

}  // namespace irqd::policies
