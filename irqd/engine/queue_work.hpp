// QueueWork: what each NIC IRQ's queues did over the last interval, from the kernel's per-queue
// counters (netdev qstats-get, scope = queue, Linux 6.9+; drivers that implement it). An IRQ
// serves the queues of its channel: a combined "TxRx-3" vector both rx-3 and tx-3, an "rx-3"
// vector rx-3 alone. Its work over an interval is the packets of those queues (RX and TX alike:
// each is a descriptor the NAPI poll handles). Packets, not bytes: softirq time per packet is
// nearly flat (GRO, the protocol stack, the completion are per packet; the copy that grows with
// bytes is mostly done by the NIC's DMA), so bytes would charge a bulk flow of jumbo frames 6x
// what a small-packet flow of the same time costs.
#pragma once

#include <cstdint>
#include <utility>
#include <unordered_map>
#include <vector>

#include "netlink/netdev_source.hpp"
#include "sysfs/inventory.hpp"

namespace irqd {

class QueueWork {
 public:
  // The packets of each NIC IRQ since the previous call, by IRQ number: IRQs whose queues report
  // packets in both readings (a queue reporting in neither — a driver counting RX only — adds
  // nothing; a counter that went backwards — a driver reset, a re-created queue — or appeared
  // leaves the IRQ out for this interval). Empty on the first call.
  // `rx`, when given, gets the RX packets alone of the same IRQs (those the stack then handles:
  // the sampler's RPS split needs them).
  std::unordered_map<int, double> update(const sysfs::Inventory& inv, const std::vector<netlink::QueueStats>& stats,
                                         std::unordered_map<int, double>* rx = nullptr);
  // Forgets the previous reading (the stats could not be read this cycle).
  void reset() { prev_.clear(); }

 private:
  // (ifindex, queue, rx) packed, with its packet counter; sorted by key. Two buffers, swapped
  // each call: a cycle allocates nothing once they have grown.
  using Entry = std::pair<std::uint64_t, std::uint64_t>;
  static std::uint64_t key(int ifindex, int queue, bool rx);
  std::vector<Entry> prev_, now_;
};

}  // namespace irqd
