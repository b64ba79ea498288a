// Sampler: per-CPU deltas, attribution, EWMA; network softirq and softnet rates.
#include "irqd/engine/sampler.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <limits>
#include <unordered_map>

#include <spdlog/spdlog.h>

#include "irqd/engine/counter32.hpp"
#include "sysfs/error.hpp"

namespace irqd {

namespace {

constexpr std::uint64_t kNoTicks = std::numeric_limits<std::uint64_t>::max();
// An IRQ's cost per interrupt is learned only from intervals in which it fired at least this
// often: a handful of interrupts against a CPU time counted in 10 ms ticks says nothing.
constexpr std::uint64_t kMinLearnInterrupts = 20;

}  // namespace

Sampler::Sampler(double alpha, long user_hz)
    : alpha_(std::clamp(alpha, 0.01, 1.0)),
      user_hz_(static_cast<double>(user_hz > 0 ? user_hz : ::sysconf(_SC_CLK_TCK))) {}

bool Sampler::sample(const sysfs::SysRoot& root, double seconds) {
  // proc/stat first: once /proc/interrupts is re-read in place nothing may fail before the
  // update has taken its deltas.
  if (!root.read_into("proc/stat", stat_text_))
    throw sysfs::IoError(root.display("proc/stat"), ENOENT, "cannot open");
  sysfs::parse_proc_stat(stat_text_, root.display("proc/stat"), stat_);
  // Network rates before the interrupts (the RPS split of the interval needs softnet's processed
  // packets): auxiliary, so a missing or malformed file never fails the cycle.
  const sysfs::Softirqs* softirqs = nullptr;
  const sysfs::SoftnetStat* softnet = nullptr;
  std::string error;
  try {
    if (root.read_into("proc/softirqs", net_text_)) {
      sysfs::parse_softirqs(net_text_, root.display("proc/softirqs"), softirqs_);
      softirqs = &softirqs_;
    }
    if (root.read_into("proc/net/softnet_stat", net_text_)) {
      online_.clear();
      for (const auto& c : stat_.cpus) online_.push_back(c.cpu);
      sysfs::parse_softnet_stat(net_text_, root.display("proc/net/softnet_stat"), online_, softnet_);
      softnet = &softnet_;
    }
  } catch (const std::exception& e) {
    error = e.what();
    softirqs = nullptr;
    softnet = nullptr;
  }
  if (!error.empty() && error != net_error_) spdlog::warn("network rates skipped: {}", error);
  net_error_ = std::move(error);
  update_net(softirqs, softnet, net_error_.empty() ? seconds : 0.0);
  // Read and parsed in chunks: the text of a big machine's file is never held whole. A steady
  // machine's file is re-read in place into table_, logging the counters that changed.
  sysfs::Reread how{};
  try {
    how = sysfs::reread_interrupts(root, table_, fresh_, changes_, text_);
  } catch (...) {
    fresh_ = sysfs::InterruptTable{};  // table_ is the previous reading, untouched
    throw;
  }
  if (how == sysfs::Reread::kMissing)
    throw sysfs::IoError(root.display("proc/interrupts"), ENOENT, "cannot open");
  bool have = false;
  if (how == sysfs::Reread::kInPlace) {
    have = advance(table_, true, stat_, seconds);
    // The log holds 8 bytes per changed counter: after a burst that changed most of them, its
    // storage is not kept for the steady cycles that follow.
    if (changes_.capacity() > 4096 && changes_.capacity() > 4 * changes_.size()) changes_.shrink_to_fit();
  } else {
    have = advance(fresh_, false, stat_, seconds);
    std::swap(table_, fresh_);
    fresh_ = sysfs::InterruptTable{};  // a shape change is rare: its second table is released
  }
  return have;
}

bool Sampler::update(const sysfs::InterruptTable& irqs, const sysfs::ProcStat& stat, double seconds) {
  // The same shape as the previous reading: the changed counters as an in-place re-reading
  // would have logged them.
  bool same = primed_ && irqs.cpus == table_.cpus && irqs.rows.size() == table_.rows.size();
  for (std::size_t r = 0; same && r < irqs.rows.size(); ++r) same = irqs.rows[r].irq == table_.rows[r].irq;
  if (!same) {
    const bool have = advance(irqs, false, stat, seconds);
    table_ = irqs;
    return have;
  }
  changes_.clear();
  const std::size_t ncols = irqs.cpus.size();
  row_now_.resize(ncols);
  row_old_.resize(ncols);
  for (std::size_t r = 0; r < irqs.rows.size(); ++r) {
    irqs.expand(r, row_now_.data());
    table_.expand(r, row_old_.data());
    for (std::size_t c = 0; c < ncols; ++c)
      if (row_now_[c] != row_old_[c]) changes_.push_back({static_cast<std::uint32_t>(r * ncols + c), row_old_[c]});
  }
  table_ = irqs;
  return advance(table_, true, stat, seconds);
}

// The previous reading had other IRQs or CPUs: map each current numbered row and column to the
// previous reading's row and column by IRQ and CPU number (rare: hotplug, a driver loading).
void Sampler::remap(const sysfs::InterruptTable& now) {
  std::unordered_map<int, std::ptrdiff_t> prev_row;
  for (std::size_t r = 0; r < table_.rows.size(); ++r)
    if (table_.rows[r].irq >= 0) prev_row.emplace(table_.rows[r].irq, static_cast<std::ptrdiff_t>(r));
  row_map_.assign(rows_.size(), -1);
  for (std::size_t i = 0; i < rows_.size(); ++i)
    if (auto it = prev_row.find(now.rows[rows_[i]].irq); it != prev_row.end()) row_map_[i] = it->second;
  const auto& prev_cpus = table_.cpus;
  col_map_.assign(now.cpus.size(), -1);
  for (std::size_t c = 0; c < now.cpus.size(); ++c) {
    auto it = std::lower_bound(prev_cpus.begin(), prev_cpus.end(), now.cpus[c]);
    if (it != prev_cpus.end() && *it == now.cpus[c]) col_map_[c] = it - prev_cpus.begin();
  }
}

bool Sampler::advance(const sysfs::InterruptTable& now, bool in_place, const sysfs::ProcStat& stat,
                      double seconds) {
  const std::size_t ncols = now.cpus.size();

  // Each IRQ's learned cost per interrupt follows it by IRQ number when the table's shape changes.
  if (!in_place && primed_ && !weight_.empty()) {
    std::unordered_map<int, double> by_irq;
    for (std::size_t i = 0; i < rows_.size() && i < weight_.size(); ++i)
      if (weight_[i] > 0) by_irq.emplace(table_.rows[rows_[i]].irq, weight_[i]);
    weight_by_irq_ = std::move(by_irq);
  } else if (!in_place) {
    weight_by_irq_.clear();
  }

  // Numbered rows (arch rows such as LOC are not placeable and have no /proc/irq entry).
  rows_.clear();
  row_pos_.assign(now.rows.size(), -1);
  for (std::size_t r = 0; r < now.rows.size(); ++r)
    if (now.rows[r].irq >= 0) {
      row_pos_[r] = static_cast<std::ptrdiff_t>(rows_.size());
      rows_.push_back(r);
    }
  if (primed_ && !in_place) remap(now);
  if (!in_place) {
    weight_.assign(rows_.size(), 0.0);
    for (std::size_t i = 0; i < rows_.size() && !weight_by_irq_.empty(); ++i)
      if (auto w = weight_by_irq_.find(now.rows[rows_[i]].irq); w != weight_by_irq_.end()) weight_[i] = w->second;
  }
  if (!in_place || groups_changed_) {
    group_.assign(rows_.size(), -1);
    for (std::size_t i = 0; i < rows_.size() && !groups_.empty(); ++i)
      if (auto g = groups_.find(now.rows[rows_[i]].irq); g != groups_.end()) group_[i] = g->second;
    groups_changed_ = false;
  }

  // CPU time spent in interrupts over the interval, per column.
  int max_cpu = -1;
  for (const auto& c : stat.cpus) max_cpu = std::max(max_cpu, c.cpu);
  col_seconds_.assign(ncols, -1.0);
  col_hard_.assign(ncols, 0.0);
  for (const auto& c : stat.cpus) {
    const std::uint64_t t = c.irq + c.softirq;
    const auto cpu = static_cast<std::size_t>(c.cpu);
    if (cpu < prev_ticks_.size() && prev_ticks_[cpu] != kNoTicks && t >= prev_ticks_[cpu]) {
      auto col = std::lower_bound(now.cpus.begin(), now.cpus.end(), c.cpu);
      if (col != now.cpus.end() && *col == c.cpu) {
        const auto k = static_cast<std::size_t>(col - now.cpus.begin());
        col_seconds_[k] = static_cast<double>(t - prev_ticks_[cpu]) / user_hz_;
        if (cpu < prev_hard_.size() && c.irq >= prev_hard_[cpu])
          col_hard_[k] = std::min(col_seconds_[k], static_cast<double>(c.irq - prev_hard_[cpu]) / user_hz_);
      }
    }
  }

  // Every non-zero count delta as (numbered position, column, delta), rows in order and columns
  // ascending within a row. In place they are the logged changes only (a steady machine's few),
  // else every counter of an IRQ and CPU both readings have, as a difference of the two tables.
  // Two passes (column totals, then the charges) recompute them instead of storing them.
  auto each_delta = [&](auto&& f) {
    if (!primed_) return;
    if (in_place) {
      for (const sysfs::CounterChange& ch : changes_) {
        const std::ptrdiff_t pos = row_pos_[ch.index / ncols];
        if (pos < 0) continue;  // a named row
        if (const std::uint64_t d = delta32(ch.old, now.count(ch.index / ncols, ch.index % ncols)); d != 0)
          f(static_cast<std::size_t>(pos), ch.index % ncols, d);
      }
      return;
    }
    row_now_.resize(ncols);
    row_old_.resize(table_.cpus.size());
    const std::uint32_t* cur = row_now_.data();
    const std::uint32_t* old = row_old_.data();
    for (std::size_t i = 0; i < rows_.size(); ++i) {
      if (row_map_[i] < 0) continue;  // new IRQ: no delta yet
      now.expand(rows_[i], row_now_.data());
      table_.expand(static_cast<std::size_t>(row_map_[i]), row_old_.data());
      for (std::size_t c = 0; c < ncols; ++c) {
        if (col_map_[c] < 0) continue;
        if (const std::uint64_t d = delta32(old[col_map_[c]], cur[c]); d != 0) f(i, c, d);
      }
    }
  };
  const bool have_delta = primed_ && seconds > 0;
  // (One fewer than the model takes: with RPS the steered packets are one more unknown.)
  const std::size_t ngroups = have_delta && ngroups_ < CostModel::kMaxGroups ? ngroups_ : 0;
  // With RPS (sampler_rps.cpp) the fit has one more unknown: the cost of a packet steered to a CPU.
  const bool with_rps = have_delta && prepare_rps(now, in_place) && !net_.empty();
  const std::size_t stride = ngroups + (with_rps ? 1 : 0);
  col_total_.assign(ncols, 0);
  col_group_.assign(ncols * stride, 0.0);
  row_fired_.assign(rows_.size(), 0);
  each_delta([&](std::size_t i, std::size_t c, std::uint64_t d) {
    col_total_[c] += d;
    row_fired_[i] += d;
    if (ngroups > 0 && group_[i] >= 0) col_group_[c * stride + static_cast<std::size_t>(group_[i])] += static_cast<double>(d);
  });
  col_rps_.assign(ncols, 0.0);
  if (with_rps) {
    direct_rx(now);
    ppi_groups_ = std::max<std::size_t>(ngroups, 1);
    col_direct_pkts_.assign(ncols, 0.0);
    col_direct_unknown_.assign(ncols * ppi_groups_, 0.0);
    col_direct_unknown_n_.assign(ncols, 0.0);
    each_delta([&](std::size_t i, std::size_t c, std::uint64_t d) { add_direct(i, c, d); });
    steered_packets(ncols, seconds);
    for (std::size_t c = 0; c < ncols; ++c) col_group_[c * stride + ngroups] = col_rps_in_[c];
  }
  // Each group's cost per interrupt (and per steered packet) from every CPU's equation; an IRQ
  // measured alone on its CPU has its own, exact one.
  // RPS spreads packets nearly evenly over a node: that unknown and a background common to every
  // CPU are one and the same to the fit, so with RPS the background is measured instead, on the
  // CPUs where nothing ran (timer and RCU softirqs; 0 where there are none), and taken out.
  if (stride > 0) {
    double idle = 0.0;
    if (with_rps) {
      int n = 0;
      for (std::size_t c = 0; c < ncols; ++c)
        if (col_seconds_[c] >= 0 && col_total_[c] == 0 && !(col_rps_in_[c] > 0)) {
          idle += col_seconds_[c];
          ++n;
        }
      idle = n > 0 ? idle / n : 0.0;
    }
    costs_.begin(stride, 1.0 - alpha_, !with_rps);
    for (std::size_t c = 0; c < ncols; ++c) {
      if (!(col_seconds_[c] >= 0) || (with_rps && col_rps_in_[c] < 0)) continue;  // steered packets unknown
      if (col_total_[c] > 0 || (with_rps && col_rps_in_[c] > 0))
        costs_.add(&col_group_[c * stride], std::max(0.0, col_seconds_[c] - idle));
    }
    costs_.solve();
  }
  if (with_rps) charge_rps(ncols, costs_.cost(ngroups));
  // Packets per interrupt of each IRQ whose queues reported their work (set_work()); -1: none.
  // A column where every IRQ that fired has it splits its time by work, not by interrupts.
  const bool with_work = have_delta && !work_.empty();
  row_ppi_.assign(rows_.size(), -1.0);
  col_by_work_.assign(ncols, with_work ? 1 : 0);
  if (with_work) {
    for (std::size_t i = 0; i < rows_.size(); ++i)
      if (auto w = work_.find(now.rows[rows_[i]].irq); w != work_.end() && row_fired_[i] > 0)
        row_ppi_[i] = w->second / static_cast<double>(row_fired_[i]);
    work_deltas_.clear();
    each_delta([&](std::size_t i, std::size_t c, std::uint64_t d) {
      if (row_ppi_[i] < 0) col_by_work_[c] = 0;
      else work_deltas_.push_back({i, c, static_cast<double>(d) * row_ppi_[i]});
    });
    split_by_work(ncols, ngroups);
  }
  auto weight = [&](std::size_t i) {
    if (weight_[i] > 0) return weight_[i];
    return group_[i] >= 0 ? costs_.cost(static_cast<std::size_t>(group_[i])) : 0.0;
  };
  col_known_.assign(ncols, 0.0);
  col_unknown_.assign(ncols, 0);
  if (have_delta)
    each_delta([&](std::size_t i, std::size_t c, std::uint64_t d) {
      if (const double w = weight(i); w > 0) col_known_[c] += w * static_cast<double>(d);
      else col_unknown_[c] += d;
    });
  // Where each IRQ fired in the previous interval (same positions only when read in place).
  if (in_place) std::swap(prev_fired_, fired_);
  else prev_fired_.clear();
  fired_.assign(rows_.size(), FiredOn{});
  if (have_delta) {
    // A column's time is split among its IRQs in proportion to their interrupts weighted by each
    // IRQ's cost per interrupt (its own, else its group's; without either the column's average),
    // scaled so the column's shares add up to its measured time exactly.
    col_ratio_.assign(ncols, 0.0);
    col_scale_.assign(ncols, 0.0);
    for (std::size_t c = 0; c < ncols; ++c) {
      if (!(col_seconds_[c] >= 0) || col_total_[c] == 0) continue;
      col_ratio_[c] = col_seconds_[c] / static_cast<double>(col_total_[c]);
      const double weighted = col_known_[c] + col_ratio_[c] * static_cast<double>(col_unknown_[c]);
      if (weighted > 0) col_scale_[c] = col_seconds_[c] / weighted;
    }
    row_cost_.assign(rows_.size(), 0.0);
    row_alone_.assign(rows_.size(), 1);
    row_by_work_.assign(rows_.size(), 1);
    each_delta([&](std::size_t i, std::size_t c, std::uint64_t d) {
      if (col_by_work_[c]) {
        row_cost_[i] += work_share(i, c, d);
      } else {
        row_by_work_[i] = 0;
        const double w = weight(i);
        row_cost_[i] += col_scale_[c] * (w > 0 ? w : col_ratio_[c]) * static_cast<double>(d);
      }
      if (d != col_total_[c]) row_alone_[i] = 0;
      FiredOn& on = fired_[i];
      if (on.ncpus++ == 0) on.first_cpu = now.cpus[c];
    });
    // An IRQ that fired alone on its CPUs was charged exactly: its own cost per interrupt, which
    // then wins over its group's (NAPI makes a busy queue's interrupts dearer than an idle one's).
    for (std::size_t i = 0; i < rows_.size(); ++i) {
      if (!row_alone_[i] || row_fired_[i] < kMinLearnInterrupts || !(row_cost_[i] > 0) || row_ppi_[i] >= 0) continue;
      const double seen = row_cost_[i] / static_cast<double>(row_fired_[i]);
      weight_[i] = weight_[i] > 0 ? alpha_ * seen + (1 - alpha_) * weight_[i] : seen;
    }

    // CPUs whose IRQs changed since the previous interval (one arrived or left): the split of their
    // time changed, and the shares of every IRQ there start afresh instead of averaging with shares
    // of another split (as good as the costs per interrupt were, which is not always very good).
    changed_cpus_.clear();
    for (std::size_t i = 0; i < prev_fired_.size() && i < fired_.size(); ++i) {
      const FiredOn &a = prev_fired_[i], &b = fired_[i];
      if (a.ncpus == 0 || b.ncpus == 0 || (a.first_cpu == b.first_cpu && a.ncpus == b.ncpus)) continue;
      changed_cpus_.push_back(a.first_cpu);
      changed_cpus_.push_back(b.first_cpu);
    }
    std::sort(changed_cpus_.begin(), changed_cpus_.end());
    auto company_changed = [&](int cpu) { return std::binary_search(changed_cpus_.begin(), changed_cpus_.end(), cpu); };

    // The EWMA map is updated in place when it holds exactly these IRQs in this order (a steady
    // machine, rows ascending as the kernel prints them), else rebuilt.
    bool map_in_place = in_place && load_.irqs.size() == rows_.size();
    auto slot = load_.irqs.begin();
    for (std::size_t i = 0; map_in_place && i < rows_.size(); ++i, ++slot)
      map_in_place = slot->first == now.rows[rows_[i]].irq;
    slot = load_.irqs.begin();
    std::map<int, policies::IrqLoad> rebuilt;
    for (std::size_t i = 0; i < rows_.size(); ++i) {
      if (!in_place && row_map_[i] < 0) continue;  // new IRQ: it starts at its first measurement
      auto source = row_ppi_[i] >= 0 && row_fired_[i] > 0 && row_by_work_[i] ? policies::LoadSource::kPackets
                    : weight(i) > 0                                         ? policies::LoadSource::kLearned
                                                                            : policies::LoadSource::kCounts;
      double thread = 0.0;
      if (!thread_time_.empty())
        if (auto t = thread_time_.find(now.rows[rows_[i]].irq); t != thread_time_.end()) {
          thread = t->second;
          source = policies::LoadSource::kThread;
        }
      const double rps = with_rps ? row_rps_[i] / seconds : 0.0;
      Total& total = totals_[now.rows[rows_[i]].irq];
      total.interrupts += row_fired_[i];
      total.seconds += row_cost_[i] + thread;
      policies::IrqLoad fresh{(row_cost_[i] + thread) / seconds, static_cast<double>(row_fired_[i]) / seconds, source, rps};
      // EWMA; IRQs that vanished are dropped. An IRQ that fired elsewhere than in the previous
      // interval (it moved) starts afresh: its old share was split among other neighbours, as
      // good as their costs per interrupt were then, and the policy must see its new place now.
      const bool moved = fired_[i].ncpus > 0 && company_changed(fired_[i].first_cpu);
      if (map_in_place) {
        auto& l = slot->second;
        const double a = moved ? 1.0 : alpha_;
        l = {a * fresh.cost + (1 - a) * l.cost, alpha_ * fresh.rate + (1 - alpha_) * l.rate, source,
             alpha_ * fresh.rps + (1 - alpha_) * l.rps};
        ++slot;
        continue;
      }
      const int irq = now.rows[rows_[i]].irq;
      if (auto old = load_.irqs.find(irq); old != load_.irqs.end())
        fresh = {alpha_ * fresh.cost + (1 - alpha_) * old->second.cost,
                 alpha_ * fresh.rate + (1 - alpha_) * old->second.rate, source,
                 alpha_ * fresh.rps + (1 - alpha_) * old->second.rps};
      rebuilt[irq] = fresh;
    }
    if (!map_in_place) load_.irqs = std::move(rebuilt);

    // Per-CPU IRQ time; the map is only rebuilt when the CPUs change.
    bool same_cpus = cpu_time_.size() == ncols;
    for (std::size_t c = 0; same_cpus && c < ncols; ++c) same_cpus = cpu_time_.count(now.cpus[c]) > 0;
    if (!same_cpus) cpu_time_.clear();
    for (std::size_t c = 0; c < ncols; ++c)
      if (col_seconds_[c] >= 0)
        cpu_time_[now.cpus[c]] = (col_seconds_[c] + col_rps_[c]) / seconds;
      else if (same_cpus)
        cpu_time_.erase(now.cpus[c]);
    // Per CPU, the RPS time no IRQ placement moves.
    auto& fixed = load_.cpu_fixed;
    if (!rps_on_) {
      fixed.clear();
    } else if (with_rps) {
      if (fixed.size() < static_cast<std::size_t>(max_cpu + 1)) fixed.resize(static_cast<std::size_t>(max_cpu + 1), 0.0);
      for (std::size_t c = 0; c < ncols; ++c) {
        const auto cpu = static_cast<std::size_t>(now.cpus[c]);
        if (cpu < fixed.size()) fixed[cpu] = alpha_ * col_rps_[c] / seconds + (1 - alpha_) * fixed[cpu];
      }
    }
  }

  prev_ticks_.assign(static_cast<std::size_t>(max_cpu + 1), kNoTicks);
  prev_hard_.assign(static_cast<std::size_t>(max_cpu + 1), 0);
  for (const auto& c : stat.cpus) {
    prev_ticks_[static_cast<std::size_t>(c.cpu)] = c.irq + c.softirq;
    prev_hard_[static_cast<std::size_t>(c.cpu)] = c.irq;
  }
  work_.clear();  // this interval's; the next one brings its own
  rx_work_.clear();
  thread_time_.clear();
  primed_ = true;
  return have_delta;
}

void Sampler::split_by_work(std::size_t ncols, std::size_t ngroups) {
  // Each group's softirq seconds per packet, fitted like the cost per interrupt: one equation per
  // CPU whose IRQs all reported their work (its softirq time against its packets by group).
  col_units_.assign(ncols, 0.0);
  col_pure_.assign(ncols, ngroups == 0 ? 1 : 0);
  col_group_units_.assign(ncols * ngroups, 0.0);
  for (const WorkDelta& wd : work_deltas_) {
    if (!col_by_work_[wd.col] || ngroups == 0 || group_[wd.row] < 0) continue;
    col_group_units_[wd.col * ngroups + static_cast<std::size_t>(group_[wd.row])] += wd.units;
  }
  if (ngroups > 0) {
    pkt_costs_.begin(ngroups, 1.0 - alpha_);
    for (std::size_t c = 0; c < ncols; ++c)
      if (col_by_work_[c] && col_seconds_[c] >= 0)
        pkt_costs_.add(&col_group_units_[c * ngroups], std::max(0.0, col_seconds_[c] - col_hard_[c]));
    pkt_costs_.solve();
  }
  // A column whose groups do not all have a fitted cost per packet splits by bare packets.
  for (const WorkDelta& wd : work_deltas_) {
    if (!col_by_work_[wd.col] || col_pure_[wd.col]) continue;
    if (group_[wd.row] < 0 || !(pkt_costs_.cost(static_cast<std::size_t>(group_[wd.row])) > 0)) col_pure_[wd.col] = 1;
  }
  for (const WorkDelta& wd : work_deltas_)
    if (col_by_work_[wd.col]) col_units_[wd.col] += wd.units * packet_cost(wd.row, wd.col);
}

double Sampler::packet_cost(std::size_t row, std::size_t col) const {
  if (col_pure_[col]) return 1.0;
  return pkt_costs_.cost(static_cast<std::size_t>(group_[row]));
}

double Sampler::work_share(std::size_t row, std::size_t col, std::uint64_t d) const {
  // Hard IRQ time by interrupts (the handler only schedules the poll); softirq time by packets,
  // weighted by the NIC's fitted cost per packet.
  const double hard = col_hard_[col], soft = std::max(0.0, col_seconds_[col] - hard);
  const double n = static_cast<double>(d);
  double out = col_total_[col] > 0 ? hard * n / static_cast<double>(col_total_[col]) : 0.0;
  if (col_units_[col] > 0) out += soft * n * row_ppi_[row] * packet_cost(row, col) / col_units_[col];
  else if (col_total_[col] > 0) out += soft * n / static_cast<double>(col_total_[col]);
  return out;
}

}  // namespace irqd
