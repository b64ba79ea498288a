// Load model: shapes, seeded permutations, jitter.
#include "tests/sim/load_model.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

namespace irqd::sim {

namespace {
std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}
std::size_t ix(int i) { return static_cast<std::size_t>(i); }
}  // namespace

LoadModel::LoadModel(LoadSpec spec, int queues) : spec_(spec), queues_(queues), state_(spec.seed) {
  if (queues <= 0) throw std::invalid_argument("load model: needs at least one queue");
  if (spec.total < 0 || spec.jitter < 0 || spec.jitter >= 1)
    throw std::invalid_argument("load model: total must be >= 0 and jitter in [0, 1)");
  // A seeded permutation (Fisher-Yates) gives the Zipf ranks and the first hot set.
  rank_.resize(ix(queues));
  std::iota(rank_.begin(), rank_.end(), 0);
  for (int i = queues - 1; i > 0; --i)
    std::swap(rank_[ix(i)], rank_[static_cast<std::size_t>(next() % static_cast<std::uint64_t>(i + 1))]);
  const int hot = std::clamp(spec.hot_count, 0, queues);
  for (int q = 0; q < queues; ++q)
    if (rank_[ix(q)] < hot) hot_.push_back(q);
  recompute();
}

std::uint64_t LoadModel::next() {
  state_ = splitmix64(state_);
  return state_;
}

void LoadModel::recompute() {
  std::vector<double> w(ix(queues_), 1.0);
  if (spec_.shape == LoadShape::kZipf)
    for (int q = 0; q < queues_; ++q) w[ix(q)] = 1.0 / std::pow(rank_[ix(q)] + 1.0, spec_.zipf_s);
  if (spec_.shape == LoadShape::kHotSet)
    for (int q : hot_) w[ix(q)] = spec_.hot_factor;
  const double sum = std::accumulate(w.begin(), w.end(), 0.0);
  mean_.resize(w.size());
  for (std::size_t q = 0; q < w.size(); ++q) mean_[q] = spec_.total * w[q] / sum;
}

void LoadModel::move_hot_set() {
  std::vector<int> cold;
  for (int q = 0; q < queues_; ++q)
    if (std::find(hot_.begin(), hot_.end(), q) == hot_.end()) cold.push_back(q);
  std::vector<int> next_hot;
  std::vector<int> pool = cold.size() >= hot_.size() ? cold : hot_;  // too few cold: reshuffle
  const std::size_t n = hot_.size();
  for (std::size_t i = 0; i < n; ++i) {
    const auto pick = static_cast<std::size_t>(next() % pool.size());
    next_hot.push_back(pool[pick]);
    pool.erase(pool.begin() + static_cast<std::ptrdiff_t>(pick));
  }
  std::sort(next_hot.begin(), next_hot.end());
  hot_ = std::move(next_hot);
  recompute();
}

std::vector<double> LoadModel::costs(std::uint64_t step) const {
  std::vector<double> out = mean_;
  if (spec_.jitter <= 0) return out;
  for (std::size_t q = 0; q < out.size(); ++q) {
    const std::uint64_t h = splitmix64(spec_.seed ^ splitmix64(step * 1000003ULL + q));
    const double u = static_cast<double>(h >> 11) / 9007199254740992.0;  // [0, 1)
    out[q] *= 1.0 + spec_.jitter * (2.0 * u - 1.0);
  }
  return out;
}

}  // namespace irqd::sim
