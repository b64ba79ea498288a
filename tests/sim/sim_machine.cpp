// Simulated machine: tree layout, the vector allocator, picking up writes, the interval step.
#include "tests/sim/sim_machine.hpp"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

#include "tests/sim/sim_files.hpp"
#include "tests/sim/synthetic_topology.hpp"
#include "topology/hwloc_loader.hpp"

namespace irqd::sim {

namespace {
std::size_t ix(int i) { return static_cast<std::size_t>(i); }
std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}
topology::Machine load(const SimSpec& s) {
  return s.topology_synthetic.empty() ? topology::load_xml(s.topology_xml)
                                      : topology::load_synthetic(s.topology_synthetic);
}
// The kernel's zero mask `bits` wide.
std::string zero_mask(int bits) { return CpuSet{}.to_mask(bits); }
}  // namespace

double batch(double load) { return std::min(64.0, 1.0 + std::max(0.0, load) / kBatchUnit); }

SimMachine::SimMachine(SimSpec spec)
    : spec_(std::move(spec)), machine_(load(spec_)), tree_(machine_.max_cpu() + 1), knobs_(tree_.root()) {
  ncpus_ = machine_.max_cpu() + 1;
  mask_bits_ = ncpus_;
  rng_ = splitmix64(spec_.seed ^ 0x51a9ULL);
  if (!spec_.topology_synthetic.empty()) {
    spec_.topology_xml = root() / "sim-topology.xml";
    export_synthetic_xml(spec_.topology_synthetic, spec_.topology_xml);
  }
  if (spec_.apply_lag < 0 || spec_.other_irqs < 0 || spec_.other_load < 0)
    throw std::invalid_argument("sim: apply_lag, other_irqs and other_load must be >= 0");
  if (!(spec_.rps_share >= 0 && spec_.rps_share <= 1)) throw std::invalid_argument("sim: rps_share must be in [0, 1]");
  user_hz_ = std::max(1L, ::sysconf(_SC_CLK_TCK));  // the sampler converts ticks with the same
  vectors_.assign(ix(ncpus_), 0);
  busy_.assign(ix(ncpus_), 0.0);
  hard_.assign(ix(ncpus_), 0.0);
  net_rx_.assign(ix(ncpus_), 0);
  net_tx_.assign(ix(ncpus_), 0);
  processed_.assign(ix(ncpus_), 0.0);

  const std::string online = machine_.online.to_list() + "\n";
  for (const char* f : {"online", "possible", "present"}) write(fmt::format("sys/devices/system/cpu/{}", f), online);
  write("sys/devices/system/cpu/isolated", "\n");
  write("proc/cmdline", "BOOT_IMAGE=/vmlinuz root=/dev/sda1 ro quiet\n");
  knobs_.add("proc/sys/net/core/rps_sock_flow_entries", KnobFileKind::kSysctl, 0, "0");

  int irq = spec_.first_irq;
  for (std::size_t n = 0; n < spec_.nics.size(); ++n) {
    const auto& nic = spec_.nics[n];
    const CpuSet local = machine_.node_cpus(nic.node);
    if (local.empty() || nic.queues <= 0)
      throw std::invalid_argument(fmt::format("sim: NIC {} needs queues and a node with CPUs (node {})",
                                              nic.name, nic.node));
    const std::string pci = fmt::format("0000:{:02x}:00.0", 0x10 + n);
    testing::SynthNic s{.name = nic.name,
                        .pci = pci,
                        .driver = "ixgbe",
                        .numa_node = nic.node,
                        .local_cpulist = local.to_list(),
                        .rx = nic.queues,
                        .tx = nic.queues};
    for (int q = 0; q < nic.queues; ++q) {
      s.msi_irqs.push_back(irq);
      queues_.push_back({nic.name, q, irq++, nic.node,
                         nic.cost_per_interrupt > 0 ? nic.cost_per_interrupt : spec_.cost_per_interrupt,
                         nic.napi_batching});
    }
    tree_.add_nic(s);
    // The steering knobs as the kernel shows them (SyntheticTree writes a bare "0").
    const std::string dir = fmt::format("sys/devices/pci0000:00/{}/net/{}/queues/", pci, nic.name);
    for (int q = 0; q < nic.queues; ++q) {
      rps_file_.push_back(fmt::format("{}rx-{}/rps_cpus", dir, q));
      knobs_.add(rps_file_.back(), KnobFileKind::kRpsCpus, mask_bits_, zero_mask(mask_bits_));
      knobs_.add(fmt::format("{}rx-{}/rps_flow_cnt", dir, q), KnobFileKind::kRpsFlowCnt, 0, "0");
      knobs_.add(fmt::format("{}tx-{}/xps_cpus", dir, q), KnobFileKind::kXpsCpus, mask_bits_, zero_mask(mask_bits_));
      knobs_.add(fmt::format("{}tx-{}/xps_rxqs", dir, q), KnobFileKind::kXpsRxqs, nic.queues, zero_mask(nic.queues));
    }
  }
  const CpuSet start = spec_.initial ? (*spec_.initial & machine_.online) : machine_.online;
  if (start.empty()) throw std::invalid_argument("sim: the initial affinity has no online CPU");
  irqs_.resize(queues_.size());
  rps_.resize(queues_.size());
  for (std::size_t q = 0; q < queues_.size(); ++q) {
    irqs_[q].counts.assign(ix(ncpus_), 0);
    accept_affinity(q, start, 0.0);
    take_effect(q);
    boot_cpu_.push_back(irqs_[q].effective);
    write_irq_files(q, true);
    write(fmt::format("proc/irq/{}/node", queues_[q].irq), fmt::format("{}\n", queues_[q].node));
  }

  // Non-network IRQs, each on one CPU of a seeded permutation of the online CPUs.
  std::vector<int> cpus = machine_.online.to_vector();
  for (std::size_t i = cpus.size(); i > 1; --i)
    std::swap(cpus[i - 1], cpus[static_cast<std::size_t>(splitmix64(rng_ + i) % i)]);
  for (int k = 0; k < spec_.other_irqs; ++k) {
    const int cpu = cpus[ix(k) % cpus.size()];
    other_irq_.push_back(irq++);
    other_cpu_.push_back(cpu);
    other_counts_.emplace_back(ix(ncpus_), 0);
    other_carry_.push_back(0.0);
    ++vectors_[ix(cpu)];
    const std::string dir = fmt::format("proc/irq/{}/", other_irq_.back());
    const CpuSet one = CpuSet::of({cpu});
    write(dir + "smp_affinity_list", one.to_list() + "\n", true);
    write(dir + "smp_affinity", one.to_mask(mask_bits_) + "\n", true);
    write(dir + "effective_affinity_list", one.to_list() + "\n");
    write(dir + "effective_affinity", one.to_mask(mask_bits_) + "\n");
    write(dir + "node", fmt::format("{}\n", machine_.node_of(cpu)));
  }
  write_proc_files();
}

