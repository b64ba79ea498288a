// Simulated machine: tree layout, the vector allocator, the interval step, file rendering.
#include "tests/sim/sim_machine.hpp"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <stdexcept>

#include <fmt/format.h>

#include "sysfs/sys_root.hpp"
#include "topology/hwloc_loader.hpp"

namespace irqd::sim {

namespace fs = std::filesystem;

namespace {
std::size_t ix(int i) { return static_cast<std::size_t>(i); }
constexpr double kTimerHz = 250.0;  // CONFIG_HZ: local timer interrupts and TIMER softirqs
std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ' || s.back() == '\0')) s.pop_back();
  return s;
}
std::uint64_t ticks(double seconds, long hz) {
  return static_cast<std::uint64_t>(std::floor(seconds * static_cast<double>(hz)));
}
}  // namespace

SimMachine::SimMachine(SimSpec spec)
    : spec_(std::move(spec)),
      machine_(topology::load_xml(spec_.topology_xml)),
      tree_(machine_.max_cpu() + 1) {
  ncpus_ = machine_.max_cpu() + 1;
  mask_bits_ = ncpus_;
  user_hz_ = std::max(1L, ::sysconf(_SC_CLK_TCK));  // the sampler converts ticks with the same
  vectors_.assign(ix(ncpus_), 0);
  busy_.assign(ix(ncpus_), 0.0);
  net_rx_.assign(ix(ncpus_), 0);
  net_tx_.assign(ix(ncpus_), 0);

  const std::string online = machine_.online.to_list() + "\n";
  for (const char* f : {"online", "possible", "present"}) write(fmt::format("sys/devices/system/cpu/{}", f), online);
  write("sys/devices/system/cpu/isolated", "\n");
  write("proc/cmdline", "BOOT_IMAGE=/vmlinuz root=/dev/sda1 ro quiet\n");
  write("proc/sys/net/core/rps_sock_flow_entries", "0\n");

  int irq = spec_.first_irq;
  for (std::size_t n = 0; n < spec_.nics.size(); ++n) {
    const auto& nic = spec_.nics[n];
    const CpuSet local = machine_.node_cpus(nic.node);
    if (local.empty() || nic.queues <= 0)
      throw std::invalid_argument(fmt::format("sim: NIC {} needs queues and a node with CPUs (node {})",
                                              nic.name, nic.node));
    testing::SynthNic s{.name = nic.name,
                        .pci = fmt::format("0000:{:02x}:00.0", 0x10 + n),
                        .driver = "ixgbe",
                        .numa_node = nic.node,
                        .local_cpulist = local.to_list(),
                        .rx = nic.queues,
                        .tx = nic.queues};
    for (int q = 0; q < nic.queues; ++q) {
      s.msi_irqs.push_back(irq);
      queues_.push_back({nic.name, q, irq++, nic.node,
                         nic.cost_per_interrupt > 0 ? nic.cost_per_interrupt : spec_.cost_per_interrupt});
    }
    tree_.add_nic(s);
  }
  const CpuSet start = spec_.initial ? (*spec_.initial & machine_.online) : machine_.online;
  if (start.empty()) throw std::invalid_argument("sim: the initial affinity has no online CPU");
  irqs_.resize(queues_.size());
  for (std::size_t q = 0; q < queues_.size(); ++q) {
    irqs_[q].counts.assign(ix(ncpus_), 0);
    set_affinity(q, start);
    write(fmt::format("proc/irq/{}/node", queues_[q].irq), fmt::format("{}\n", queues_[q].node));
  }
  write_proc_files();
}

void SimMachine::write(const std::string& rel, const std::string& text) const {
  const fs::path p = root() / rel;
  fs::create_directories(p.parent_path());
  const fs::path tmp = p.string() + ".sim-tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << text;
    if (!out) throw std::runtime_error("sim: cannot write " + tmp.string());
  }
  fs::rename(tmp, p);
}

std::string SimMachine::read(const std::string& rel) const { return sysfs::SysRoot(root()).read(rel); }

