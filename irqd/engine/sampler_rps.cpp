// Sampler, RPS: the work RPS steers to CPUs where none of a queue's interrupts fire. With
// rx-N/rps_cpus set, the NAPI poll on the IRQ's CPU (driver, GRO) hands each packet to the
// backlog of an RPS CPU chosen by the flow hash, whose NET_RX softirq runs the stack for it
// (Documentation/networking/scaling.rst). /proc/net/softnet_stat counts a packet as processed
// on the CPU whose stack handled it: the RPS CPU, or the polling CPU for a queue without RPS.
// So the packets steered to a CPU over an interval are its processed count where no queue
// without RPS polled, else that count less the RX packets those queues reported (qstats), else
// (no per-queue counts) the CPU's share of the steered packets by the queues covering it, scaled
// to what the CPUs without such queues processed. A cost per steered packet is fitted jointly
// with the cost per interrupt of each NIC (CostModel, one more unknown); that time is taken out
// of the CPU's IRQ time before it is split among the IRQs firing there (it is not theirs, and it
// does not move with them) and charged to the RPS queues covering the CPU by their packets.
#include <algorithm>

#include "irqd/engine/sampler.hpp"

namespace irqd {

namespace {
enum RowKind : char { kNoRx = 0, kRps = 1, kDirect = 2 };
}  // namespace

void Sampler::set_rx_queues(const std::vector<RxQueueSteering>& queues) {
  if (queues == rxq_) return;
  rxq_ = queues;
  rxq_changed_ = true;
  rps_on_ = std::any_of(rxq_.begin(), rxq_.end(), [](const RxQueueSteering& q) { return !q.rps_cpus.empty(); });
}

bool Sampler::prepare_rps(const sysfs::InterruptTable& now, bool in_place) {
  if (!rps_on_) return false;
  if (rxq_changed_ || !in_place || row_rx_.size() != rows_.size()) {
    std::unordered_map<int, std::size_t> pos;
    pos.reserve(rows_.size());
    for (std::size_t i = 0; i < rows_.size(); ++i) pos.emplace(now.rows[rows_[i]].irq, i);
    rxq_pos_.assign(rxq_.size(), -1);
    row_rx_.assign(rows_.size(), kNoRx);
    for (std::size_t k = 0; k < rxq_.size(); ++k)
      if (auto it = pos.find(rxq_[k].irq); it != pos.end()) {
        rxq_pos_[k] = static_cast<std::ptrdiff_t>(it->second);
        // An IRQ serving an RX queue with RPS and one without (rare) counts as the latter: its
        // poll may hand packets to the stack where it fires.
        char& kind = row_rx_[it->second];
        kind = rxq_[k].rps_cpus.empty() || kind == kDirect ? kDirect : kRps;
      }
  }
  if (rxq_changed_ || now.cpus != cover_cpus_) {
    cover_cpus_ = now.cpus;
    const std::size_t ncols = now.cpus.size();
    std::vector<std::vector<std::size_t>> by_col(ncols);
    for (std::size_t k = 0; k < rxq_.size(); ++k)
      for (int cpu : rxq_[k].rps_cpus.to_vector()) {
        auto col = std::lower_bound(now.cpus.begin(), now.cpus.end(), cpu);
        if (col != now.cpus.end() && *col == cpu) by_col[static_cast<std::size_t>(col - now.cpus.begin())].push_back(k);
      }
    cover_at_.assign(ncols + 1, 0);
    cover_q_.clear();
    rxq_ncols_.assign(rxq_.size(), 0);
    for (std::size_t c = 0; c < ncols; ++c) {
      cover_q_.insert(cover_q_.end(), by_col[c].begin(), by_col[c].end());
      cover_at_[c + 1] = cover_q_.size();
      for (std::size_t k : by_col[c]) ++rxq_ncols_[k];
    }
  }
  rxq_changed_ = false;
  return true;
}

void Sampler::direct_rx(const sysfs::InterruptTable& now) {
  // RX packets per interrupt of each row serving RX queues without RPS (-1: not reported).
  row_rx_ppi_.assign(rows_.size(), -1.0);
  for (std::size_t i = 0; i < rows_.size(); ++i) {
    if (row_rx_[i] != kDirect || row_fired_[i] == 0) continue;
    if (auto it = rx_work_.find(now.rows[rows_[i]].irq); it != rx_work_.end())
      row_rx_ppi_[i] = it->second / static_cast<double>(row_fired_[i]);
  }
}

void Sampler::add_direct(std::size_t row, std::size_t col, std::uint64_t d) {
  if (row_rx_[row] != kDirect) return;
  const auto n = static_cast<double>(d);
  if (row_rx_ppi_[row] >= 0) {
    col_direct_pkts_[col] += n * row_rx_ppi_[row];
    return;
  }
  // By the row's group (its NIC): one packets-per-interrupt each.
  const std::size_t g = group_[row] >= 0 && static_cast<std::size_t>(group_[row]) < ppi_groups_
                            ? static_cast<std::size_t>(group_[row])
                            : 0;
  col_direct_unknown_[col * ppi_groups_ + g] += n;
  col_direct_unknown_n_[col] += n;
}

void Sampler::steered_packets(std::size_t ncols, double seconds) {
  // Packets the stack handled on each column's CPU over the interval (-1: no softnet row).
  col_rps_in_.assign(ncols, 0.0);
  std::vector<double>& processed = col_processed_;
  processed.assign(ncols, -1.0);
  auto net = net_.begin();
  for (std::size_t c = 0; c < ncols; ++c) {
    while (net != net_.end() && net->cpu < cover_cpus_[c]) ++net;
    if (net != net_.end() && net->cpu == cover_cpus_[c] && net->has_softnet) processed[c] = net->processed * seconds;
  }
  // Each RPS queue's packets per RPS CPU: its RX packets where reported, else its interrupts (a
  // relative weight only: the split of a column's steered packets among the queues covering it).
  rxq_density_.assign(rxq_.size(), 0.0);
  for (std::size_t k = 0; k < rxq_.size(); ++k) {
    const int covered = rxq_ncols_[k];
    if (rxq_[k].rps_cpus.empty() || covered == 0) continue;
    double w = 0.0;
    if (auto it = rx_work_.find(rxq_[k].irq); it != rx_work_.end()) w = it->second;
    else if (rxq_pos_[k] >= 0) w = static_cast<double>(row_fired_[static_cast<std::size_t>(rxq_pos_[k])]);
    rxq_density_[k] = w / covered;
  }
  auto cover = [&](std::size_t c) {
    double sum = 0.0;
    for (std::size_t j = cover_at_[c]; j < cover_at_[c + 1]; ++j) sum += rxq_density_[cover_q_[j]];
    return sum;
  };
  // Columns where no queue without RPS polled: everything processed there was steered; where
  // the queues that did report their RX packets, the rest.
  bool unknown = false;
  for (std::size_t c = 0; c < ncols; ++c) {
    if (processed[c] < 0 || cover_at_[c] == cover_at_[c + 1]) continue;
    if (col_direct_unknown_n_[c] > 0) {
      unknown = true;
      continue;
    }
    col_rps_in_[c] = std::max(0.0, processed[c] - col_direct_pkts_[c]);
  }
  if (!unknown) return;
  // Columns shared with queues that report no packets: a CPU's processed packets are those
  // queues' interrupts times their NIC's packets per interrupt (NAPI polls many per interrupt)
  // plus its share of the steered ones, a least-squares fit over the covered CPUs; the steered
  // ones are what the fitted packets per interrupt leave. Not known (-1: left out of the cost
  // fit, nothing taken out) where the fit does not determine them.
  const std::size_t g = ppi_groups_;
  ppi_fit_.begin(g + 1, 1.0 - alpha_, false);
  std::vector<double>& x = ppi_x_;
  x.assign(g + 1, 0.0);
  for (std::size_t c = 0; c < ncols; ++c) {
    if (processed[c] < 0 || cover_at_[c] == cover_at_[c + 1]) continue;
    std::copy_n(&col_direct_unknown_[c * g], g, x.begin());
    x[g] = cover(c);
    ppi_fit_.add(x.data(), processed[c] - col_direct_pkts_[c]);
  }
  ppi_fit_.solve();
  for (std::size_t c = 0; c < ncols; ++c) {
    if (processed[c] < 0 || col_direct_unknown_n_[c] == 0 || cover_at_[c] == cover_at_[c + 1]) continue;
    double direct = col_direct_pkts_[c];
    bool determined = true;
    for (std::size_t k = 0; k < g; ++k)
      if (const double n = col_direct_unknown_[c * g + k]; n > 0) {
        const double ppi = ppi_fit_.cost(k);
        determined = determined && ppi > 0;
        direct += ppi * n;
      }
    col_rps_in_[c] = determined ? std::clamp(processed[c] - direct, 0.0, processed[c]) : -1.0;
  }
}

void Sampler::charge_rps(std::size_t ncols, double fitted) {
  // The cost of a steered packet: the softirq time of the CPUs where no numbered IRQ fired over
  // the packets steered there (what else runs there, timer and RCU softirqs, is fixed load on
  // that CPU too), smoothed; without such CPUs (an NVMe queue on every CPU), the joint fit's.
  double pure_seconds = 0.0, pure_packets = 0.0;
  for (std::size_t c = 0; c < ncols; ++c)
    if (col_total_[c] == 0 && col_rps_in_[c] > 0 && col_seconds_[c] >= 0) {
      pure_seconds += std::max(0.0, col_seconds_[c] - col_hard_[c]);
      pure_packets += col_rps_in_[c];
    }
  if (pure_packets > 0) {
    const double seen = pure_seconds / pure_packets;
    rps_cost_ = rps_cost_ > 0 ? alpha_ * seen + (1 - alpha_) * rps_cost_ : seen;
  } else {
    rps_cost_ = fitted;
  }
  const double cost_per_packet = rps_cost_;
  col_rps_.assign(ncols, 0.0);
  row_rps_.assign(rows_.size(), 0.0);
  for (std::size_t c = 0; c < ncols; ++c) {
    if (!(col_rps_in_[c] > 0) || !(col_seconds_[c] >= 0)) continue;
    // Softirq time only (RPS runs no handler); with no fitted cost yet, a CPU where no IRQ fired
    // is all RPS and a shared one is left as it was.
    const double soft = std::max(0.0, col_seconds_[c] - col_hard_[c]);
    const double r = cost_per_packet > 0 ? std::min(soft, cost_per_packet * col_rps_in_[c]) : col_total_[c] == 0 ? soft : 0.0;
    if (!(r > 0)) continue;
    col_rps_[c] = r;
    col_seconds_[c] -= r;
    double weights = 0.0;
    for (std::size_t j = cover_at_[c]; j < cover_at_[c + 1]; ++j) weights += rxq_density_[cover_q_[j]];
    const auto n = static_cast<double>(cover_at_[c + 1] - cover_at_[c]);
    for (std::size_t j = cover_at_[c]; j < cover_at_[c + 1]; ++j) {
      const std::size_t k = cover_q_[j];
      if (rxq_pos_[k] < 0) continue;
      row_rps_[static_cast<std::size_t>(rxq_pos_[k])] += weights > 0 ? r * rxq_density_[k] / weights : r / n;
    }
  }
}

}  // namespace irqd
