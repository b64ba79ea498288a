// The simulated machine: a --root tree (sysfs + procfs) for a topology from an hwloc XML (or an
// hwloc synthetic description) with N NICs x M queues and optional non-network IRQs (NVMe
// queues), whose kernel files move forward in time. Each step first picks up what irqd wrote:
// affinity the way the x86 vector allocator does (the current CPU stays while it is in the new
// mask, else the mask's online CPU with the fewest vectors), applied after a seeded delay (the
// vector moves when the IRQ next fires; effective_affinity shows the old CPU until then, or the
// boot CPU forever when frozen), and every steering knob counted by kind. Then it runs the
// interval: every queue's interrupts fire on the CPU they really go to (split at the moment a
// pending move takes effect), whose hard- and soft-IRQ time in /proc/stat grows by exactly the
// work done, with NET_RX / NET_TX in /proc/softirqs. A busy queue with NAPI batching fires fewer,
// costlier interrupts for the same work.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "sysfs/cpuset.hpp"
#include "tests/sim/knob_files.hpp"
#include "tests/support/synthetic_tree.hpp"
#include "topology/machine.hpp"

namespace irqd::sim {

using sysfs::CpuSet;

struct SimNic {
  std::string name;  // "eth0"
  int node = 0;      // NUMA node of its PCI function
  int queues = 8;    // combined TxRx channels, one MSI-X vector each
  double cost_per_interrupt = 0.0;  // this NIC's CPU seconds per interrupt; 0: SimSpec's
  bool napi_batching = false;       // a busy queue polls many packets per interrupt (batch())
};

struct SimSpec {
  std::filesystem::path topology_xml;
  // Instead of topology_xml: an hwloc synthetic description ("pack:8 numa:2 l3:1 core:36 pu:2"),
  // exported to XML inside the machine's tree for the daemon to load.
  std::string topology_synthetic;
  std::vector<SimNic> nics;
  double cost_per_interrupt = 10e-6;  // CPU seconds of hard + soft IRQ work per interrupt
  double hard_share = 0.2;            // of that cost, the part counted as hard IRQ time
  std::optional<CpuSet> initial;      // every queue IRQ's first smp_affinity; unset: all CPUs
  int first_irq = 64;                 // IRQ numbers are consecutive from here, NIC by NIC
  // Seconds: each write irqd makes to an IRQ's affinity takes effect after a delay drawn uniformly
  // from [0, apply_lag] (x86 moves the vector when the IRQ next fires). 0: at once.
  double apply_lag = 0.0;
  // effective_affinity(_list) keep showing the boot CPU forever, whatever the interrupts do.
  bool effective_frozen = false;
  // Non-network IRQs (NVMe queues "nvme0q1".., kernel-managed), each fixed on one CPU of a
  // seeded spread, sharing other_load CPU seconds per second of interrupt work equally.
  int other_irqs = 0;
  double other_load = 0.0;
  std::uint64_t seed = 1;  // apply lags and the other IRQs' CPUs
  // The NICs count each queue's packets (netdev qstats-get, Linux 6.9+), served by SimNetdev.
  bool qstats = false;
  // RPS: of the work of a queue whose rx-N/rps_cpus is set, this share (the protocol stack after
  // GRO) runs as NET_RX softirq on its RPS CPUs, where none of its interrupts fire; the rest (driver
  // poll, GRO, the enqueue) on its IRQ's CPU. Flows hash unevenly: each target CPU takes a seeded
  // weight in [0.7, 1.3] of an even share. Packets are counted in proc/net/softnet_stat where the
  // stack handled them (the RPS CPU, else the IRQ's CPU).
  double rps_share = 0.5;
};

struct SimQueue {
  std::string nic;
  int index = 0;
  int irq = 0;
  int node = 0;
  double cost_per_interrupt = 0.0;
  bool napi_batching = false;
};

// NAPI batching: packets handled per interrupt by a queue with `load` CPU seconds per second.
// At kBatchUnit per extra packet, a queue at 0.3 handles ~60 per interrupt, capped at 64 (the
// NAPI weight).
inline constexpr double kBatchUnit = 0.005;
double batch(double load);

// Where a queue's interrupts went during part of a step: [t0, t1) of virtual time on `cpu`.
struct Segment {
  int cpu = -1;
  double t0 = 0.0, t1 = 0.0;
};

struct StepResult {
  KnobWrites writes;          // knob files irqd wrote since the previous step, by kind
  int rejected_writes = 0;    // of those, values the kernel refuses (EINVAL): the old one stays
  int moves_applied = 0;      // IRQ moves that took effect during this step
  int moves_pending = 0;      // IRQ moves still waiting at its end
  std::vector<double> cpu_load;  // by CPU: interrupt work this interval, CPU seconds per second
  std::vector<std::vector<Segment>> runs;  // by queue: where its interrupts fired, in order
};

// Where a queue's RPS work went during a step: CPUs and their shares (adding up to 1); empty when
// its rps_cpus is 0 (all of its work on the IRQ's CPU).
using RpsTargets = std::vector<std::pair<int, double>>;

// Work (CPU seconds) queue q generates over [t0, t1] of virtual time.
using WorkFn = std::function<double(std::size_t q, double t0, double t1)>;

class SimMachine {
 public:
  explicit SimMachine(SimSpec spec);

