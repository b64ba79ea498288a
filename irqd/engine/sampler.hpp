// The sampler: turns two readings of /proc/interrupts and /proc/stat into a cost per IRQ. Each
// CPU's hard+soft IRQ time over the interval is attributed to the numbered IRQs that fired on
// that CPU in proportion to their counts there (where they fired, not where they were assigned:
// the mistake irqbalance makes), then smoothed with an EWMA. Counter wrap (the kernel prints
// 32-bit counts), CPUs and IRQs that appear or vanish between readings are handled. It also
// reads /proc/softirqs (NET_RX / NET_TX) and /proc/net/softnet_stat (drops, time_squeeze) into
// per-CPU rates for the status views; either file may be missing (containers, captured trees).
//
// Cost: a steady machine's /proc/interrupts (same IRQs, same CPUs) is re-read in place into the
// last reading's table, and only the counters that changed are visited again (no copy of the
// previous counts is kept); file buffers and per-position vectors are reused, so such a cycle
// allocates nothing per IRQ or per CPU.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "irqd/engine/cost_model.hpp"
#include "policies/load.hpp"
#include "sysfs/cpuset.hpp"
#include "sysfs/proc_interrupts.hpp"
#include "sysfs/proc_softirqs.hpp"
#include "sysfs/proc_stat.hpp"
#include "sysfs/softnet_stat.hpp"
#include "sysfs/sys_root.hpp"

namespace irqd {

// Per-CPU packet-processing rates over the last interval (events per second).
struct CpuNetRates {
  int cpu = -1;
  bool has_softirqs = false;  // /proc/softirqs had a column for this CPU
  bool has_softnet = false;   // /proc/net/softnet_stat had a row for this CPU
  double net_rx = 0.0;        // NET_RX softirqs
  double net_tx = 0.0;        // NET_TX softirqs
  double processed = 0.0;     // packets net_rx_action handled
  double dropped = 0.0;       // packets dropped, backlog full
  double time_squeeze = 0.0;  // net_rx_action ran out of budget with work left
};

// An RX queue's IRQ and its RPS CPUs (rx-N/rps_cpus; empty: RPS off, the stack runs where the
// IRQ's poll does).
struct RxQueueSteering {
  int irq = -1;
  sysfs::CpuSet rps_cpus;
  bool operator==(const RxQueueSteering&) const = default;
};

// Where a numbered /proc/interrupts row fired during the last interval: enough to tell whether
// it fired outside the CPUs its affinity says, without keeping every per-CPU delta.
struct FiredOn {
  int first_cpu = -1;  // lowest CPU whose count grew (-1: did not fire, or no delta yet)
  int ncpus = 0;       // CPUs whose count grew
};

class Sampler {
 public:
  // alpha: weight of the newest interval in the EWMA (0 < alpha <= 1).
  explicit Sampler(double alpha = 0.5, long user_hz = 0);