void SimMachine::write(const std::string& rel, const std::string& text, bool stamp) const {
  write_file(root(), rel, text, stamp);
}

double SimMachine::next_unit() {
  rng_ = splitmix64(rng_);
  return static_cast<double>(rng_ >> 11) / 9007199254740992.0;  // [0, 1)
}

int SimMachine::allocate(const CpuSet& mask, int current) {
  // arch/x86/kernel/apic/vector.c: no move while the current target is in the new mask; else
  // irq_matrix_alloc() takes the CPU of the mask with the fewest allocated vectors.
  if (current >= 0 && mask.test(current)) return current;
  int best = -1;
  for (int c : (mask & machine_.online).to_vector())
    if (best < 0 || vectors_[ix(c)] < vectors_[ix(best)]) best = c;
  return best;
}

void SimMachine::accept_affinity(std::size_t q, const CpuSet& mask, double lag) {
  // The new vector is allocated at once (apicd->cpu); the old one is released when the move
  // takes effect. A write while a move is pending retargets it (the kernel may say EBUSY then;
  // not modelled).
  auto& r = irqs_[q];
  const int target = r.pending >= 0 ? r.pending : r.effective;
  const int cpu = allocate(mask, target);
  if (cpu != target) {
    if (r.pending >= 0) --vectors_[ix(r.pending)];
    if (cpu == r.effective) {
      r.pending = -1;  // back where it still is: nothing to move
    } else {
      ++vectors_[ix(cpu)];
      r.pending = cpu;
      r.pending_at = now_ + lag;
    }
  }
  r.affinity = mask;
  r.list_text = mask.to_list();
  r.mask_text = mask.to_mask(mask_bits_);
  const std::string dir = fmt::format("proc/irq/{}/", queues_[q].irq);
  write(dir + "smp_affinity_list", r.list_text + "\n", true);
  write(dir + "smp_affinity", r.mask_text + "\n", true);
}

