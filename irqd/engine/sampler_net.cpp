// Sampler, network rates: per-CPU NET_RX / NET_TX softirqs and softnet_stat counters between two
// readings (the status views' rates, and the processed packets the RPS split needs).
#include "irqd/engine/sampler.hpp"

#include "irqd/engine/counter32.hpp"

namespace irqd {

namespace {
double rate(std::uint32_t prev, std::uint64_t cur, double seconds) {
  return static_cast<double>(delta32(prev, cur)) / seconds;
}
}  // namespace

void Sampler::update_net(const sysfs::Softirqs* softirqs, const sysfs::SoftnetStat* softnet, double seconds) {
  int max_cpu = -1;
  if (softirqs != nullptr && !softirqs->cpus.empty()) max_cpu = softirqs->cpus.back();
  if (softnet != nullptr)
    for (const auto& r : softnet->rows) max_cpu = std::max(max_cpu, r.cpu);
  const auto size = static_cast<std::size_t>(max_cpu + 1);
  if (net_prev_.size() < size) net_prev_.resize(size);

  net_.clear();
  net_.reserve(size);  // one per CPU at most: sized once, not doubled as it grows
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
