// Discovery: builds the Inventory (NICs, queues, IRQs and who serves what) from /proc/interrupts,
// /sys/class/net and the PCI devices, and — on the live machine — the netdev genetlink family.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "netlink/netdev_source.hpp"
#include "sysfs/inventory.hpp"
#include "sysfs/proc_interrupts.hpp"
#include "sysfs/sys_root.hpp"

namespace irqd {

struct DiscoverOptions {
  // Ask the kernel's netdev genetlink family for queue -> NAPI -> IRQ. Only meaningful when the
  // root is the live machine in the current network namespace.
  bool use_netlink = true;
  // The netdev family to ask (not owned). Null: a KernelNetdevSource of the current network
  // namespace, on the live root only. Given: asked on any root (recorded replies with a fixture
  // tree, a simulated machine).
  netlink::NetdevSource* netdev = nullptr;
};

struct Discovery {
  sysfs::Inventory inventory;
  std::vector<std::string> warnings;  // problems that did not stop discovery (each names its file)
  // What the netdev family offered (all false when it was not asked or could not be).
  netlink::NetdevFeatures netdev;
  // Set by the daemon's DiscoveryCache to a new number whenever what it holds changes, so equal
  // non-zero versions are equal contents without comparing thousands of IRQs and queues per cycle.
  std::uint64_t version = 0;
  bool operator==(const Discovery& o) const {
    if (version != 0 && version == o.version) return true;
    return inventory == o.inventory && warnings == o.warnings && netdev == o.netdev;
  }
};

// Reads proc/sys/net/core/rps_sock_flow_entries into inv (value, or the note saying why there is
// none); true when what inv holds changed.
bool read_rfs_table(const sysfs::SysRoot& root, sysfs::Inventory& inv);

// Throws (sysfs::IoError / sysfs::ParseError) only when /proc/interrupts itself cannot be read or
// parsed; everything per-device or per-IRQ becomes a warning and the item is left unplaced.
Discovery discover(const sysfs::SysRoot& root, const DiscoverOptions& opts);

// The same, from an already parsed interrupts table (the sampler reuses its parse).
Discovery discover(const sysfs::SysRoot& root, const sysfs::InterruptTable& table,
                   const DiscoverOptions& opts);

}  // namespace irqd