void SimMachine::take_effect(std::size_t q) {
  auto& r = irqs_[q];
  if (r.pending < 0) return;
  if (r.effective >= 0) --vectors_[ix(r.effective)];
  r.effective = r.pending;
  r.pending = -1;
}

void SimMachine::write_irq_files(std::size_t q, bool effective) const {
  const auto& r = irqs_[q];
  const std::string dir = fmt::format("proc/irq/{}/", queues_[q].irq);
  if (!effective) {
    write(dir + "smp_affinity_list", r.list_text + "\n", true);
    write(dir + "smp_affinity", r.mask_text + "\n", true);
    return;
  }
  const CpuSet eff = CpuSet::of({spec_.effective_frozen && q < boot_cpu_.size() ? boot_cpu_[q] : r.effective});
  write(dir + "effective_affinity_list", eff.to_list() + "\n");
  write(dir + "effective_affinity", eff.to_mask(mask_bits_) + "\n");
}

int SimMachine::effective_cpu(int irq) const {
  for (std::size_t q = 0; q < queues_.size(); ++q)
    if (queues_[q].irq == irq) return irqs_[q].effective;
  for (std::size_t k = 0; k < other_irq_.size(); ++k)
    if (other_irq_[k] == irq) return other_cpu_[k];
  return -1;
}

void SimMachine::pick_up_writes(StepResult& out) {
  for (std::size_t q = 0; q < queues_.size(); ++q) {
    auto& r = irqs_[q];
    const std::string dir = fmt::format("proc/irq/{}/", queues_[q].irq);
    if (!written_since_stamp(root(), dir + "smp_affinity_list") && !written_since_stamp(root(), dir + "smp_affinity"))
      continue;
    ++out.writes.affinity;
    const std::string list = read_trimmed(root(), dir + "smp_affinity_list");
    const std::string mask = read_trimmed(root(), dir + "smp_affinity");
    std::optional<CpuSet> want;
    try {
      want = list != r.list_text ? CpuSet::parse_list(list) : CpuSet::parse_mask(mask);
    } catch (const std::exception&) {
    }
    if (!want || !want->intersects(machine_.online)) {
      ++out.rejected_writes;
      write_irq_files(q, false);  // the kernel refused it: the files keep showing the old mask
      continue;
    }
    accept_affinity(q, *want, spec_.apply_lag > 0 ? spec_.apply_lag * next_unit() : 0.0);
  }
  // Kernel-managed IRQs: the kernel refuses every write (EIO); the files keep their mask.
  for (std::size_t k = 0; k < other_irq_.size(); ++k) {
    const std::string dir = fmt::format("proc/irq/{}/", other_irq_[k]);
    if (!written_since_stamp(root(), dir + "smp_affinity_list") && !written_since_stamp(root(), dir + "smp_affinity"))
      continue;
    ++out.writes.affinity;
    ++out.rejected_writes;
    const CpuSet one = CpuSet::of({other_cpu_[k]});
    write(dir + "smp_affinity_list", one.to_list() + "\n", true);
    write(dir + "smp_affinity", one.to_mask(mask_bits_) + "\n", true);
  }
  out.rejected_writes += knobs_.collect(out.writes);
  if (out.writes.rps_cpus > 0) refresh_rps();
  total_ += out.writes;
}

void SimMachine::refresh_rps() {
  for (std::size_t q = 0; q < queues_.size(); ++q) {
    auto& t = rps_[q];
    t.clear();
    CpuSet mask;
    try {
      mask = CpuSet::parse_mask(knobs_.value(rps_file_[q])) & machine_.online;
    } catch (const std::exception&) {
    }
    double sum = 0.0;
    for (int c : mask.to_vector()) {
      // The flows' hash: a fixed uneven share per queue and CPU.
      const double w = 0.7 + 0.6 * static_cast<double>(splitmix64(spec_.seed * 7919 + q * 1031 + ix(c)) >> 11) /
                                 9007199254740992.0;
      t.emplace_back(c, w);
      sum += w;
    }
    for (auto& [c, w] : t) w /= sum;
  }
}

