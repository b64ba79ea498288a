// Benchmarks of what every cycle costs: parsing /proc/interrupts (a real 112-CPU capture and a
// 1152-CPU x 1100-IRQ file synthesized in the same format), a cold planning pass (topology +
// discovery + plan + diff) on the real 112-CPU tree, the daemon's steady cycle (read files from a
// tmpfs root + sample + plan + diff, no writes) on that tree and on synthetic 256 x 2048 and
// 1152 x 440 machines, and the daemon's peak RSS at 1152 CPUs.
// Run: meson test -C build --benchmark -v   (or build/tests/bench/bench_cycle directly)
#include <benchmark/benchmark.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fmt/format.h>
#include <map>
#include <memory>
#include <string>

#include <spdlog/spdlog.h>

#include "irqd/daemon/daemon.hpp"
#include "irqd/engine/engine.hpp"
#include "sysfs/proc_interrupts.hpp"
#include "tests/bench/scale_tree.hpp"
#include "tests/support/fixtures.hpp"

namespace {

using irqd::testing::read_fixture;

// The applying set-up cycles log every write at info.
const bool kQuiet = [] {
  spdlog::set_level(spdlog::level::warn);
  return true;
}();

void BM_ParseInterrupts112(benchmark::State& state) {
  std::string text = read_fixture("interrupts/nto-master-112cpu-2s-xeon6330-ice-e810-i40e-x710-irdma-nvme.txt");
  for (auto _ : state) benchmark::DoNotOptimize(irqd::sysfs::parse_interrupts(text, "interrupts"));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(text.size()));
}
BENCHMARK(BM_ParseInterrupts112)->Unit(benchmark::kMicrosecond);

// 1152 CPUs x 1100 IRQs in the capture's format. Dense: every counter a large number (the worst
// case for the digit loop). Sparse: as real captures look, each IRQ counted on the one or two
// CPUs it was delivered to and zeros elsewhere (99.5% of the 112-CPU capture's counters are 0).
std::string synth_interrupts(int ncpus, int nirqs, bool sparse) {
  std::string t = "     ";
  for (int c = 0; c < ncpus; ++c) t += fmt::format("{:>11}", fmt::format("CPU{}", c));
  t += "\n";
  for (int i = 0; i < nirqs; ++i) {
    t += fmt::format("{:>4}:", 100 + i);
    for (int c = 0; c < ncpus; ++c) {
      auto dense = (static_cast<unsigned long>(c) * 7919u + static_cast<unsigned long>(i) * 104729u) % 4000000000u;
      auto few = c == i % ncpus ? 123456789ul : c == (i * 7) % ncpus ? 4242ul : 0ul;
      t += fmt::format(" {:>10}", sparse ? few : dense);
    }
    t += fmt::format("  IR-PCI-MSIX-0000:4b:00.0 {:>4}-edge      ice-ens3f0-TxRx-{}\n", i, i);
  }
  return t;
}

void BM_ParseInterrupts1152x1100(benchmark::State& state) {
  static const std::string text = synth_interrupts(1152, 1100, false);
  for (auto _ : state) benchmark::DoNotOptimize(irqd::sysfs::parse_interrupts(text, "interrupts"));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(text.size()));
}
BENCHMARK(BM_ParseInterrupts1152x1100)->Unit(benchmark::kMillisecond);

