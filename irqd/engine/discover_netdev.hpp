// Discovery's questions to the netdev genetlink family (through a NetdevSource: the kernel's, or
// one a test or simulation injects): which features the kernel has, queue -> NAPI -> IRQ, and
// each NAPI's thread and parameters. Every interface the kernel lacks becomes one note naming the
// Linux version that brings it and what irqd uses instead; failures become warnings and
// discovery falls back to msi_irqs and IRQ names.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "netlink/netdev_source.hpp"
#include "sysfs/inventory.hpp"
#include "sysfs/sys_root.hpp"

namespace irqd {

struct NetdevAnswer {
  bool asked = false;  // a source was there to ask (else nothing below)
  netlink::NetdevFeatures features;
  std::vector<netlink::QueueIrq> queues;  // joined with the NAPIs' IRQs
  std::vector<netlink::NapiInfo> napis;
  bool napis_listed = false;  // napi-get answered (napis is every NAPI the kernel has)
};

// Asks `source`, or a KernelNetdevSource of the current network namespace when it is null.
// Appends the notes on missing interfaces and any failure to `warnings`; never throws.
NetdevAnswer ask_netdev(netlink::NetdevSource* source, std::vector<std::string>& warnings);

// One line per interface `f` lacks (a single line when the whole family is missing).
std::vector<std::string> missing_netdev_notes(const netlink::NetdevFeatures& f);

// The kernel's netdev family for a cycle's sampling (per-queue counters) and writes (napi-set):
// a KernelNetdevSource when `use` and the root is the live machine; null otherwise, or when no
// generic netlink socket can be opened (logged once as a warning).
std::shared_ptr<netlink::NetdevSource> kernel_netdev(const sysfs::SysRoot& root, bool use);

// Records each queue's NAPI id and each NIC's NAPIs (by ifindex) in the inventory.
void record_napis(const NetdevAnswer& answer, std::vector<sysfs::NicInfo>& nics);

}  // namespace irqd
