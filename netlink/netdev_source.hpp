// NetdevSource: where irqd's view of the netdev genetlink family comes from — the kernel (a real
// socket), recorded replies (tests, fuzzing) or a simulated machine. Discovery (queue -> NAPI ->
// IRQ -> thread), the sampler (per-queue packets) and apply (napi-set) all ask through it, so the
// paths of every kernel version are tested without that kernel.
//
// Interfaces by kernel version (Documentation/netlink/specs/netdev.yaml):
//   < 6.2   no netdev family (Debian 12's 6.1)          -> msi_irqs + IRQ names, /proc/interrupts counts
//   6.8     queue-get, napi-get (irq, pid while threaded)
//   6.9     qstats-get scope=queue: rx/tx packets and bytes (drivers that implement it)
//   6.13    napi-set: defer-hard-irqs, gro-flush-timeout, irq-suspend-timeout (and napi-get shows them)
//   6.17    napi-set/napi-get: per-NAPI threaded
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "netlink/netdev_queues.hpp"

namespace irqd::netlink {

// One NAPI instance (napi-get).
struct NapiInfo {
  int ifindex = 0;
  int id = -1;
  int irq = -1;                                   // -1: no IRQ the kernel knows of
  int pid = -1;                                   // the napi/<dev>-<id> kthread while threaded, else -1
  std::optional<std::uint32_t> defer_hard_irqs;   // 6.13+
  std::optional<std::uint64_t> gro_flush_timeout;  // ns, 6.13+
  std::optional<std::uint64_t> irq_suspend_timeout;  // ns, 6.13+
  std::optional<bool> threaded;                   // 6.17+ (per NAPI)
  bool operator==(const NapiInfo&) const = default;
};

// One queue's counters (qstats-get, scope = queue). Absent: the driver does not report it.
struct QueueStats {
  int ifindex = 0;
  int queue = -1;
  bool rx = true;
  std::optional<std::uint64_t> packets;
  std::optional<std::uint64_t> bytes;
  bool operator==(const QueueStats&) const = default;
};

// What to set on one NAPI (napi-set); nullopt fields are left as they are.
struct NapiSettings {
  std::optional<std::uint32_t> defer_hard_irqs;
  std::optional<std::uint64_t> gro_flush_timeout;
  std::optional<std::uint64_t> irq_suspend_timeout;
  std::optional<bool> threaded;
  bool operator==(const NapiSettings&) const = default;
};

// Everything the running kernel's netdev family offers irqd.
struct NetdevFeatures {
  bool family = false;       // 6.2+
  bool queue_get = false;    // 6.8+
  bool napi_get = false;     // 6.8+
  bool qstats_get = false;   // 6.9+ (per queue where the driver reports)
  bool napi_set = false;     // 6.13+ (napi-set accepts defer-hard-irqs and gro-flush-timeout)
  bool napi_irq_suspend_timeout = false;  // 6.13+: napi-set accepts irq-suspend-timeout
  bool napi_threaded = false;  // 6.17+: the threaded attribute of napi-get/napi-set
  bool operator==(const NetdevFeatures&) const = default;
};

class NetdevSource {
 public:
  virtual ~NetdevSource() = default;
  // What the kernel offers; asked once per source (callers may cache). Throws NetlinkError when
  // the controller cannot be asked at all.
  virtual NetdevFeatures features() = 0;
  // nullopt: the operation is missing on this kernel (features() says so). Throw NetlinkError
  // for every other failure (socket, protocol, malformed reply, a kernel error).
  virtual std::optional<std::vector<QueueIrq>> queues() = 0;
  virtual std::optional<std::vector<NapiInfo>> napis() = 0;
  virtual std::optional<std::vector<QueueStats>> queue_stats() = 0;
  // Sets one NAPI; throws NetlinkError with the kernel's errno and extended-ack text.
  virtual void set_napi(int napi_id, const NapiSettings& s) = 0;
};

}  // namespace irqd::netlink
