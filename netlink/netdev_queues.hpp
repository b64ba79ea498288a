// The kernel's netdev genetlink family (queue-get / napi-get, Linux 6.8+): for every queue of every
// device in the current network namespace, its NAPI instance and that NAPI's IRQ. The most trusted
// source discovery has for "which IRQ serves which queue".
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
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
  bool operator==(const QueueIrq&) const = default;
};

// What the running kernel's netdev family offers, from the generic netlink controller.
struct NetdevSupport {
  bool family = false;     // the netdev family exists (Linux 6.2+)
  bool queue_get = false;  // queue-get can be dumped (6.8+)
  bool napi_get = false;   // napi-get can be dumped (6.8+)
  bool operator==(const NetdevSupport&) const = default;
};

// Which paths dump_queue_irqs and KernelNetdevSource take, so that tests run the paths of older
// kernels on any kernel.
// The defaults are what irqd uses.
struct NetdevOptions {
  // The family looked up. A name the kernel does not know takes the path of kernels without the
  // netdev family (< 6.2), through the kernel's own "no such family" answer (at most 15
  // characters, GENL_NAMSIZ: a longer one is refused as invalid, not as absent).
  std::string family = "netdev";
  // Treat the command as missing from the family, as on kernels 6.2 to 6.7.
  bool without_queue_get = false;
  bool without_napi_get = false;
  // As on 6.8 (no qstats-get), 6.9 to 6.12 (no napi-set) and 6.13 to 6.16 (no per-NAPI
  // threaded): the feature is reported missing and what such a kernel would not send (napi-get's
  // defer-hard-irqs, gro-flush-timeout, irq-suspend-timeout, threaded) is dropped from replies.
  bool without_qstats_get = false;
  bool without_napi_set = false;
  bool without_napi_threaded = false;
};

// Asks the controller; a missing family is {} (not an error). Throws NetlinkError when the
// controller cannot be asked.
NetdevSupport probe_netdev(const NetdevOptions& opts = {});

// "Unsupported" — nullopt — when the kernel has no netdev family or no queue-get command (older
// kernels): discovery then maps queues to IRQs from msi_irqs and IRQ names alone. Without
// napi-get the queues are listed without NAPIs' IRQs. Throws NetlinkError for any other failure
// (socket, protocol, malformed reply).
std::optional<std::vector<QueueIrq>> dump_queue_irqs(const NetdevOptions& opts = {});

}  // namespace irqd::netlink
