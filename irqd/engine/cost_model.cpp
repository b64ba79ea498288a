// Cost per interrupt by group: normal equations with forgetting, a damped Gaussian elimination.
#include "irqd/engine/cost_model.hpp"

#include <algorithm>
#include <cmath>

namespace irqd {

void CostModel::begin(std::size_t groups, double keep, bool background) {
  if (groups > kMaxGroups) groups = 0;
  if (groups != groups_ || background != background_) {
    groups_ = groups;
    background_ = background;
    n_ = groups == 0 ? 0 : groups + (background ? 1 : 0);
    a_.assign(n_ * n_, 0.0);
    b_.assign(n_, 0.0);
    cost_.assign(groups, 0.0);
    return;
  }
  for (double& x : a_) x *= keep;
  for (double& x : b_) x *= keep;
}

void CostModel::add(const double* counts, double seconds) {
  if (n_ == 0) return;
  // x = (counts by group..., 1): the last unknown is the background every CPU has.
  auto x = [&](std::size_t i) { return i < groups_ ? counts[i] : 1.0; };
  for (std::size_t i = 0; i < n_; ++i) {
    const double xi = x(i);
    if (xi == 0.0) continue;
    b_[i] += xi * seconds;
    double* row = &a_[i * n_];
    for (std::size_t j = 0; j < n_; ++j) row[j] += xi * x(j);
  }
}

void CostModel::solve() {
  if (n_ == 0) return;
  // Damped: each diagonal grows by a millionth, so a direction the equations do not determine
  // (two groups always together in one proportion) shrinks toward zero instead of blowing up.
  work_.assign(n_ * (n_ + 1), 0.0);
  auto m = [&](std::size_t i, std::size_t j) -> double& { return work_[i * (n_ + 1) + j]; };
  for (std::size_t i = 0; i < n_; ++i) {
    for (std::size_t j = 0; j < n_; ++j) m(i, j) = a_[i * n_ + j];
    m(i, i) += 1e-6 * a_[i * n_ + i] + 1e-30;
    m(i, n_) = b_[i];
  }
  for (std::size_t col = 0; col < n_; ++col) {
    std::size_t pivot = col;
    for (std::size_t r = col + 1; r < n_; ++r)
      if (std::abs(m(r, col)) > std::abs(m(pivot, col))) pivot = r;
    if (!(std::abs(m(pivot, col)) > 0)) continue;  // a group seen nowhere: its row is zero
    if (pivot != col)
      for (std::size_t j = 0; j <= n_; ++j) std::swap(m(col, j), m(pivot, j));
    for (std::size_t r = 0; r < n_; ++r) {
      if (r == col || m(r, col) == 0.0) continue;
      const double f = m(r, col) / m(col, col);
      for (std::size_t j = col; j <= n_; ++j) m(r, j) -= f * m(col, j);
    }
  }
  for (std::size_t g = 0; g < groups_; ++g) {
    const double d = m(g, g);
    const double x = d != 0.0 ? m(g, n_) / d : 0.0;
    cost_[g] = std::isfinite(x) && x > 0.0 ? x : 0.0;
  }
}

}  // namespace irqd
