// Sampler: per-CPU deltas, attribution, EWMA; network softirq and softnet rates.
#include "irqd/sampler.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <limits>
#include <unordered_map>

#include <spdlog/spdlog.h>

#include "sysfs/error.hpp"

namespace irqd {

namespace {

constexpr std::uint64_t kNoTicks = std::numeric_limits<std::uint64_t>::max();

// The kernel's per-CPU interrupt and softirq counters are unsigned int. A smaller value than
// before is a wrap when the distance forward (mod 2^32) is plausible for one interval, and
// otherwise a counter that was reset (the IRQ freed and requested again, a driver reload): then
// only what it counted since is taken, never ~4 billion interrupts.
std::uint64_t delta32(std::uint32_t prev, std::uint64_t cur) {
  const auto now = static_cast<std::uint32_t>(cur);
  const std::uint32_t forward = now - prev;
  if (forward < (1U << 31)) return forward;
  return now;
}

double rate(std::uint32_t prev, std::uint64_t cur, double seconds) {
  return static_cast<double>(delta32(prev, cur)) / seconds;
}

}  // namespace

Sampler::Sampler(double alpha, long user_hz)
    : alpha_(std::clamp(alpha, 0.01, 1.0)),
      user_hz_(static_cast<double>(user_hz > 0 ? user_hz : ::sysconf(_SC_CLK_TCK))) {}

bool Sampler::sample(const sysfs::SysRoot& root, double seconds) {
  // Read and parsed in chunks: the text of a big machine's file is never held whole.
  if (!sysfs::read_interrupts(root, table_, text_))
    throw sysfs::IoError(root.display("proc/interrupts"), ENOENT, "cannot open");
  if (!root.read_into("proc/stat", stat_text_))
    throw sysfs::IoError(root.display("proc/stat"), ENOENT, "cannot open");
  sysfs::parse_proc_stat(stat_text_, root.display("proc/stat"), stat_);
  bool have = update(table_, stat_, seconds);

  // Network rates: auxiliary, so a missing or malformed file never fails the cycle.
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
  return have;
}

// The previous reading had other IRQs or CPUs: map each current row and column to the previous
// one by IRQ and CPU number (rare: hotplug, a driver loading).
void Sampler::remap(const sysfs::InterruptTable& irqs) {
  std::unordered_map<int, std::ptrdiff_t> prev_row;
  for (std::size_t i = 0; i < prev_irqs_.size(); ++i) prev_row.emplace(prev_irqs_[i], static_cast<std::ptrdiff_t>(i));
  row_map_.assign(rows_.size(), -1);
  for (std::size_t i = 0; i < rows_.size(); ++i)
    if (auto it = prev_row.find(irqs.rows[rows_[i]].irq); it != prev_row.end()) row_map_[i] = it->second;
  col_map_.assign(irqs.cpus.size(), -1);
  for (std::size_t c = 0; c < irqs.cpus.size(); ++c) {
    auto it = std::lower_bound(prev_cpus_.begin(), prev_cpus_.end(), irqs.cpus[c]);
    if (it != prev_cpus_.end() && *it == irqs.cpus[c]) col_map_[c] = it - prev_cpus_.begin();
  }
}

bool Sampler::update(const sysfs::InterruptTable& irqs, const sysfs::ProcStat& stat, double seconds) {
  const std::size_t ncols = irqs.cpus.size();
  const std::size_t prev_ncols = prev_cpus_.size();

  // Numbered rows (arch rows such as LOC are not placeable and have no /proc/irq entry), and
  // whether they and the CPU columns are the ones of the previous reading.
  rows_.clear();
  for (std::size_t r = 0; r < irqs.rows.size(); ++r)
    if (irqs.rows[r].irq >= 0) rows_.push_back(r);
  same_shape_ = primed_ && rows_.size() == prev_irqs_.size() && irqs.cpus == prev_cpus_;
  for (std::size_t i = 0; same_shape_ && i < rows_.size(); ++i)
    same_shape_ = irqs.rows[rows_[i]].irq == prev_irqs_[i];
  if (primed_ && !same_shape_) remap(irqs);

  // CPU time spent in interrupts over the interval, per column.
  int max_cpu = -1;
  for (const auto& c : stat.cpus) max_cpu = std::max(max_cpu, c.cpu);
  col_seconds_.assign(ncols, -1.0);
  for (const auto& c : stat.cpus) {
    const std::uint64_t t = c.irq + c.softirq;
    const auto cpu = static_cast<std::size_t>(c.cpu);
    if (cpu < prev_ticks_.size() && prev_ticks_[cpu] != kNoTicks && t >= prev_ticks_[cpu]) {
      auto col = std::lower_bound(irqs.cpus.begin(), irqs.cpus.end(), c.cpu);
      if (col != irqs.cpus.end() && *col == c.cpu)
        col_seconds_[static_cast<std::size_t>(col - irqs.cpus.begin())] =
            static_cast<double>(t - prev_ticks_[cpu]) / user_hz_;
    }
  }

  // Pass 1: count deltas per column. Pass 2 (below) recomputes the same deltas instead of
  // storing rows x CPUs of them: a subtraction is cheaper than the memory.
  auto prev_of = [&](std::size_t i, std::size_t c) -> const std::uint32_t* {
    if (same_shape_) return &prev_counts_[i * prev_ncols + c];
    if (row_map_[i] < 0 || col_map_[c] < 0) return nullptr;
    return &prev_counts_[static_cast<std::size_t>(row_map_[i]) * prev_ncols + static_cast<std::size_t>(col_map_[c])];
  };
  col_total_.assign(ncols, 0);
  if (primed_) {
    for (std::size_t i = 0; i < rows_.size(); ++i) {
      if (!same_shape_ && row_map_[i] < 0) continue;  // new IRQ: no delta yet
      const std::uint32_t* now = &irqs.counts[irqs.rows[rows_[i]].first_count];
      if (same_shape_) {  // the steady case: straight arrays, no lookups
        const std::uint32_t* p = &prev_counts_[i * ncols];
        for (std::size_t c = 0; c < ncols; ++c) col_total_[c] += delta32(p[c], now[c]);
        continue;
      }
      for (std::size_t c = 0; c < ncols; ++c)
        if (const std::uint32_t* p = prev_of(i, c)) col_total_[c] += delta32(*p, now[c]);
    }
  }

  const bool have_delta = primed_ && seconds > 0;
  fired_.assign(rows_.size(), FiredOn{});
  if (have_delta) {
    col_ratio_.assign(ncols, 0.0);
    for (std::size_t c = 0; c < ncols; ++c)
      if (col_seconds_[c] >= 0 && col_total_[c] > 0) col_ratio_[c] = col_seconds_[c] / static_cast<double>(col_total_[c]);

    // The EWMA map is updated in place when it holds exactly these IRQs in this order (a steady
    // machine, rows ascending as the kernel prints them), else rebuilt.
    bool in_place = same_shape_ && load_.irqs.size() == rows_.size();
    auto slot = load_.irqs.begin();
    for (std::size_t i = 0; in_place && i < rows_.size(); ++i, ++slot)
      in_place = slot->first == irqs.rows[rows_[i]].irq;
    slot = load_.irqs.begin();
    std::map<int, policies::IrqLoad> rebuilt;
    for (std::size_t i = 0; i < rows_.size(); ++i) {
      const int irq = irqs.rows[rows_[i]].irq;
      if (!same_shape_ && row_map_[i] < 0) continue;
      const std::uint32_t* now = &irqs.counts[irqs.rows[rows_[i]].first_count];
      double cost = 0.0;
      std::uint64_t fired = 0;
      FiredOn& on = fired_[i];
      auto charge = [&](std::size_t c, std::uint64_t d) {
        fired += d;
        cost += col_ratio_[c] * static_cast<double>(d);
        if (on.ncpus++ == 0) on.first_cpu = irqs.cpus[c];
      };
      if (same_shape_) {
        // This reading becomes the previous one as it is read.
        std::uint32_t* p = &prev_counts_[i * ncols];
        for (std::size_t c = 0; c < ncols; ++c) {
          const auto now32 = static_cast<std::uint32_t>(now[c]);
          if (now32 == p[c]) continue;
          charge(c, delta32(p[c], now[c]));
          p[c] = now32;
        }
      } else {
        for (std::size_t c = 0; c < ncols; ++c) {
          const std::uint32_t* p = prev_of(i, c);
          if (p == nullptr) continue;
          if (const std::uint64_t d = delta32(*p, now[c]); d != 0) charge(c, d);
        }
      }
      policies::IrqLoad fresh{cost / seconds, static_cast<double>(fired) / seconds};
      // EWMA; IRQs that vanished are dropped, new ones start at their first measurement.
      if (in_place) {
        auto& l = slot->second;
        l = {alpha_ * fresh.cost + (1 - alpha_) * l.cost, alpha_ * fresh.rate + (1 - alpha_) * l.rate};
        ++slot;
        continue;
      }
      if (auto old = load_.irqs.find(irq); old != load_.irqs.end())
        fresh = {alpha_ * fresh.cost + (1 - alpha_) * old->second.cost,
                 alpha_ * fresh.rate + (1 - alpha_) * old->second.rate};
      rebuilt[irq] = fresh;
    }
    if (!in_place) load_.irqs = std::move(rebuilt);

    // Per-CPU IRQ time; the map is only rebuilt when the CPUs change.
    bool same_cpus = cpu_time_.size() == ncols;
    for (std::size_t c = 0; same_cpus && c < ncols; ++c) same_cpus = cpu_time_.count(irqs.cpus[c]) > 0;
    if (!same_cpus) cpu_time_.clear();
    for (std::size_t c = 0; c < ncols; ++c)
      if (col_seconds_[c] >= 0)
        cpu_time_[irqs.cpus[c]] = col_seconds_[c] / seconds;
      else if (same_cpus)
        cpu_time_.erase(irqs.cpus[c]);
  }

  // This reading becomes the previous one: in place when the shape is the same (the steady case
  // keeps one rows x CPUs array, not two; with a delta pass 2 already did it), else through a
  // temporary that is released again.
  std::vector<std::uint32_t> next;
  if (!same_shape_) next.resize(rows_.size() * ncols);
  std::vector<std::uint32_t>& into = same_shape_ ? prev_counts_ : next;
  for (std::size_t i = 0; !(same_shape_ && have_delta) && i < rows_.size(); ++i) {
    const std::uint32_t* now = &irqs.counts[irqs.rows[rows_[i]].first_count];
    std::uint32_t* out = &into[i * ncols];
    for (std::size_t c = 0; c < ncols; ++c) out[c] = static_cast<std::uint32_t>(now[c]);
  }
  if (!same_shape_) prev_counts_.swap(next);
  prev_irqs_.resize(rows_.size());
  for (std::size_t i = 0; i < rows_.size(); ++i) prev_irqs_[i] = irqs.rows[rows_[i]].irq;
  prev_cpus_ = irqs.cpus;
  prev_ticks_.assign(static_cast<std::size_t>(max_cpu + 1), kNoTicks);
  for (const auto& c : stat.cpus) prev_ticks_[static_cast<std::size_t>(c.cpu)] = c.irq + c.softirq;
  primed_ = true;
  return have_delta;
}

void Sampler::update_net(const sysfs::Softirqs* softirqs, const sysfs::SoftnetStat* softnet, double seconds) {
  int max_cpu = -1;
  if (softirqs != nullptr && !softirqs->cpus.empty()) max_cpu = softirqs->cpus.back();
  if (softnet != nullptr)
    for (const auto& r : softnet->rows) max_cpu = std::max(max_cpu, r.cpu);
  const auto size = static_cast<std::size_t>(max_cpu + 1);
  if (net_prev_.size() < size) net_prev_.resize(size);

  net_.clear();
  std::vector<NetPrev>& now = net_now_;
  now.assign(size, NetPrev{});
  if (softirqs != nullptr)
    for (std::size_t col = 0; col < softirqs->cpus.size(); ++col) {
      auto& n = now[static_cast<std::size_t>(softirqs->cpus[col])];
      n.softirqs = true;
      n.rx = static_cast<std::uint32_t>(softirqs->net_rx(col));
      n.tx = static_cast<std::uint32_t>(softirqs->net_tx(col));
    }
  if (softnet != nullptr)
    for (const auto& r : softnet->rows) {
      auto& n = now[static_cast<std::size_t>(r.cpu)];
      n.softnet = true;
      n.processed = static_cast<std::uint32_t>(r.processed);
      n.dropped = static_cast<std::uint32_t>(r.dropped);
      n.squeeze = static_cast<std::uint32_t>(r.time_squeeze);
    }
  if (seconds > 0) {
    for (std::size_t cpu = 0; cpu < size; ++cpu) {
      const NetPrev& p = net_prev_[cpu];
      const NetPrev& n = now[cpu];
      CpuNetRates out;
      out.cpu = static_cast<int>(cpu);
      out.has_softirqs = p.softirqs && n.softirqs;
      out.has_softnet = p.softnet && n.softnet;
      if (!out.has_softirqs && !out.has_softnet) continue;
      if (out.has_softirqs) {
        out.net_rx = rate(p.rx, n.rx, seconds);
        out.net_tx = rate(p.tx, n.tx, seconds);
      }
      if (out.has_softnet) {
        out.processed = rate(p.processed, n.processed, seconds);
        out.dropped = rate(p.dropped, n.dropped, seconds);
        out.time_squeeze = rate(p.squeeze, n.squeeze, seconds);
      }
      net_.push_back(out);
    }
  }
  // CPUs beyond this reading keep no stale values for when they come back.
  for (std::size_t cpu = size; cpu < net_prev_.size(); ++cpu) net_prev_[cpu] = NetPrev{};
  std::copy(now.begin(), now.end(), net_prev_.begin());
}

}  // namespace irqd
