// What an IRQ's action name says about it, by driver naming convention: which interface, PCI device
// or virtio device it belongs to, whether it serves a queue (and which, RX/TX/both) or is a misc /
// async / link vector, and whether it is a block-layer (kernel-managed) vector. The least trusted of
// discovery's three sources, used where netdev genetlink and msi_irqs say nothing.
#pragma once

#include <functional>
#include <string>
#include <string_view>

namespace irqd::sysfs {

enum class QueueRole { kNone, kCombined, kRx, kTx };

enum class NameKind {
  kQueue,      // serves an RX and/or TX queue of a NIC
  kNetMisc,    // a NIC's misc/async/config/link/mailbox vector: classified, never placed
  kManaged,    // block-layer queue vectors (nvme, virtio-blk req): kernel-managed affinity
  kOther,      // anything else (timer, i8042, ACPI, ...)
};

struct IrqNameInfo {
  NameKind kind = NameKind::kOther;
  QueueRole role = QueueRole::kNone;
  int queue = -1;           // queue index for kQueue
  std::string iface;        // interface name carried by the name ("eth0", "ens3f0"), else ""
  std::string pci;          // PCI address carried by the name ("0000:01:00.0"), else ""
  std::string virtio;       // virtio device carried by the name ("virtio1"), else ""
  std::string convention;   // which convention matched: "intel", "i40e", "ice", "mlx5", "mlx4",
                            // "virtio", "ena", "split", "bnx2", "" for none
};

// is_iface: tells whether a string is a known network interface name. Conventions whose names
// carry no distinctive suffix (bnx2/mlx4_en "<if>-N", ixgbe link vector "<if>") only match known
// interfaces; when is_iface is empty a conservative name heuristic (eth*, en*, ib*, ...) is used.
IrqNameInfo classify_irq_name(std::string_view name,
                              const std::function<bool(std::string_view)>& is_iface = {});

const char* to_string(NameKind k);
const char* to_string(QueueRole r);

}  // namespace irqd::sysfs