void SimMachine::add_work(std::size_t q, int cpu, double work, double seconds, StepResult& out) {
  if (!(work >= 0)) throw std::invalid_argument(fmt::format("sim: queue {} has work {}", q, work));
  if (seconds <= 0) return;
  auto& r = irqs_[q];
  const auto& qu = queues_[q];
  // One interrupt handles `b` packets' worth of work under NAPI batching.
  const double packets_per = qu.napi_batching ? batch(work / seconds) : 1.0;
  const double per = qu.cost_per_interrupt * packets_per;
  const double want = (work + r.carry) / per;
  const double whole = std::floor(want + 1e-6);  // 0.5 * 10 / 10e-6 is 499999.99...
  r.carry = std::max(0.0, work + r.carry - whole * per);
  const auto n = static_cast<std::uint64_t>(whole);
  const auto c = ix(cpu);
  r.counts[c] += n;
  net_rx_[c] += n;
  net_tx_[c] += n / 4;  // TX completions are mostly handled in the RX poll
  const double packets = whole * packets_per;
  // RPS: the stack's share of the work (and the packets) goes to the RPS CPUs.
  const double away = rps_[q].empty() ? 0.0 : spec_.rps_share * work;
  const double here = work - away;
  for (const auto& [t, share] : rps_[q]) {
    busy_[ix(t)] += away * share;
    processed_[ix(t)] += packets * share;
    net_rx_[ix(t)] += static_cast<std::uint64_t>(std::ceil(static_cast<double>(n) * share));  // backlog IPIs
    out.cpu_load[ix(t)] += away * share;
  }
  if (rps_[q].empty()) processed_[c] += packets;
  busy_[c] += here;  // /proc/stat: exactly the work done, however many interrupts carried it
  // The hard IRQ part: per interrupt (the handler schedules the poll, whatever it then handles).
  hard_[c] += qu.napi_batching ? std::min(here, spec_.hard_share * qu.cost_per_interrupt * whole) : spec_.hard_share * here;
  r.packets += packets;
  out.cpu_load[c] += here;
}

StepResult SimMachine::step(double seconds, const std::vector<double>& costs) {
  if (costs.size() != queues_.size())
    throw std::invalid_argument(fmt::format("sim: {} queue loads for {} queues", costs.size(), queues_.size()));
  return step(seconds, [&](std::size_t q, double t0, double t1) { return costs[q] * (t1 - t0); });
}

StepResult SimMachine::step(double seconds, const WorkFn& work) {
  if (!(seconds > 0)) throw std::invalid_argument("sim: a step must be longer than 0 s");
  StepResult out;
  // 1. What irqd wrote since the last step.
  pick_up_writes(out);

  // 2. The interval: each queue's interrupts where they really go, split where a move lands.
  const double t0 = now_, t1 = now_ + seconds;
  out.cpu_load.assign(ix(ncpus_), 0.0);
  out.runs.resize(queues_.size());
  for (std::size_t q = 0; q < queues_.size(); ++q) {
    auto& r = irqs_[q];
    double t = t0;
    if (r.pending >= 0 && r.pending_at < t1) {
      if (r.pending_at > t0) {
        out.runs[q].push_back({r.effective, t0, r.pending_at});
        t = r.pending_at;
      }
      take_effect(q);
      write_irq_files(q, true);
      ++out.moves_applied;
    }
    out.runs[q].push_back({r.effective, t, t1});
    if (r.pending >= 0) ++out.moves_pending;
    for (const auto& s : out.runs[q]) add_work(q, s.cpu, work(q, s.t0, s.t1), s.t1 - s.t0, out);
  }
  const double each = other_irq_load();
  for (std::size_t k = 0; k < other_irq_.size(); ++k) {
    const auto c = ix(other_cpu_[k]);
    const double w = each * seconds + other_carry_[k];
    const double n = std::floor(w / spec_.cost_per_interrupt + 1e-6);
    other_carry_[k] = std::max(0.0, w - n * spec_.cost_per_interrupt);
    other_counts_[k][c] += static_cast<std::uint64_t>(n);
    busy_[c] += each * seconds;
    hard_[c] += spec_.hard_share * each * seconds;
    out.cpu_load[c] += each * seconds;
  }
  for (auto& l : out.cpu_load) l /= seconds;
  now_ = t1;
  write_proc_files();
  return out;
}

}  // namespace irqd::sim
