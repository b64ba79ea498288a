// The daemon's Prometheus metrics: counters of what it measured and did since it started
// (interrupts and CPU seconds per NIC IRQ, knob changes by kind and result, IRQ moves by cause,
// cycles and their duration as a histogram), the time of the last cycle, and gauges only for
// states (IRQs placed and kernel-managed, each NIC IRQ's CPU). Rendered in the text exposition
// format for GetMetrics (irqctl metrics) and, with [metrics] textfile, written after every cycle
// for node_exporter's textfile collector (atomically: a temporary file renamed over it).
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <unordered_map>

#include "irqd/engine/apply.hpp"
#include "irqd/engine/engine.hpp"
#include "irqd/engine/sampler.hpp"

namespace irqd {

class DaemonMetrics {
 public:
  // Histogram buckets of a cycle's duration, seconds (+Inf implied).
  static constexpr std::array<double, 10> kBuckets = {0.0005, 0.001, 0.002, 0.005, 0.01,
                                                      0.02,   0.05,  0.1,   0.5,   2.0};

  // One cycle: its plan and what applying it did (null: a dry run; ApplyResult::outcomes, one per
  // knob), its duration, the wall time it ended at (Unix seconds).
  void record(const PlanResult& plan, const ApplyResult* applied, double seconds, double unix_time);

  // The exposition: the counters above, the sampler's totals for the NIC IRQs of `plan` (null:
  // none yet), `unchangeable` kernel-managed IRQs irqd found.
  std::string text(const PlanResult* plan, const Sampler& sampler, std::size_t unchangeable) const;

  // The kind of knob a kernel-relative path is, as the changes counter labels it: affinity,
  // rps_cpus, rps_flow_cnt, xps_cpus, xps_rxqs, rps_sock_flow_entries, napi, napi_thread,
  // device_napi, other.
  static std::string_view knob_kind(std::string_view path);

 private:
  std::uint64_t cycles_ = 0;
  std::map<std::pair<std::string, std::string>, std::uint64_t> changes_;  // (kind, result)
  std::map<std::string, std::uint64_t> moves_;                            // by cause
  std::array<std::uint64_t, kBuckets.size() + 1> buckets_{};              // not cumulative
  double cycle_sum_ = 0.0;
  double last_cycle_unix_ = 0.0;
};

}  // namespace irqd