  // Reads proc/interrupts and proc/stat under root (and, when present, proc/softirqs and
  // proc/net/softnet_stat) and updates; `seconds` since the last call. Returns true once a delta
  // exists (from the second call on). Throws sysfs errors of the first two files unchanged; a
  // malformed softirqs/softnet_stat only drops the network rates for that interval (net_error()).
  bool sample(const sysfs::SysRoot& root, double seconds);
  // Which IRQs share a cost per interrupt (one group per NIC, one for every other IRQ; groups
  // numbered 0..groups-1): the sampler fits each group's cost to the CPUs' measured time
  // (CostModel) and splits a shared CPU's time by interrupts weighted with it. IRQs in no group
  // count at their CPU's average cost per interrupt unless measured alone.
  void set_groups(std::unordered_map<int, int> irq_group, std::size_t groups) {
    groups_ = std::move(irq_group);
    ngroups_ = groups;
    groups_changed_ = true;
  }
  // Packets each NIC IRQ's queues handled over the interval the next sample() or update() measures
  // (QueueWork, from the kernel's per-queue counters), by IRQ number. A CPU whose interrupts all
  // came from such IRQs splits its softirq time by their packets (weighted by each NIC's fitted
  // cost per packet) and its hard IRQ time by interrupts: under NAPI a busy queue polls up to 64
  // packets per interrupt, so its interrupts say little of its work. Used for one interval.
  // `rx`: of those, the RX packets (the ones the stack then handles), by IRQ; may be empty.
  void set_work(std::unordered_map<int, double> packets, std::unordered_map<int, double> rx = {}) {
    work_ = std::move(packets);
    rx_work_ = std::move(rx);
  }
  // The NIC RX queues and their RPS CPUs as they were during the interval the next sample()
  // measures (kept until the next call; a call with the same list costs a comparison). With RPS
  // the stack's share of a queue's work runs as NET_RX softirq on its RPS CPUs, where none of
  // its interrupts fire: each CPU's packets steered there (proc/net/softnet_stat processed, less
  // what the RX queues without RPS polled there) cost a fitted time per packet, which is taken
  // out of the time split among the IRQs firing there and charged to the RPS queues covering the
  // CPU (IrqLoad::rps) and, per CPU, to LoadInfo::cpu_fixed. See sampler_rps.cpp.
  void set_rx_queues(const std::vector<RxQueueSteering>& queues);
  // CPU seconds each NIC IRQ's threaded NAPI kthread (napi/<dev>-<id>) ran over the interval the
  // next sample() measures, by IRQ number (NapiThreads). A threaded NAPI's poll runs there, as
  // the kthread's system time on the kthread's CPU, which no IRQ or softirq tick shows: it is
  // added to the IRQ's cost (the kthread sits next to its IRQ, napi_thread_cpus). One interval.
  void set_thread_time(std::unordered_map<int, double> seconds) { thread_time_ = std::move(seconds); }
  // The cost per interrupt fitted for group g (0: not determined).
  double group_cost(std::size_t g) const { return costs_.cost(g); }
  // The computation, from already parsed readings (tests and the simulator call this).
  bool update(const sysfs::InterruptTable& irqs, const sysfs::ProcStat& stat, double seconds);
  // Network rates from already parsed readings; null = that file is absent.
  void update_net(const sysfs::Softirqs* softirqs, const sysfs::SoftnetStat* softnet, double seconds);

  const policies::LoadInfo& load() const { return load_; }
  // Since the sampler started, per IRQ: the interrupts it measured and the CPU seconds it charged
  // (Prometheus counters: they only grow; an IRQ that vanished keeps its last totals).
  struct Total {
    std::uint64_t interrupts = 0;
    double seconds = 0.0;
  };
  const std::unordered_map<int, Total>& totals() const { return totals_; }
  // The daemon's record of its moves (its cooldowns, owned and updated by the daemon), carried
  // read-only in the load the policy plans from so the costs are not copied every cycle.
  void set_history(const policies::MoveHistory* h) { load_.history = h; }
  // Whether this is the first load measured since the daemon started.
  void set_first_load(bool first) { load_.first = first; }
  // The /proc/interrupts reading of the last sample() or update(), so the cycle's discovery need
  // not read and parse the file a second time. After a failed sample(), still the last good one.
  const sysfs::InterruptTable& interrupts() const { return table_; }
  // Hard+soft IRQ time per second of each CPU over the last interval (by CPU number).
  const std::map<int, double>& cpu_irq_time() const { return cpu_time_; }
  // Per-CPU network rates over the last interval, ascending CPU; empty before two readings of
  // either file, or when neither exists.
  const std::vector<CpuNetRates>& cpu_net() const { return net_; }
  // Why the last network reading was dropped ("" when it was fine or the files are absent).
  const std::string& net_error() const { return net_error_; }
  // By position of the numbered rows of the last update()'s table (numbered_rows() order).
  const std::vector<FiredOn>& fired() const { return fired_; }
  // Row index in the table of each numbered row, in order.
  const std::vector<std::size_t>& numbered_rows() const { return rows_; }

