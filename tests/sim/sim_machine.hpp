// The simulated machine: a --root tree (sysfs + procfs) for a topology from an hwloc XML with N
// NICs x M queues, whose kernel files move forward in time. Each step first honours what irqd
// wrote to /proc/irq/N/smp_affinity(_list) the way the x86 vector allocator does (the current
// CPU stays while it is in the new mask, else the mask's online CPU with the fewest vectors),
// then runs the interval: every queue's interrupts fire on its effective CPU, whose hard- and
// soft-IRQ time in /proc/stat grows by a fixed cost per interrupt, with NET_RX / NET_TX in
// /proc/softirqs. Every file is replaced atomically (temp file + rename): no torn reads.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "sysfs/cpuset.hpp"
#include "tests/support/synthetic_tree.hpp"
#include "topology/machine.hpp"

namespace irqd::sim {

using sysfs::CpuSet;

struct SimNic {
  std::string name;  // "eth0"
  int node = 0;      // NUMA node of its PCI function
  int queues = 8;    // combined TxRx channels, one MSI-X vector each
  double cost_per_interrupt = 0.0;  // this NIC's CPU seconds per interrupt; 0: SimSpec's
};

struct SimSpec {
  std::filesystem::path topology_xml;
  std::vector<SimNic> nics;
  double cost_per_interrupt = 10e-6;  // CPU seconds of hard + soft IRQ work per interrupt
  double hard_share = 0.2;            // of that cost, the part counted as hard IRQ time
  std::optional<CpuSet> initial;      // every queue IRQ's first smp_affinity; unset: all CPUs
  int first_irq = 64;                 // IRQ numbers are consecutive from here, NIC by NIC
};

struct SimQueue {
  std::string nic;
  int index = 0;
  int irq = 0;
  int node = 0;
  double cost_per_interrupt = 0.0;
};

struct StepResult {
  int affinity_writes = 0;    // smp_affinity(_list) changes irqd made since the previous step
  int rejected_writes = 0;    // of those, masks without an online CPU (the kernel says EINVAL)
  std::vector<double> cpu_load;  // by CPU: interrupt work this interval, CPU seconds per second
};

class SimMachine {
 public:
  explicit SimMachine(SimSpec spec);

  const std::filesystem::path& root() const { return tree_.root(); }
  const topology::Machine& machine() const { return machine_; }
  const std::vector<SimQueue>& queues() const { return queues_; }
  const std::filesystem::path& spec_topology() const { return spec_.topology_xml; }
  // Seconds of virtual time since boot.
  double now() const { return now_; }

  // Picks up affinity writes, then advances `seconds` with queue i generating costs[i] CPU
  // seconds of interrupt work per second (LoadModel::costs). Throws std::invalid_argument when
  // costs has the wrong size or a negative value, or seconds <= 0.
  StepResult step(double seconds, const std::vector<double>& costs);

  int effective_cpu(int irq) const;
  int total_affinity_writes() const { return total_writes_; }

 private:
  struct Irq {
    CpuSet affinity;
    int effective = -1;
    std::string list_text, mask_text;  // what the files said after the last step
    std::vector<std::uint64_t> counts;  // by CPU
    double carry = 0.0;                 // interrupts not yet whole
  };

  void write(const std::string& rel, const std::string& text) const;
  std::string read(const std::string& rel) const;
  int allocate(const CpuSet& mask, int current);
  void set_affinity(std::size_t q, const CpuSet& mask);
  void write_irq_files(std::size_t q) const;
  void write_proc_files() const;

  SimSpec spec_;
  topology::Machine machine_;
  testing::SyntheticTree tree_;
  std::vector<SimQueue> queues_;
  std::vector<Irq> irqs_;            // parallel to queues_
  std::vector<int> vectors_;         // by CPU: vectors assigned (x86 matrix allocator)
  std::vector<double> busy_;         // by CPU: cumulative interrupt seconds
  std::vector<std::uint64_t> net_rx_, net_tx_;
  int ncpus_ = 0;
  int mask_bits_ = 0;
  long user_hz_ = 100;
  double now_ = 0.0;
  int total_writes_ = 0;
};

}  // namespace irqd::sim
