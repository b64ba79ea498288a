// Shared builders for the steering planner tests: NICs with queues and the IRQs that serve them,
// the topology they run on, and plan helpers.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "policies/spread.hpp"
#include "policies/steering.hpp"
#include "tests/support/fixtures.hpp"
#include "topology/hwloc_loader.hpp"

namespace irqd::policies::steering_test {

using sysfs::CpuSet;
using sysfs::Inventory;
using sysfs::IrqClass;
using sysfs::QueueRole;

// How a test NIC's queues are served by IRQs.
enum class Irqs {
  kCombined,  // one IRQ per queue index serving RX i and TX i (role kCombined)
  kSplit,     // RX i on IRQ first_irq + i (kRx), TX i on IRQ first_irq + 50 + i (kTx)
  kNone,      // no IRQs at all (veth)
};

struct NicSpec {
  std::string name = "eth0";
  int node = -1;
  int rx = 1;
  int tx = 1;
  Irqs irqs = Irqs::kCombined;
  int first_irq = 100;
  bool rps_files = true;       // RX queues have rps_cpus and rps_flow_cnt
  bool xps_files = true;       // TX queues have xps_cpus
  bool xps_rxqs_files = true;  // TX queues have xps_rxqs
};

constexpr int kTxIrqOffset = 50;

inline sysfs::IrqInfo queue_irq(const NicSpec& s, int n, int queue, QueueRole role) {
  sysfs::IrqInfo irq;
  irq.irq = n;
  irq.name = s.name + "-q" + std::to_string(queue);
  irq.cls = IrqClass::kQueue;
  irq.device = s.name;
  irq.queue = queue;
  irq.role = role;
  irq.affinity = CpuSet::of({0});
  return irq;
}

// Adds a NIC with consistent queues and IRQs: every QueueInfo lists the IRQs serving it, every
// IRQ names its device, queue and role. Keeps the inventory sorted.
inline void add_nic(Inventory& inv, const NicSpec& s) {
  sysfs::NicInfo nic;
  nic.name = s.name;
  nic.numa_node = s.node;
  nic.is_virtual = s.irqs == Irqs::kNone;
  for (int q = 0; q < s.rx; ++q) {
    sysfs::QueueInfo qi;
    qi.index = q;
    qi.rx = true;
    if (s.rps_files) {
      qi.rps_cpus = CpuSet{};
      qi.rps_flow_cnt = 0;
    }
    nic.rx.push_back(qi);
  }
  for (int q = 0; q < s.tx; ++q) {
    sysfs::QueueInfo qi;
    qi.index = q;
    qi.rx = false;
    if (s.xps_files) qi.xps_cpus = CpuSet{};
    if (s.xps_rxqs_files) qi.xps_rxqs = CpuSet{};
    nic.tx.push_back(qi);
  }
  if (s.irqs == Irqs::kCombined) {
    for (int q = 0; q < std::max(s.rx, s.tx); ++q) {
      inv.irqs.push_back(queue_irq(s, s.first_irq + q, q, QueueRole::kCombined));
      nic.irqs.push_back(s.first_irq + q);
      if (q < s.rx) nic.rx[static_cast<std::size_t>(q)].irqs.push_back(s.first_irq + q);
      if (q < s.tx) nic.tx[static_cast<std::size_t>(q)].irqs.push_back(s.first_irq + q);
    }
  } else if (s.irqs == Irqs::kSplit) {
    for (int q = 0; q < s.rx; ++q) {
      inv.irqs.push_back(queue_irq(s, s.first_irq + q, q, QueueRole::kRx));
      nic.irqs.push_back(s.first_irq + q);
      nic.rx[static_cast<std::size_t>(q)].irqs.push_back(s.first_irq + q);
    }
    for (int q = 0; q < s.tx; ++q) {
      const int n = s.first_irq + kTxIrqOffset + q;
      inv.irqs.push_back(queue_irq(s, n, q, QueueRole::kTx));
      nic.irqs.push_back(n);
      nic.tx[static_cast<std::size_t>(q)].irqs.push_back(n);
    }
  }
  std::sort(nic.irqs.begin(), nic.irqs.end());
  inv.nics.push_back(nic);
  std::sort(inv.nics.begin(), inv.nics.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  std::sort(inv.irqs.begin(), inv.irqs.end(), [](const auto& a, const auto& b) { return a.irq < b.irq; });
}

// 2 x Xeon E5-2695 v4: 18 cores x 2 threads per socket, one NUMA node and one L3 per socket.
inline topology::Machine pascal() {
  return topology::load_xml(testing::fixture("hwloc/2s-intel-xeon-e5-2695v4-36c72t-smt-llnl-pascal.xml"));
}

// The whole pipeline as the daemon runs it: spread, IRQ pins, RPS, RFS, XPS, queue pins.
inline Plan build(const topology::Machine& m, const Inventory& inv, const config::Config& cfg = {}) {
  return build_plan(Spread(), {m, inv, cfg});
}

// The single CPU an IRQ is planned on (-1, with a failure, when it is not planned on one CPU).
inline int irq_cpu(const Plan& p, int irq) {
  const auto* pl = p.irq(irq);
  EXPECT_NE(pl, nullptr) << "IRQ " << irq << " not planned";
  if (!pl) return -1;
  EXPECT_EQ(pl->cpus.count(), 1) << "IRQ " << irq << " on " << pl->cpus.to_list();
  return pl->cpus.first();
}

inline bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }


}  // namespace irqd::policies::steering_test