// The daemon's way: into one table reused every cycle (no allocation once it has the shape).
void parse_reused(benchmark::State& state, const std::string& text) {
  irqd::sysfs::InterruptTable table;
  for (auto _ : state) {
    irqd::sysfs::parse_interrupts(text, "interrupts", table);
    benchmark::DoNotOptimize(table.cells.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(text.size()));
}
void BM_ParseInterrupts1152x1100Reused(benchmark::State& state) {
  static const std::string text = synth_interrupts(1152, 1100, false);
  parse_reused(state, text);
}
BENCHMARK(BM_ParseInterrupts1152x1100Reused)->Unit(benchmark::kMillisecond);
void BM_ParseInterrupts1152x1100Sparse(benchmark::State& state) {
  static const std::string text = synth_interrupts(1152, 1100, true);
  parse_reused(state, text);
}
BENCHMARK(BM_ParseInterrupts1152x1100Sparse)->Unit(benchmark::kMillisecond);

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

// The daemon's steady cycle: sample (read + parse /proc/interrupts, stat, softirqs, softnet_stat)
// + cached discovery with its bounded re-reads + plan + diff, dry run (no writes). The tree was
// placed by one applying cycle first, as a running daemon's machine is.
void steady_cycles(benchmark::State& state, const irqd::EngineOptions& engine, const std::string& run_dir,
                   const char* policy) {
  irqd::config::Config cfg;
  cfg.policy = policy;
  cfg.run_dir = run_dir;
  irqd::DaemonOptions opts;
  opts.engine = engine;
  opts.dry_run = true;
  irqd::Daemon d(opts, cfg);
  d.cycle();  // loads the topology and discovers
  std::uint64_t full_before = d.discovery_cache().full_discoveries();
  std::size_t reads = 0;
  for (auto _ : state) {
    d.cycle();
    reads += d.discovery_cache().last_reads();
  }
  const auto n = static_cast<double>(state.iterations());
  state.counters["rereads"] = static_cast<double>(reads) / n;
  state.counters["full"] = static_cast<double>(d.discovery_cache().full_discoveries() - full_before);
  state.counters["changes"] = d.last_report().changes;
  state.counters["irqs"] = static_cast<double>(d.sampler().interrupts().numbered());
}

void place_once(const irqd::EngineOptions& engine, const std::string& run_dir) {
  irqd::config::Config cfg;
  cfg.run_dir = run_dir;
  irqd::DaemonOptions opts;
  opts.engine = engine;
  irqd::Daemon(opts, cfg).cycle();
}

irqd::EngineOptions scale_engine(const irqd::bench::ScaleTree& t) {
  irqd::EngineOptions e;
  e.root = t.root();
  e.topology_xml = t.topology_xml();
  e.use_netlink = false;
  return e;
}

const irqd::bench::ScaleTree& placed_tree(const irqd::bench::ScaleSpec& spec) {
  static std::map<int, std::unique_ptr<irqd::bench::ScaleTree>> trees;
  auto& t = trees[spec.ncpus * 100000 + spec.nirqs];
  if (!t) {
    t = std::make_unique<irqd::bench::ScaleTree>(spec);
    place_once(scale_engine(*t), t->run_dir().string());
    // As the kernel does (and tests/sim): each IRQ is now delivered to a CPU of its new mask.
    irqd::sysfs::SysRoot root(t->root());
    for (int irq = 100; irq < 100 + spec.nirqs; ++irq) {
      auto list = root.read_line(fmt::format("proc/irq/{}/smp_affinity_list", irq));
      if (list) root.write(fmt::format("proc/irq/{}/effective_affinity_list", irq), list->substr(0, list->find_first_of(",-")));
    }
  }
  return *t;
}

void BM_Cycle112(benchmark::State& state) {
  static irqd::testing::ExtractedTree tree("nto-master-112cpu-2s-xeon6330-r750-ice-i40e");
  irqd::EngineOptions e;
  e.root = tree.root();
  e.use_netlink = false;
  if (!std::filesystem::exists(tree.root() / "proc/stat")) {  // the capture has none: all zeros
    std::string stat = "cpu  0 0 0 0 0 0 0 0 0 0\n";
    for (int c = 0; c < 112; ++c) stat += fmt::format("cpu{} 0 0 0 0 0 0 0 0 0 0\n", c);
    std::FILE* f = std::fopen((tree.root() / "proc/stat").c_str(), "w");
    std::fputs(stat.c_str(), f);
    std::fclose(f);
  }
  steady_cycles(state, e, (tree.root() / "run/irqd").string(), "spread");
}
BENCHMARK(BM_Cycle112)->Unit(benchmark::kMillisecond);

constexpr irqd::bench::ScaleSpec k256x2048{256, 2048, 8, 2, 16};
constexpr irqd::bench::ScaleSpec k1152x440{1152, 440, 4, 8, 16};

void BM_Cycle256x2048(benchmark::State& state) {
  const auto& t = placed_tree(k256x2048);
  state.counters["file_MB"] = static_cast<double>(t.interrupts_bytes()) / 1e6;
  steady_cycles(state, scale_engine(t), t.run_dir().string(), "spread");
}
BENCHMARK(BM_Cycle256x2048)->Unit(benchmark::kMillisecond);

void BM_Cycle1152x440(benchmark::State& state) {
  const auto& t = placed_tree(k1152x440);
  state.counters["file_MB"] = static_cast<double>(t.interrupts_bytes()) / 1e6;
  steady_cycles(state, scale_engine(t), t.run_dir().string(), "spread");
}
BENCHMARK(BM_Cycle1152x440)->Unit(benchmark::kMillisecond);


// The steady cycle's parts, to see where its time goes: sampling (read + parse the four files),
// the cached discovery with its re-reads, and planning + diff from a discovery (copies included).
void cycle_parts(benchmark::State& state, const irqd::bench::ScaleSpec& spec) {
  const auto& t = placed_tree(spec);
  const auto engine = scale_engine(t);
  irqd::sysfs::SysRoot root(t.root());
  irqd::Sampler sampler;
  irqd::DiscoveryCache cache;
  sampler.sample(root, 0.0);
  const auto& found = cache.get(root, sampler.interrupts(), irqd::DiscoverOptions{false}, &sampler);
  const auto machine = std::make_shared<const irqd::topology::Machine>(irqd::load_machine(root, engine));
  irqd::config::Config cfg;
  const int part = static_cast<int>(state.range(0));
  std::unique_ptr<irqd::PlanResult> last;  // as the daemon keeps it: the next plan shares from it
  for (auto _ : state) {
    if (part == 0) benchmark::DoNotOptimize(sampler.sample(root, 1.0));
    if (part == 1) benchmark::DoNotOptimize(&cache.get(root, sampler.interrupts(), irqd::DiscoverOptions{false}, &sampler));
    if (part == 2) {
      last = irqd::plan_discovered(engine, cfg, machine, nullptr, found, last.get());
      benchmark::DoNotOptimize(last.get());
    }
  }
  state.SetLabel(part == 0 ? "sample" : part == 1 ? "cached discovery" : "plan+diff");
}
void BM_CycleParts256x2048(benchmark::State& state) { cycle_parts(state, k256x2048); }
BENCHMARK(BM_CycleParts256x2048)->DenseRange(0, 2)->Unit(benchmark::kMillisecond);
void BM_CycleParts1152x440(benchmark::State& state) { cycle_parts(state, k1152x440); }
BENCHMARK(BM_CycleParts1152x440)->DenseRange(0, 2)->Unit(benchmark::kMillisecond);

// Peak RSS (VmHWM from /proc/PID/status) of the real irqd binary running `cycles` dry-run
// cycles every 50 ms on the 1152 x 440 tree, stopped with SIGTERM. One iteration: it is a
// measurement, not a timing.
void BM_PeakRss1152x440(benchmark::State& state) {
  const auto& t = placed_tree(k1152x440);
  const char* binary = std::getenv("IRQD_BINARY");
  if (binary == nullptr) {
    state.SkipWithError("IRQD_BINARY is not set: run through 'meson test --benchmark'");
    return;
  }
  const int cycles = 20;
  for (auto _ : state) {
    int out[2];
    if (::pipe(out) != 0) {
      state.SkipWithError("pipe failed");
      return;
    }
    std::string root = t.root().string(), xml = t.topology_xml().string(), run = t.run_dir().string();
    pid_t pid = ::fork();
    if (pid == 0) {
      ::dup2(out[1], 2);
      ::close(out[0]);
      ::close(out[1]);
      ::execl(binary, binary, "--foreground", "--dry-run", "--no-netlink", "--interval", "0.05", "--log-level",
              "debug", "--root", root.c_str(), "--topology-xml", xml.c_str(), "--run-dir", run.c_str(),
              static_cast<char*>(nullptr));
      ::_exit(127);
    }
    ::close(out[1]);
    std::string log, want = fmt::format("cycle {}:", cycles);
    char buf[4096];
    for (ssize_t n; log.find(want) == std::string::npos && (n = ::read(out[0], buf, sizeof buf)) > 0;)
      log.append(buf, static_cast<std::size_t>(n));
    // VmHWM of the running daemon: exec gave it a fresh address space. (The child's ru_maxrss
    // would include the forked benchmark's own pages.)
    double hwm_kib = -1;
    {
      std::FILE* f = std::fopen(fmt::format("/proc/{}/status", pid).c_str(), "r");
      char line[256];
      while (f != nullptr && std::fgets(line, sizeof line, f) != nullptr)
        if (std::sscanf(line, "VmHWM: %lf kB", &hwm_kib) == 1) break;
      if (f != nullptr) std::fclose(f);
    }
    ::kill(pid, SIGTERM);
    for (ssize_t n; (n = ::read(out[0], buf, sizeof buf)) > 0;) log.append(buf, static_cast<std::size_t>(n));
    ::close(out[0]);
    int status = 0;
    ::waitpid(pid, &status, 0);
    if (log.find(want) == std::string::npos) {
      state.SkipWithError(("irqd did not run its cycles: " + log.substr(0, 400)).c_str());
      return;
    }
    state.counters["VmHWM_MiB"] = hwm_kib / 1024.0;
    state.counters["cycles"] = cycles;
  }
}
BENCHMARK(BM_PeakRss1152x440)->Iterations(1)->Unit(benchmark::kMillisecond);

// The balanced policy's steady plan + diff at 256 x 2048, as the daemon runs it: with the last
// result to share from. 0: no load yet (the plan is kept), 1: a measured load that changes a little
// every cycle (the plan is made again; nothing moves).
void BM_PlanBalanced256x2048(benchmark::State& state) {
  const auto& t = placed_tree(k256x2048);
  const auto engine = scale_engine(t);
  irqd::sysfs::SysRoot root(t.root());
  irqd::Sampler sampler;
  irqd::DiscoveryCache cache;
  sampler.sample(root, 0.0);
  // The tree's effective_affinity_list files do not follow the writes as the kernel's do.
  irqd::Discovery found = cache.get(root, sampler.interrupts(), irqd::DiscoverOptions{false}, &sampler);
  for (auto& irq : found.inventory.irqs) irq.effective = irq.affinity;
  const auto machine = std::make_shared<const irqd::topology::Machine>(irqd::load_machine(root, engine));
  irqd::config::Config cfg;
  cfg.policy = "balanced";
  irqd::policies::LoadInfo load;
  const bool with_load = state.range(0) == 1;
  std::unique_ptr<irqd::PlanResult> last;
  std::uint64_t n = 0;
  for (auto _ : state) {
    if (with_load)
      for (const auto& irq : found.inventory.irqs)
        load.irqs[irq.irq] = {0.001 + 1e-9 * static_cast<double>((n + static_cast<std::uint64_t>(irq.irq)) % 7), 100.0};
    ++n;
    last = irqd::plan_discovered(engine, cfg, machine, with_load ? &load : nullptr, found, last.get());
    benchmark::DoNotOptimize(last.get());
  }
  state.counters["changes"] = last->diff.changes;
  state.SetLabel(with_load ? "load" : "no load");
}
BENCHMARK(BM_PlanBalanced256x2048)->DenseRange(0, 1)->Unit(benchmark::kMillisecond);

// The default policy's whole cycle under load at 256 x 2048: before each cycle (untimed) every
// queue IRQ fires on the CPU it is delivered to, at a rate falling with its number (Zipf-like, so
// balanced has costs to weigh), and each CPU's irq/softirq time grows. The daemon (dry run, so
// nothing moves) samples, attributes, smooths, re-plans from the new load and diffs every cycle.
void BM_CycleLoaded256x2048(benchmark::State& state) {
  const auto& t = placed_tree(k256x2048);
  irqd::sysfs::SysRoot root(t.root());
  const std::string original = root.read("proc/interrupts"), original_stat = root.read("proc/stat");
  irqd::sysfs::InterruptTable table = irqd::sysfs::parse_interrupts(original, "interrupts");
  const int ncpus = static_cast<int>(table.cpus.size());
  std::vector<int> where(table.rows.size(), 0);
  for (std::size_t r = 0; r < table.rows.size(); ++r) {
    if (table.rows[r].irq < 0) continue;
    auto eff = root.read_line(fmt::format("proc/irq/{}/effective_affinity_list", table.rows[r].irq));
    where[r] = eff ? std::atoi(eff->c_str()) : 0;
  }
  std::vector<std::uint64_t> fired(table.rows.size(), 0);
  std::vector<std::uint64_t> ticks(static_cast<std::size_t>(ncpus), 0);
  std::string text;
  auto advance = [&] {
    text = "    ";
    for (int c : table.cpus) text += fmt::format("{:>11}", fmt::format("CPU{}", c));
    text += "\n";
    for (std::size_t r = 0; r < table.rows.size(); ++r) {
      const auto& row = table.rows[r];
      fired[r] += 1 + 100000 / (r + 1);
      ticks[static_cast<std::size_t>(where[r])] += 1 + 500 / (r + 1);
      text += row.label + ":";
      for (int c = 0; c < ncpus; ++c) text += fmt::format(" {:>10}", c == where[r] ? fired[r] % 4000000000u : 0);
      text += row.description + "\n";
    }
    std::string stat = "cpu  0 0 0 0 0 0 0 0 0 0\n";
    for (int c = 0; c < ncpus; ++c) stat += fmt::format("cpu{} 0 0 0 0 0 {} {} 0 0 0\n", c, ticks[static_cast<std::size_t>(c)], ticks[static_cast<std::size_t>(c)] / 2);
    root.write("proc/interrupts", text);
    root.write("proc/stat", stat);
  };
  irqd::config::Config cfg;  // the default policy: balanced
  cfg.run_dir = t.run_dir().string();
  irqd::DaemonOptions opts;
  opts.engine = scale_engine(t);
  opts.dry_run = true;
  irqd::Daemon d(opts, cfg);
  advance();
  d.cycle();
  advance();
  d.cycle();  // the first load delta
  std::size_t reads = 0;
  for (auto _ : state) {
    state.PauseTiming();
    advance();
    state.ResumeTiming();
    d.cycle();
    reads += d.discovery_cache().last_reads();
  }
  state.counters["rereads"] = static_cast<double>(reads) / static_cast<double>(state.iterations());
  state.counters["changes"] = d.last_report().changes;
  state.counters["loaded_irqs"] = static_cast<double>(d.sampler().load().irqs.size());
  // Leave the tree as the other benchmarks expect it (no load: the same file every cycle).
  root.write("proc/interrupts", original);
  root.write("proc/stat", original_stat);
}
BENCHMARK(BM_CycleLoaded256x2048)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
