// The kernel's netdev genetlink family (queue-get / napi-get, Linux 6.8+): for every queue of every
// device in the current network namespace, its NAPI instance and that NAPI's IRQ. The most trusted
// source discovery has for "which IRQ serves which queue".
#pragma once

#include <optional>
#include <stdexcept>
#include <vector>

namespace irqd::netlink {

class NetlinkError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct QueueIrq {
  int ifindex = 0;
  int queue = -1;
  bool rx = true;      // false: a TX queue
  int napi_id = -1;    // -1 when the queue has no NAPI instance
  int irq = -1;        // -1 when the NAPI (or queue) has no IRQ the kernel knows of
};

// nullopt when the kernel has no netdev family or no queue-get command (older kernels).
// Throws NetlinkError for any other failure (socket, protocol, malformed reply).
std::optional<std::vector<QueueIrq>> dump_queue_irqs();

}  // namespace irqd::netlink