  const std::filesystem::path& root() const { return tree_.root(); }
  const topology::Machine& machine() const { return machine_; }
  const std::vector<SimQueue>& queues() const { return queues_; }
  const std::filesystem::path& spec_topology() const { return spec_.topology_xml; }
  const SimSpec& spec() const { return spec_; }
  // Seconds of virtual time since boot.
  double now() const { return now_; }

  // Picks up writes, then advances `seconds` with queue q generating work(q, t0, t1) CPU seconds
  // over [t0, t1]. Throws std::invalid_argument when seconds <= 0 or some work is negative.
  StepResult step(double seconds, const WorkFn& work);
  // The same with constant loads: queue i generates costs[i] CPU seconds per second. Throws
  // std::invalid_argument when costs has the wrong size.
  StepResult step(double seconds, const std::vector<double>& costs);

  // The CPU an IRQ's interrupts go to now (a queue's or another IRQ's); -1 for an unknown IRQ.
  int effective_cpu(int irq) const;
  // Packets queue q has handled so far (its RX queue's counter; its TX queue counts a quarter).
  std::uint64_t packets(std::size_t q) const { return static_cast<std::uint64_t>(irqs_[q].packets); }
  // Non-network IRQs: numbers, their CPUs, and each one's load (CPU seconds per second).
  const std::vector<int>& other_irq_numbers() const { return other_irq_; }
  const std::vector<int>& other_irq_cpus() const { return other_cpu_; }
  double other_irq_load() const { return other_irq_.empty() ? 0.0 : spec_.other_load / static_cast<double>(other_irq_.size()); }
  const KnobFiles& knobs() const { return knobs_; }
  // The RPS CPUs of queue q during the last step (the mask irqd had written before it), with the
  // share of the queue's RPS work each took; the queue's rps_share of its work went there.
  const RpsTargets& rps_targets(std::size_t q) const { return rps_[q]; }
  int total_affinity_writes() const { return total_.affinity; }
  const KnobWrites& total_writes() const { return total_; }

 private:
  struct Irq {
    CpuSet affinity;
    int effective = -1;   // where its interrupts go now
    int pending = -1;     // where they go once the last write takes effect; -1: none pending
    double pending_at = 0.0;  // virtual time it does
    std::string list_text, mask_text;  // what the files say
    std::vector<std::uint64_t> counts;  // by CPU
    double carry = 0.0;                 // CPU seconds of work not yet a whole interrupt
    double packets = 0.0;               // handled so far (RX; TX completions are a quarter of it)
  };

  void write(const std::string& rel, const std::string& text, bool stamp = false) const;
  int allocate(const CpuSet& mask, int current);
  void accept_affinity(std::size_t q, const CpuSet& mask, double lag);
  void take_effect(std::size_t q);
  void write_irq_files(std::size_t q, bool effective) const;
  void pick_up_writes(StepResult& out);
  void add_work(std::size_t q, int cpu, double work, double seconds, StepResult& out);
  void refresh_rps();  // rps_ from the rps_cpus files
  void write_proc_files() const;  // proc_files.cpp
  double next_unit();
  std::string irq_row_name(std::size_t q) const;

  SimSpec spec_;
  topology::Machine machine_;
  testing::SyntheticTree tree_;
  KnobFiles knobs_;
  std::vector<SimQueue> queues_;
  std::vector<Irq> irqs_;            // parallel to queues_
  std::vector<int> other_irq_, other_cpu_;
  std::vector<std::vector<std::uint64_t>> other_counts_;  // by other IRQ, by CPU
  std::vector<double> other_carry_;
  std::vector<int> boot_cpu_;        // by queue: the effective CPU at boot (effective_frozen)
  std::vector<int> vectors_;         // by CPU: vectors assigned (x86 matrix allocator)
  std::vector<double> busy_;         // by CPU: cumulative interrupt seconds
  std::vector<double> hard_;         // by CPU: of which hard IRQ time
  std::vector<std::uint64_t> net_rx_, net_tx_;
  std::vector<double> processed_;    // by CPU: packets the stack handled there (softnet_stat)
  std::vector<std::string> rps_file_;  // by queue: its rx-N/rps_cpus
  std::vector<RpsTargets> rps_;        // by queue
  int ncpus_ = 0;
  int mask_bits_ = 0;
  long user_hz_ = 100;
  double now_ = 0.0;
  std::uint64_t rng_ = 0;
  KnobWrites total_;
};

}  // namespace irqd::sim