 private:
  void remap(const sysfs::InterruptTable& now);
  // From the previous reading (table_) to `now`: table_ itself after an in-place re-reading (the
  // deltas are changes_), else a table of another shape compared with table_. The caller then
  // makes `now` table_.
  bool advance(const sysfs::InterruptTable& now, bool in_place, const sysfs::ProcStat& stat,
               double seconds);
  // The split by work of the columns col_by_work_ marks (work_deltas_ holds their deltas).
  void split_by_work(std::size_t ncols, std::size_t ngroups);
  double packet_cost(std::size_t row, std::size_t col) const;
  // RPS (sampler_rps.cpp): rows and columns of the RX queues for `now`; the packets steered to
  // each column (col_rps_in_); after the fit, the RPS seconds taken out of each column and
  // charged to the queues (col_rps_, row_rps_).
  bool prepare_rps(const sysfs::InterruptTable& now, bool in_place);
  void direct_rx(const sysfs::InterruptTable& now);  // after row_fired_
  void add_direct(std::size_t row, std::size_t col, std::uint64_t d);  // for each delta
  void steered_packets(std::size_t ncols, double seconds);
  void charge_rps(std::size_t ncols, double cost_per_packet);
  // Row `row`'s share of column `col`'s time for `d` interrupts there, split by work.
  double work_share(std::size_t row, std::size_t col, std::uint64_t d) const;

