// Benchmarks of what every cycle costs: parsing /proc/interrupts (a real 112-CPU capture and a
// 1152-CPU x 1100-IRQ file synthesized in the same format) and one full planning pass (read files
// from a tmpfs root + discover + plan + diff, no writes) on the real 112-CPU tree.
// Run: meson test -C build --benchmark -v   (or build/tests/bench/bench_cycle directly)
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <fmt/format.h>
#include <memory>

#include "irqd/engine.hpp"
#include "sysfs/proc_interrupts.hpp"
#include "tests/support/fixtures.hpp"

namespace {

using irqd::testing::read_fixture;

void BM_ParseInterrupts112(benchmark::State& state) {
  std::string text = read_fixture("interrupts/nto-master-112cpu-2s-xeon6330-ice-e810-i40e-x710-irdma-nvme.txt");
  for (auto _ : state) benchmark::DoNotOptimize(irqd::sysfs::parse_interrupts(text, "interrupts"));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(text.size()));
}
BENCHMARK(BM_ParseInterrupts112)->Unit(benchmark::kMicrosecond);

std::string synth_interrupts(int ncpus, int nirqs) {
  std::string t = "     ";
  for (int c = 0; c < ncpus; ++c) t += fmt::format("{:>11}", fmt::format("CPU{}", c));
  t += "\n";
  for (int i = 0; i < nirqs; ++i) {
    t += fmt::format("{:>4}:", 100 + i);
    for (int c = 0; c < ncpus; ++c) t += fmt::format(" {:>10}", (static_cast<unsigned long>(c) * 7919u + static_cast<unsigned long>(i) * 104729u) % 4000000000u);
    t += fmt::format("  IR-PCI-MSIX-0000:4b:00.0 {:>4}-edge      ice-ens3f0-TxRx-{}\n", i, i);
  }
  return t;
}

void BM_ParseInterrupts1152x1100(benchmark::State& state) {
  static const std::string text = synth_interrupts(1152, 1100);
  for (auto _ : state) benchmark::DoNotOptimize(irqd::sysfs::parse_interrupts(text, "interrupts"));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(text.size()));
}
BENCHMARK(BM_ParseInterrupts1152x1100)->Unit(benchmark::kMillisecond);

void BM_DryRunCycle112(benchmark::State& state) {
  static irqd::testing::ExtractedTree tree("nto-master-112cpu-2s-xeon6330-r750-ice-i40e");
  irqd::EngineOptions opts;
  opts.root = tree.root();
  irqd::config::Config cfg;
  for (auto _ : state) benchmark::DoNotOptimize(irqd::plan_once(opts, cfg));
}
BENCHMARK(BM_DryRunCycle112)->Unit(benchmark::kMillisecond);

void BM_Topology112(benchmark::State& state) {
  static irqd::testing::ExtractedTree tree("nto-master-112cpu-2s-xeon6330-r750-ice-i40e");
  irqd::sysfs::SysRoot root(tree.root());
  irqd::EngineOptions opts;
  opts.root = tree.root();
  for (auto _ : state) benchmark::DoNotOptimize(irqd::load_machine(root, opts));
}
BENCHMARK(BM_Topology112)->Unit(benchmark::kMillisecond);

void BM_Discover112(benchmark::State& state) {
  static irqd::testing::ExtractedTree tree("nto-master-112cpu-2s-xeon6330-r750-ice-i40e");
  irqd::sysfs::SysRoot root(tree.root());
  for (auto _ : state) benchmark::DoNotOptimize(irqd::discover(root, irqd::DiscoverOptions{}));
}
BENCHMARK(BM_Discover112)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
