// QueueWork: per-queue packet counters turned into packets per NIC IRQ per interval.
#include "irqd/engine/queue_work.hpp"

#include <string_view>

namespace irqd {

std::unordered_map<int, double> QueueWork::update(const sysfs::Inventory& inv,
                                                  const std::vector<netlink::QueueStats>& stats) {
  std::map<Key, std::uint64_t> now;
  for (const auto& s : stats)
    if (s.packets) now[{s.ifindex, s.queue, s.rx}] = *s.packets;
  std::unordered_map<std::string_view, int> ifindex;
  for (const auto& nic : inv.nics)
    if (nic.ifindex > 0) ifindex.emplace(nic.name, nic.ifindex);
  std::unordered_map<int, double> out;
  if (!prev_.empty()) {
    // Adds the packets one queue handled since the last reading. 1: added; 0: the queue reports
    // no packets in either reading (a driver that counts only RX); -1: not known this interval.
    auto delta = [&](const Key& k, double& sum) {
      auto a = prev_.find(k), b = now.find(k);
      if (a == prev_.end() && b == now.end()) return 0;
      if (a == prev_.end() || b == now.end() || b->second < a->second) return -1;
      sum += static_cast<double>(b->second - a->second);
      return 1;
    };
    for (const auto& irq : inv.irqs) {
      if (irq.cls != sysfs::IrqClass::kQueue || irq.queue < 0) continue;
      auto idx = ifindex.find(irq.device);
      if (idx == ifindex.end()) continue;
      double sum = 0.0;
      const int rx = irq.role == sysfs::QueueRole::kTx ? 0 : delta({idx->second, irq.queue, true}, sum);
      const int tx = irq.role == sysfs::QueueRole::kRx ? 0 : delta({idx->second, irq.queue, false}, sum);
      if (rx < 0 || tx < 0 || rx + tx == 0) continue;
      out.emplace(irq.irq, sum);
    }
  }
  prev_ = std::move(now);
  return out;
}

}  // namespace irqd
