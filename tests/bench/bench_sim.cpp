// The daemon's CPU per cycle on simulated 72- and 128-CPU machines (tests/sim) under a load that
// changes every cycle (2% jitter, and a swinging load out of phase with the sampling), measured as
// the process CPU time of Daemon::cycle() alone (the simulator's own file writing excluded): the
// cost a production host pays per interval. Counters: the first three cycles with a measured load
// (the deliberate re-plan included), and knob writes per cycle in steady state (should be 0).
#include <benchmark/benchmark.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "tests/sim/scenario_runner.hpp"
#include "tests/support/fixtures.hpp"

namespace irqd::sim {
namespace {

struct Machine {
  const char* xml;
  int nics, queues, nodes;
  double load;  // CPU seconds per second of NIC interrupt work
};

void run(benchmark::State& state, const Machine& mc) {
  SimSpec spec;
  spec.topology_xml = testing::fixture(mc.xml);
  for (int n = 0; n < mc.nics; ++n) spec.nics.push_back({fmt::format("eth{}", n), n * mc.nodes / mc.nics, mc.queues});
  spec.apply_lag = 0.5;
  const LoadSpec load{.shape = LoadShape::kZipf, .total = mc.load, .zipf_s = 0.6, .jitter = 0.02,
                      .seed = 7, .period = 1.1, .amplitude = 0.1, .per_group = true};
  ScenarioRunner r(spec, load, {}, 1.0);
  double first3 = 0.0;
  for (int i = 0; i < 3; ++i) first3 += r.cycle().daemon_ms;
  for (int i = 0; i < 5; ++i) r.cycle();  // settle
  int writes = 0, cycles = 0;
  for (auto _ : state) {
    const auto s = r.cycle();
    state.SetIterationTime(s.daemon_ms / 1000.0);
    writes += s.writes.total();
    ++cycles;
  }
  state.counters["first3_ms"] = first3;
  state.counters["writes_per_cycle"] = cycles > 0 ? static_cast<double>(writes) / cycles : 0.0;
}

void BM_DaemonCycle72(benchmark::State& state) {
  spdlog::set_level(spdlog::level::warn);
  run(state, {"hwloc/2s-intel-xeon-e5-2695v4-36c72t-smt-llnl-pascal.xml", 4, 48, 2, 25.2});
}
BENCHMARK(BM_DaemonCycle72)->UseManualTime()->Iterations(400)->Unit(benchmark::kMillisecond);

void BM_DaemonCycle128(benchmark::State& state) {
  spdlog::set_level(spdlog::level::warn);
  run(state, {"hwloc/1s-amd-epyc-7a53-64c128t-4numa-nps4-llnl-tioga.xml", 4, 32, 4, 24.0});
}
BENCHMARK(BM_DaemonCycle128)->UseManualTime()->Iterations(400)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace irqd::sim

BENCHMARK_MAIN();
