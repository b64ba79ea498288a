// Helpers shared by the balanced policy's tests: Zipf loads, placing IRQs as the kernel shows
// them, the moves a plan makes, and the closed loop's bookkeeping.
#pragma once

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "policies/balanced.hpp"
#include "tests/unit/steering_support.hpp"

namespace irqd::policies::balanced_test {

using namespace steering_test;  // NOLINT: test builders

// Zipf-like costs for IRQs first..first+n-1: the k-th costliest has top / k^s. The ranks are
// scattered over the IRQ numbers (k*7 mod n) so the costliest IRQs are not simply the lowest.
inline LoadInfo zipf(int first, int n, double top, double s) {
  LoadInfo l;
  for (int k = 0; k < n; ++k) l.irqs[first + (k * 7) % n].cost = top / std::pow(k + 1, s);
  return l;
}

// Forgets every queue IRQ's placement: no usable current CPU, as after a policy change.
inline void unplace(Inventory& inv) {
  for (auto& irq : inv.irqs)
    if (irq.cls == IrqClass::kQueue) {
      irq.affinity = CpuSet::range(0, 71);
      irq.effective.reset();
    }
}

inline void place(Inventory& inv, int irq, int cpu) {
  for (auto& i : inv.irqs)
    if (i.irq == irq) i.affinity = i.effective = CpuSet::of({cpu});
}

// Where the IRQ is as the policy sees it: the mask when it names one CPU (an effective affinity
// that lags a write is not where the IRQ goes), else the effective CPU.
inline int current_cpu(const Inventory& inv, int irq) {
  const auto* i = inv.irq(irq);
  if (!i) return -1;
  if (i->affinity && i->affinity->count() == 1) return i->affinity->first();
  return i->effective && i->effective->count() == 1 ? i->effective->first() : -1;
}

// IRQs whose planned CPU differs from where they are now.
inline std::set<int> moved(const Plan& p, const Inventory& inv) {
  std::set<int> out;
  for (const auto& pl : p.irqs)
    if (pl.cpus.count() != 1 || pl.cpus.first() != current_cpu(inv, pl.irq)) out.insert(pl.irq);
  return out;
}

// Makes the plan the current placement, as the daemon's apply step does.
inline void apply(Inventory& inv, const Plan& p) {
  for (const auto& pl : p.irqs) place(inv, pl.irq, pl.cpus.first());
}

inline std::map<int, double> cpu_loads(const Plan& p, const LoadInfo& l) {
  std::map<int, double> out;
  for (const auto& [irq, load] : l.irqs)
    if (const auto* pl = p.irq(irq)) out[pl->cpus.first()] += load.cost;
  return out;
}

inline double max_load(const Plan& p, const LoadInfo& l) {
  double out = 0.0;
  for (const auto& [cpu, load] : cpu_loads(p, l)) out = std::max(out, load);
  return out;
}

inline double lower_bound(const LoadInfo& l, int cpus) {
  double total = 0.0, top = 0.0;
  for (const auto& [irq, load] : l.irqs) {
    total += load.cost;
    top = std::max(top, load.cost);
  }
  return std::max(total / cpus, top);
}

inline Plan run(const topology::Machine& m, const Inventory& inv, const LoadInfo& l,
         const config::Config& cfg = {}) {
  return Balanced().plan({m, inv, cfg, &l});
}

}  // namespace irqd::policies::balanced_test
