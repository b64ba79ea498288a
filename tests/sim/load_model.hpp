// The simulated machine's load model: how much interrupt work (CPU seconds per second) each NIC
// queue generates in an interval. Uniform, Zipf-skewed, or a hot set of queues that moves on
// request; optional per-interval jitter. Deterministic: the same spec and seed give the same
// numbers on every run and host (own splitmix64, no <random> distributions).
#pragma once

#include <cstdint>
#include <vector>

namespace irqd::sim {

enum class LoadShape {
  kUniform,  // every queue the same
  kZipf,     // queue of rank k (a seeded permutation) gets 1/k^zipf_s of the top one's share
  kHotSet,   // hot_count queues carry hot_factor times a cold queue's load; move_hot_set() moves them
};

struct LoadSpec {
  LoadShape shape = LoadShape::kUniform;
  double total = 1.0;       // CPU seconds per second of interrupt work, summed over all queues
  double zipf_s = 1.0;
  int hot_count = 4;
  double hot_factor = 8.0;
  double jitter = 0.0;      // each queue's load varies by up to +-jitter (relative) per interval
  std::uint64_t seed = 1;
};

class LoadModel {
 public:
  LoadModel(LoadSpec spec, int queues);
  // Load of every queue (CPU seconds per second) during interval `step`.
  std::vector<double> costs(std::uint64_t step) const;
  // The load without jitter (what a perfect sampler would measure).
  const std::vector<double>& mean_costs() const { return mean_; }
  // kHotSet: a new set of hot queues, disjoint from the current one while enough queues remain.
  void move_hot_set();
  const std::vector<int>& hot_set() const { return hot_; }

 private:
  void recompute();
  std::uint64_t next();

  LoadSpec spec_;
  int queues_;
  std::uint64_t state_;
  std::vector<int> rank_;  // kZipf: rank of each queue (0 = busiest)
  std::vector<int> hot_;   // kHotSet: the hot queues
  std::vector<double> mean_;
};

}  // namespace irqd::sim