int SimMachine::allocate(const CpuSet& mask, int current) {
  // arch/x86/kernel/apic/vector.c: no move while the current target is in the new mask; else
  // irq_matrix_alloc() takes the CPU of the mask with the fewest allocated vectors.
  if (current >= 0 && mask.test(current)) return current;
  int best = -1;
  for (int c : (mask & machine_.online).to_vector())
    if (best < 0 || vectors_[ix(c)] < vectors_[ix(best)]) best = c;
  return best;
}

void SimMachine::set_affinity(std::size_t q, const CpuSet& mask) {
  auto& r = irqs_[q];
  const int cpu = allocate(mask, r.effective);
  if (cpu != r.effective) {
    if (r.effective >= 0) --vectors_[ix(r.effective)];
    ++vectors_[ix(cpu)];
    r.effective = cpu;
  }
  r.affinity = mask;
  r.list_text = mask.to_list();
  r.mask_text = mask.to_mask(mask_bits_);
  write_irq_files(q);
}

void SimMachine::write_irq_files(std::size_t q) const {
  const auto& r = irqs_[q];
  const std::string dir = fmt::format("proc/irq/{}/", queues_[q].irq);
  const CpuSet eff = CpuSet::of({r.effective});
  write(dir + "smp_affinity_list", r.list_text + "\n");
  write(dir + "smp_affinity", r.mask_text + "\n");
  write(dir + "effective_affinity_list", eff.to_list() + "\n");
  write(dir + "effective_affinity", eff.to_mask(mask_bits_) + "\n");
}

int SimMachine::effective_cpu(int irq) const {
  for (std::size_t q = 0; q < queues_.size(); ++q)
    if (queues_[q].irq == irq) return irqs_[q].effective;
  return -1;
}

StepResult SimMachine::step(double seconds, const std::vector<double>& costs) {
  if (costs.size() != queues_.size())
    throw std::invalid_argument(fmt::format("sim: {} queue loads for {} queues", costs.size(), queues_.size()));
  if (!(seconds > 0)) throw std::invalid_argument("sim: a step must be longer than 0 s");
  StepResult out;
  // 1. What irqd wrote since the last step.
  for (std::size_t q = 0; q < queues_.size(); ++q) {
    auto& r = irqs_[q];
    const std::string dir = fmt::format("proc/irq/{}/", queues_[q].irq);
    const std::string list = trim(read(dir + "smp_affinity_list"));
    const std::string mask = trim(read(dir + "smp_affinity"));
    if (list == r.list_text && mask == r.mask_text) continue;
    ++out.affinity_writes;
    std::optional<CpuSet> want;
    try {
      want = list != r.list_text ? CpuSet::parse_list(list) : CpuSet::parse_mask(mask);
    } catch (const std::exception&) {
    }
    if (!want || !want->intersects(machine_.online)) {
      ++out.rejected_writes;
      write_irq_files(q);  // the kernel refused it: the files keep showing the old mask
      continue;
    }
    set_affinity(q, *want);
  }
  total_writes_ += out.affinity_writes;

  // 2. The interval: each queue's interrupts on its effective CPU.
  out.cpu_load.assign(ix(ncpus_), 0.0);
  for (std::size_t q = 0; q < queues_.size(); ++q) {
    if (!(costs[q] >= 0)) throw std::invalid_argument(fmt::format("sim: queue {} has load {}", q, costs[q]));
    auto& r = irqs_[q];
    const double per = queues_[q].cost_per_interrupt;
    const double want = costs[q] * seconds / per + r.carry;
    const double whole = std::floor(want + 1e-6);  // 0.5 * 10 / 10e-6 is 499999.99...
    r.carry = std::max(0.0, want - whole);
    const auto n = static_cast<std::uint64_t>(whole);
    const auto c = ix(r.effective);
    r.counts[c] += n;
    net_rx_[c] += n;
    net_tx_[c] += n / 4;  // TX completions are mostly handled in the RX poll
    const double work = static_cast<double>(n) * per;
    busy_[c] += work;
    out.cpu_load[c] += work / seconds;
  }
  now_ += seconds;
  write_proc_files();
  return out;
}

