// QueueWork: per-queue packet counters turned into packets per NIC IRQ per interval.
#include "irqd/engine/queue_work.hpp"

#include <algorithm>
#include <string_view>

namespace irqd {

std::uint64_t QueueWork::key(int ifindex, int queue, bool rx) {
  return (static_cast<std::uint64_t>(static_cast<std::uint32_t>(ifindex)) << 32) |
         (static_cast<std::uint64_t>(static_cast<std::uint32_t>(queue)) << 1) | (rx ? 1u : 0u);
}

std::unordered_map<int, double> QueueWork::update(const sysfs::Inventory& inv,
                                                  const std::vector<netlink::QueueStats>& stats,
                                                  std::unordered_map<int, double>* rx_out) {
  if (rx_out != nullptr) rx_out->clear();
  now_.clear();
  for (const auto& s : stats)
    if (s.packets && s.queue >= 0) now_.emplace_back(key(s.ifindex, s.queue, s.rx), *s.packets);
  std::sort(now_.begin(), now_.end());
  std::unordered_map<int, double> out;
  if (!prev_.empty()) {
    auto find = [](const std::vector<Entry>& v, std::uint64_t k) -> const Entry* {
      auto it = std::lower_bound(v.begin(), v.end(), k, [](const Entry& e, std::uint64_t x) { return e.first < x; });
      return it != v.end() && it->first == k ? &*it : nullptr;
    };
    // Adds the packets one queue handled since the last reading. 1: added; 0: the queue reports
    // no packets in either reading (a driver that counts only RX); -1: not known this interval.
    auto delta = [&](std::uint64_t k, double& sum) {
      const Entry *a = find(prev_, k), *b = find(now_, k);
      if (!a && !b) return 0;
      if (!a || !b || b->second < a->second) return -1;
      sum += static_cast<double>(b->second - a->second);
      return 1;
    };
    std::unordered_map<std::string_view, int> ifindex;
    for (const auto& nic : inv.nics)
      if (nic.ifindex > 0) ifindex.emplace(nic.name, nic.ifindex);
    out.reserve(inv.irqs.size());
    for (const auto& irq : inv.irqs) {
      if (irq.cls != sysfs::IrqClass::kQueue || irq.queue < 0) continue;
      auto idx = ifindex.find(irq.device);
      if (idx == ifindex.end()) continue;
      double sum = 0.0;
      const int rx = irq.role == sysfs::QueueRole::kTx ? 0 : delta(key(idx->second, irq.queue, true), sum);
      const double rx_packets = sum;
      const int tx = irq.role == sysfs::QueueRole::kRx ? 0 : delta(key(idx->second, irq.queue, false), sum);
      if (rx < 0 || tx < 0 || rx + tx == 0) continue;
      out.emplace(irq.irq, sum);
      if (rx_out != nullptr && rx > 0) rx_out->emplace(irq.irq, rx_packets);
    }
  }
  prev_.swap(now_);
  return out;
}

}  // namespace irqd
