// The cost of one interrupt per group of IRQs (one group per NIC, one for every other IRQ),
// fitted by least squares to what each CPU spent in interrupts: CPU c's hard+soft IRQ time over
// an interval is, to a good approximation, sum over groups g of count(c, g) * cost(g) plus a
// background shared by every CPU (timer and RCU softirqs). One interval gives one equation per
// CPU, so a machine with dozens of CPUs and a handful of NICs determines the costs from a single
// interval; older intervals are kept with a forgetting factor. Interrupts of different drivers
// differ eight-fold in cost (1 us vs 8 us), and a split of a shared CPU's time by bare counts
// charges the cheap ones with their neighbours' time; the sampler weights counts with these costs.
#pragma once

#include <cstddef>
#include <vector>

namespace irqd {

class CostModel {
 public:
  // Groups beyond this are not fitted (an SR-IOV host with hundreds of VFs): the solve is cubic.
  static constexpr std::size_t kMaxGroups = 64;

  // Starts an interval's equations for `groups` groups (a change of the number forgets the past).
  // `keep`: weight of the previous intervals' equations (0: forget them, 1: keep them whole).
  // `background`: whether a background shared by every CPU is an unknown (a change forgets the
  // past too); without it the caller takes its estimate out of the seconds it adds. A group whose
  // counts are nearly equal on every CPU (packets RPS spreads over a node) cannot be told apart
  // from a background.
  void begin(std::size_t groups, double keep, bool background = true);
  // One CPU's equation: its interrupts by group (size groups) and the seconds it spent.
  void add(const double* counts, double seconds);
  // Solves. Afterwards cost(g) is the fitted seconds per interrupt of group g, 0 where the
  // equations do not determine it (a group that always shares CPUs with another in the same
  // proportion, or a fit below zero).
  void solve();
  double cost(std::size_t g) const { return g < cost_.size() ? cost_[g] : 0.0; }
  std::size_t groups() const { return groups_; }

 private:
  std::size_t groups_ = 0;
  std::size_t n_ = 0;        // unknowns: groups (+ background)
  bool background_ = true;
  std::vector<double> a_;    // normal matrix, n x n
  std::vector<double> b_;    // right-hand side
  std::vector<double> cost_;
  std::vector<double> work_;  // scratch for the solve
};

}  // namespace irqd