  double alpha_;
  double user_hz_;
  bool primed_ = false;  // table_ holds a previous reading
  // The last reading, overwritten in place by the next one of the same shape; changes_ logs the
  // counters that changed with their previous values. fresh_: a reading of another shape (held
  // beside table_ only while the two are compared).
  sysfs::InterruptTable table_;
  sysfs::InterruptTable fresh_;
  std::vector<sysfs::CounterChange> changes_;
  // When the shape changed: previous row of each current numbered row, previous column of each
  // current column (-1: new).
  std::vector<std::ptrdiff_t> row_map_;
  std::vector<std::ptrdiff_t> col_map_;
  std::vector<std::size_t> rows_;          // table row of each numbered row
  std::vector<std::ptrdiff_t> row_pos_;    // numbered position of each table row (-1: named)
  std::vector<double> row_cost_;           // per numbered row over the interval
  std::vector<std::uint64_t> row_fired_;
  std::vector<std::uint64_t> prev_ticks_;  // by CPU number; kNoTicks = no line
  std::vector<std::uint64_t> prev_hard_;   // by CPU number: the irq (hard) ticks alone
  std::vector<double> col_hard_;           // hard IRQ seconds of each column's CPU
  // Work (set_work()): packets per interrupt of each numbered row (-1: unknown), whether each
  // column splits by work, every delta of a row with work, the weighted packets of each column,
  // whether a column splits by bare packets, and packets by column x group for the fit.
  std::unordered_map<int, double> work_;
  std::unordered_map<int, double> thread_time_;
  std::vector<double> row_ppi_;
  std::vector<char> row_by_work_;  // by numbered row: every CPU it fired on was split by work
  std::vector<char> col_by_work_;
  struct WorkDelta {
    std::size_t row, col;
    double units;  // packets: interrupts there x the row's packets per interrupt
  };
  std::vector<WorkDelta> work_deltas_;
  std::vector<double> col_units_;
  std::vector<char> col_pure_;
  std::vector<double> col_group_units_;
  CostModel pkt_costs_;  // softirq seconds per packet by group
  std::vector<double> col_seconds_;        // IRQ seconds of each column's CPU (-1: unknown)
  std::vector<std::uint64_t> col_total_;   // count deltas of each column
  std::vector<double> col_ratio_;          // seconds per interrupt of each column
  std::vector<double> col_known_;          // interrupts of IRQs with a learned cost, weighted by it
  std::vector<std::uint64_t> col_unknown_; // interrupts of IRQs without one
  std::vector<double> col_scale_;          // column seconds / its weighted interrupts
  std::vector<double> weight_;             // by numbered position: seconds per interrupt measured alone (0: none)
  std::unordered_map<int, double> weight_by_irq_;  // carried across a change of the table's shape
  std::vector<char> row_alone_;            // by numbered position: fired only where nothing else did
  std::unordered_map<int, int> groups_;    // set_groups(): IRQ -> group
  std::size_t ngroups_ = 0;
  bool groups_changed_ = false;
  std::vector<int> group_;                 // by numbered position (-1: none)
  std::vector<double> col_group_;          // by column x group: interrupts over the interval
  CostModel costs_;
  // RPS (set_rx_queues()): the queues, each one's numbered row (-1: not in the table), each row's
  // kind (0: no RX queue, 1: RX queue with RPS, 2: without), and the RPS queues covering each
  // column (CSR: cover_at_[c] .. cover_at_[c + 1] into cover_q_), built for cover_cpus_.
  std::unordered_map<int, double> rx_work_;
  std::vector<RxQueueSteering> rxq_;
  bool rxq_changed_ = true;
  bool rps_on_ = false;  // some queue has RPS CPUs
  std::vector<std::ptrdiff_t> rxq_pos_;
  std::vector<char> row_rx_;
  std::vector<int> cover_cpus_;
  std::vector<std::size_t> cover_at_, cover_q_;
  std::vector<int> rxq_ncols_;         // by queue: columns its RPS CPUs cover
  std::vector<double> rxq_density_;    // by queue: its packets (or interrupts) per RPS CPU
  std::vector<double> row_rx_ppi_;     // by numbered row: RX packets per interrupt (-1: unknown)
  std::vector<double> col_processed_;  // by column: softnet processed over the interval (-1: none)
  std::vector<double> col_direct_pkts_;  // by column: RX packets of RX queues without RPS (qstats)
  std::size_t ppi_groups_ = 1;            // groups of those without an RX count (at least 1)
  std::vector<double> col_direct_unknown_;    // by column x ppi group: their interrupts
  std::vector<double> col_direct_unknown_n_;  // by column: all of those
  CostModel ppi_fit_;                         // their packets per interrupt, and the steered share
  std::vector<double> ppi_x_;
  std::vector<double> col_rps_in_;     // by column: packets RPS steered there over the interval
  std::vector<double> col_rps_;        // by column: RPS seconds taken out of its IRQs' time
  std::vector<double> row_rps_;        // by numbered row: RPS seconds charged to its queue
  double rps_cost_ = 0.0;              // softirq seconds per steered packet, smoothed
  std::vector<FiredOn> fired_;
  std::vector<FiredOn> prev_fired_;        // fired_ of the interval before (same positions)
  std::vector<int> changed_cpus_;          // CPUs an IRQ arrived on or left this interval, sorted
  std::vector<std::uint32_t> row_now_, row_old_;  // a row's counters, expanded to compare readings
  std::map<int, double> cpu_time_;
  std::unordered_map<int, Total> totals_;
  policies::LoadInfo load_;
  sysfs::ProcStat stat_;  // reused between readings
  std::string text_;      // file buffers (a chunk of /proc/interrupts), reused between readings
  std::string stat_text_;
  // Network rates.
  sysfs::Softirqs softirqs_;
  sysfs::SoftnetStat softnet_;
  std::string net_text_;
  std::string net_error_;
  std::vector<int> online_;
  struct NetPrev {
    bool softirqs = false, softnet = false;
    std::uint32_t rx = 0, tx = 0, processed = 0, dropped = 0, squeeze = 0;
  };
  std::vector<NetPrev> net_prev_;  // by CPU number
  std::vector<NetPrev> net_now_;
  std::vector<CpuNetRates> net_;
};

}  // namespace irqd
