// Load model: shapes, seeded permutations, jitter, the periodic swing and its integral.
#include "tests/sim/load_model.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
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
double unit(std::uint64_t h) { return static_cast<double>(h >> 11) / 9007199254740992.0; }  // [0, 1)
std::size_t ix(int i) { return static_cast<std::size_t>(i); }
}  // namespace

LoadModel::LoadModel(LoadSpec spec, int queues, std::vector<int> groups)
    : spec_(std::move(spec)), queues_(queues), groups_(std::move(groups)), state_(spec_.seed) {
  if (queues <= 0) throw std::invalid_argument("load model: needs at least one queue");
  if (spec_.total < 0 || spec_.jitter < 0 || spec_.jitter >= 1)
    throw std::invalid_argument("load model: total must be >= 0 and jitter in [0, 1)");
  if (spec_.period < 0 || spec_.amplitude < 0 || spec_.amplitude > 1)
    throw std::invalid_argument("load model: period must be >= 0 and amplitude in [0, 1]");
  if (groups_.empty() || !spec_.per_group) groups_ = {queues};
  if (std::accumulate(groups_.begin(), groups_.end(), 0) != queues ||
      std::any_of(groups_.begin(), groups_.end(), [](int g) { return g <= 0; }))
    throw std::invalid_argument("load model: groups must be positive and sum to the queue count");
  if (!spec_.group_share.empty() && spec_.group_share.size() != groups_.size())
    throw std::invalid_argument("load model: one group_share per group");
  // A seeded permutation (Fisher-Yates) per group gives the Zipf ranks and the first hot set.
  rank_.resize(ix(queues));
  int first = 0;
  for (int g : groups_) {
    std::iota(rank_.begin() + first, rank_.begin() + first + g, 0);
    for (int i = g - 1; i > 0; --i)
      std::swap(rank_[ix(first + i)],
                rank_[ix(first) + static_cast<std::size_t>(next() % static_cast<std::uint64_t>(i + 1))]);
    first += g;
  }
  const int per = groups_.size() == 1 ? spec_.hot_count
                                      : std::max(1, spec_.hot_count / static_cast<int>(groups_.size()));
  const int hot = std::clamp(per, 0, queues);
  for (int q = 0; q < queues; ++q)
    if (rank_[ix(q)] < hot) hot_.push_back(q);
  phase_.resize(ix(queues));
  for (std::size_t q = 0; q < phase_.size(); ++q)
    phase_[q] = 2 * std::numbers::pi * unit(splitmix64(spec_.seed ^ splitmix64(0x5eedf00dULL + q)));
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
  mean_.resize(w.size());
  const double shares = spec_.group_share.empty()
                            ? static_cast<double>(groups_.size())
                            : std::accumulate(spec_.group_share.begin(), spec_.group_share.end(), 0.0);
  std::size_t first = 0;
  for (std::size_t g = 0; g < groups_.size(); ++g) {
    const std::size_t end = first + ix(groups_[g]);
    const double share = spec_.group_share.empty() ? 1.0 : spec_.group_share[g];
    const double total = shares > 0 ? spec_.total * share / shares : 0.0;
    const double sum = std::accumulate(w.begin() + static_cast<std::ptrdiff_t>(first),
                                       w.begin() + static_cast<std::ptrdiff_t>(end), 0.0);
    for (std::size_t q = first; q < end; ++q) mean_[q] = total * w[q] / sum;
    first = end;
  }
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

double LoadModel::jitter(std::size_t q, std::uint64_t step) const {
  if (spec_.jitter <= 0) return 1.0;
  const double u = unit(splitmix64(spec_.seed ^ splitmix64(step * 1000003ULL + q)));
  return 1.0 + spec_.jitter * (2.0 * u - 1.0);
}

std::vector<double> LoadModel::costs(std::uint64_t step) const {
  std::vector<double> out = mean_;
  for (std::size_t q = 0; q < out.size(); ++q) out[q] *= jitter(q, step);
  return out;
}

double LoadModel::mean_work(std::size_t q, double t0, double t1) const {
  double span = t1 - t0;
  if (spec_.period > 0 && spec_.amplitude > 0) {
    // The integral of 1 + a sin(w t + phi) over [t0, t1].
    const double w = 2 * std::numbers::pi / spec_.period;
    span += spec_.amplitude * (std::cos(w * t0 + phase_[q]) - std::cos(w * t1 + phase_[q])) / w;
  }
  return mean_[q] * span;
}

double LoadModel::work(std::size_t q, std::uint64_t step, double t0, double t1) const {
  return mean_work(q, t0, t1) * jitter(q, step);
}

}  // namespace irqd::sim
