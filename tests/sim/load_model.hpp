// The simulated machine's load model: how much interrupt work (CPU seconds per second) each NIC
// queue generates over any stretch of virtual time. Uniform, Zipf-skewed, or a hot set of queues
// that moves on request; optionally skewed within each NIC (groups) rather than over all queues;
// optional per-interval jitter; optional periodic swing (a sine with a seeded phase per queue,
// integrated exactly). Deterministic: the same spec and seed give the same numbers on every run
// and host (own splitmix64, no <random> distributions).
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
  double period = 0.0;      // seconds of one swing of every queue's load; 0: no swing
  double amplitude = 0.0;   // the swing's relative amplitude, in [0, 1]
  // kZipf / kHotSet within each group (LoadModel's `groups`: a NIC's queues) instead of over all
  // queues; `group_share` (one weight per group, default equal) divides `total` among groups.
  bool per_group = false;
  std::vector<double> group_share;
};

class LoadModel {
 public:
  // `groups`: queue counts of consecutive groups (NICs), summing to `queues`; empty: one group.
  LoadModel(LoadSpec spec, int queues, std::vector<int> groups = {});
  // Load of every queue (CPU seconds per second) during interval `step`, without the swing.
  std::vector<double> costs(std::uint64_t step) const;
  // CPU seconds of work queue q generates over [t0, t1] (virtual seconds) in interval `step`:
  // its mean times the jitter of that interval times the exact integral of the swing.
  double work(std::size_t q, std::uint64_t step, double t0, double t1) const;
  // The same without jitter (what a perfect sampler would measure over [t0, t1]).
  double mean_work(std::size_t q, double t0, double t1) const;
  // The load without jitter or swing (the long-run mean).
  const std::vector<double>& mean_costs() const { return mean_; }
  // kHotSet: a new set of hot queues, disjoint from the current one while enough queues remain.
  void move_hot_set();
  const std::vector<int>& hot_set() const { return hot_; }
  const LoadSpec& spec() const { return spec_; }

 private:
  void recompute();
  std::uint64_t next();
  double jitter(std::size_t q, std::uint64_t step) const;

  LoadSpec spec_;
  int queues_;
  std::vector<int> groups_;  // queue counts, one per group
  std::uint64_t state_;
  std::vector<int> rank_;    // kZipf: rank of each queue within its group (0 = busiest)
  std::vector<int> hot_;     // kHotSet: the hot queues
  std::vector<double> phase_;  // radians, by queue
  std::vector<double> mean_;
};

}  // namespace irqd::sim
