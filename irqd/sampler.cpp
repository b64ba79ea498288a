// Sampler: per-CPU deltas, attribution, EWMA.
#include "irqd/sampler.hpp"

#include <unistd.h>

#include <algorithm>

namespace irqd {

namespace {
// The kernel prints per-CPU IRQ counts as 32-bit unsigned: a smaller value means it wrapped.
std::uint64_t delta32(std::uint64_t prev, std::uint64_t cur) {
  if (cur >= prev) return cur - prev;
  if (prev <= 0xffffffffULL) return cur + (0x100000000ULL - prev);
  return cur;  // a 64-bit counter went backwards: the IRQ was freed and requested again
}
}  // namespace

Sampler::Sampler(double alpha, long user_hz)
    : alpha_(std::clamp(alpha, 0.01, 1.0)),
      user_hz_(static_cast<double>(user_hz > 0 ? user_hz : ::sysconf(_SC_CLK_TCK))) {}

bool Sampler::sample(const sysfs::SysRoot& root, double seconds) {
  root.read_into("proc/interrupts", text_);
  table_ = sysfs::parse_interrupts(text_, root.display("proc/interrupts"));
  root.read_into("proc/stat", stat_text_);
  sysfs::parse_proc_stat(stat_text_, root.display("proc/stat"), stat_);
  return update(table_, stat_, seconds);
}

bool Sampler::update(const sysfs::InterruptTable& irqs, const sysfs::ProcStat& stat, double seconds) {
  // CPU time spent in interrupts, per CPU, over the interval.
  std::map<int, double> cpu_seconds;
  std::map<int, std::uint64_t> ticks;
  for (const auto& c : stat.cpus) {
    std::uint64_t t = c.irq + c.softirq;
    ticks[c.cpu] = t;
    auto prev = prev_ticks_.find(c.cpu);
    if (prev != prev_ticks_.end() && t >= prev->second)
      cpu_seconds[c.cpu] = static_cast<double>(t - prev->second) / user_hz_;
  }

  // Count deltas per IRQ and CPU, and per CPU in total (numbered IRQs only: arch rows such as
  // LOC are not placeable and have no /proc/irq entry).
  const int max_cpu = irqs.cpus.empty() ? -1 : irqs.cpus.back();
  std::map<int, std::vector<std::uint64_t>> counts;
  std::map<int, std::vector<std::uint64_t>> deltas;
  std::vector<std::uint64_t> cpu_total(static_cast<std::size_t>(max_cpu + 1), 0);
  for (std::size_t r = 0; r < irqs.rows.size(); ++r) {
    const auto& row = irqs.rows[r];
    if (row.irq < 0) continue;
    auto& now = counts[row.irq];
    now.assign(static_cast<std::size_t>(max_cpu + 1), 0);
    for (std::size_t col = 0; col < irqs.cpus.size(); ++col) now[static_cast<std::size_t>(irqs.cpus[col])] = irqs.count(r, col);
    auto prev = prev_counts_.find(row.irq);
    if (prev == prev_counts_.end()) continue;  // new IRQ: no delta yet
    auto& d = deltas[row.irq];
    d.assign(now.size(), 0);
    for (std::size_t c = 0; c < now.size(); ++c) {
      std::uint64_t before = c < prev->second.size() ? prev->second[c] : 0;
      d[c] = delta32(before, now[c]);
      cpu_total[c] += d[c];
    }
  }

  bool have_delta = primed_ && seconds > 0;
  if (have_delta) {
    cpu_time_.clear();
    for (const auto& [cpu, s] : cpu_seconds) cpu_time_[cpu] = s / seconds;
    std::map<int, policies::IrqLoad> fresh;
    for (const auto& [irq, d] : deltas) {
      policies::IrqLoad l;
      std::uint64_t fired = 0;
      for (std::size_t c = 0; c < d.size(); ++c) {
        if (d[c] == 0) continue;
        fired += d[c];
        auto cs = cpu_seconds.find(static_cast<int>(c));
        if (cs != cpu_seconds.end() && cpu_total[c] > 0)
          l.cost += cs->second * static_cast<double>(d[c]) / static_cast<double>(cpu_total[c]);
      }
      l.cost /= seconds;
      l.rate = static_cast<double>(fired) / seconds;
      fresh[irq] = l;
    }
    // EWMA; IRQs that vanished are dropped, new ones start at their first measurement.
    std::map<int, policies::IrqLoad> smoothed;
    for (const auto& [irq, l] : fresh) {
      auto old = load_.irqs.find(irq);
      if (old == load_.irqs.end()) {
        smoothed[irq] = l;
      } else {
        smoothed[irq] = {alpha_ * l.cost + (1 - alpha_) * old->second.cost,
                         alpha_ * l.rate + (1 - alpha_) * old->second.rate};
      }
    }
    load_.irqs = std::move(smoothed);
  }
  prev_counts_ = std::move(counts);
  prev_ticks_ = std::move(ticks);
  primed_ = true;
  return have_delta;
}

}  // namespace irqd