void SimMachine::write_proc_files() const {
  const auto cpus = machine_.online.to_vector();
  // /proc/interrupts: one column per online CPU, 32-bit counters as the kernel prints them.
  std::string text = "    ";
  for (int c : cpus) text += fmt::format("       CPU{:<4}", c);
  text += "\n";
  for (std::size_t q = 0; q < queues_.size(); ++q) {
    text += fmt::format("{:>4}:", queues_[q].irq);
    for (int c : cpus) text += fmt::format(" {:>10}", irqs_[q].counts[ix(c)] & 0xffffffffULL);
    const auto n = static_cast<std::size_t>(std::find_if(spec_.nics.begin(), spec_.nics.end(),
                                                         [&](const SimNic& x) { return x.name == queues_[q].nic; }) -
                                            spec_.nics.begin());
    text += fmt::format("  IR-PCI-MSIX-0000:{:02x}:00.0 {:>6}-edge      {}-TxRx-{}\n", 0x10 + n,
                        queues_[q].index, queues_[q].nic, queues_[q].index);
  }
  const auto timer = static_cast<std::uint64_t>(now_ * kTimerHz);
  text += "NMI:";
  for (std::size_t i = 0; i < cpus.size(); ++i) text += fmt::format(" {:>10}", 0);
  text += "   Non-maskable interrupts\nLOC:";
  for (std::size_t i = 0; i < cpus.size(); ++i) text += fmt::format(" {:>10}", timer & 0xffffffffULL);
  text += "   Local timer interrupts\n";
  write("proc/interrupts", text);

  // /proc/stat: USER_HZ ticks; interrupt time split hard/soft; a little user and system time.
  const double h = spec_.hard_share;
  std::string lines;
  std::uint64_t tot[7] = {};
  for (int c : cpus) {
    const double b = busy_[ix(c)];
    const std::uint64_t v[7] = {ticks(now_ * 0.10, user_hz_), 0, ticks(now_ * 0.05, user_hz_), 0, 0,
                                ticks(b * h, user_hz_), ticks(b * (1 - h), user_hz_)};
    const std::uint64_t all = ticks(now_, user_hz_);
    const std::uint64_t used = v[0] + v[2] + v[5] + v[6];
    const std::uint64_t idle = all > used ? all - used : 0;
    lines += fmt::format("cpu{} {} {} {} {} {} {} {} 0 0 0\n", c, v[0], v[1], v[2], idle, v[4], v[5], v[6]);
    for (int i = 0; i < 7; ++i) tot[i] += i == 3 ? idle : v[i];
  }
  write("proc/stat", fmt::format("cpu  {} {} {} {} {} {} {} 0 0 0\n", tot[0], tot[1], tot[2], tot[3],
                                 tot[4], tot[5], tot[6]) +
                         lines + "intr 0\nctxt 0\nbtime 1767225600\nprocesses 1\n");

  // /proc/softirqs: a column per possible CPU.
  std::string soft = "       ";
  for (int c : cpus) soft += fmt::format("    CPU{:<4}", c);
  soft += "\n";
  auto row = [&](const char* name, auto value) {
    soft += fmt::format("{:>12}:", name);
    for (int c : cpus) soft += fmt::format(" {:>10}", value(c));
    soft += "\n";
  };
  auto zero = [](int) { return std::uint64_t{0}; };
  auto timers = [&](int) { return timer; };
  row("HI", zero);
  row("TIMER", timers);
  row("NET_TX", [&](int c) { return net_tx_[ix(c)]; });
  row("NET_RX", [&](int c) { return net_rx_[ix(c)]; });
  row("BLOCK", zero);
  row("IRQ_POLL", zero);
  row("TASKLET", zero);
  row("SCHED", timers);
  row("HRTIMER", zero);
  row("RCU", timers);
  write("proc/softirqs", soft);
}

}  // namespace irqd::sim
