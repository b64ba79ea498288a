// Helpers for the steering stability tests: a placement policy whose IRQ CPUs the test fixes, the
// kernel state after a plan was applied, what a plan changes against that state, the XPS layout
// rules a plan must keep, and the XPS planner as it was before it kept valid maps (the reference
// for plans from a blank state).
#pragma once

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "policies/core_order.hpp"
#include "tests/unit/steering_support.hpp"

namespace irqd::policies::stability_test {

using namespace steering_test;  // NOLINT: test builders

// Places IRQs where the test says; the rest of the pipeline (pins, RPS, RFS, XPS) runs as usual.
class Fixed : public Policy {
 public:
  explicit Fixed(std::vector<IrqPlacement> irqs) : irqs_(std::move(irqs)) {}
  std::string_view name() const override { return "fixed"; }
  std::string_view summary() const override { return "IRQ CPUs fixed by the test"; }
  Plan plan(const PlanInput&) const override {
    Plan p;
    p.policy = "fixed";
    for (const auto& i : irqs_) p.set_irq(i);
    return p;
  }

 private:
  std::vector<IrqPlacement> irqs_;
};

inline Plan steer(const topology::Machine& m, const Inventory& inv, const std::vector<IrqPlacement>& irqs,
                  const config::Config& cfg = {}) {
  return build_plan(Fixed(irqs), {m, inv, cfg});
}

// The IRQ placements of a plan with IRQ `irq` moved to `cpu`.
inline std::vector<IrqPlacement> moved(std::vector<IrqPlacement> irqs, int irq, int cpu) {
  for (auto& i : irqs)
    if (i.irq == irq) i.cpus = CpuSet::of({cpu});
  return irqs;
}

// The kernel after `p` was applied: every planned knob is the current one.
inline Inventory adopt(Inventory inv, const Plan& p) {
  for (auto& nic : inv.nics) {
    for (auto& q : nic.rx)
      if (const auto* pq = p.queue(nic.name, true, q.index)) {
        if (pq->rps_cpus && q.rps_cpus) q.rps_cpus = pq->rps_cpus;
        if (pq->rps_flow_cnt && q.rps_flow_cnt) q.rps_flow_cnt = pq->rps_flow_cnt;
      }
    for (auto& q : nic.tx)
      if (const auto* pq = p.queue(nic.name, false, q.index)) {
        if (pq->xps_cpus && q.xps_cpus) q.xps_cpus = pq->xps_cpus;
        if (pq->xps_rxqs && q.xps_rxqs) q.xps_rxqs = pq->xps_rxqs;
      }
  }
  for (auto& irq : inv.irqs)
    if (const auto* pi = p.irq(irq.irq)) irq.affinity = pi->cpus;
  return inv;
}

// The queues of one NIC a plan would write, by knob.
struct Changes {
  std::set<int> xps, rps, flow;
};
inline Changes changes(const Inventory& inv, const Plan& p, const std::string& dev) {
  Changes c;
  const auto* nic = inv.nic(dev);
  for (const auto& q : nic->rx)
    if (const auto* pq = p.queue(dev, true, q.index)) {
      if (pq->rps_cpus && q.rps_cpus && *pq->rps_cpus != *q.rps_cpus) c.rps.insert(q.index);
      if (pq->rps_flow_cnt && q.rps_flow_cnt && *pq->rps_flow_cnt != *q.rps_flow_cnt) c.flow.insert(q.index);
    }
  for (const auto& q : nic->tx)
    if (const auto* pq = p.queue(dev, false, q.index))
      if (pq->xps_cpus && q.xps_cpus && *pq->xps_cpus != *q.xps_cpus) c.xps.insert(q.index);
  return c;
}

inline LocalCpus local_of(const topology::Machine& m, const Inventory& inv, const std::string& dev,
                          const config::Config& cfg = {}) {
  return nic_local_cpus(m, *inv.nic(dev), device_cpus(usable_cpus(m, cfg), cfg, dev));
}

// Partner CPU of each TX queue (by position): its own IRQ's, else the RX queue of the same index's.
inline std::vector<int> partners(const Plan& p, const sysfs::NicInfo& nic) {
  std::vector<int> out;
  for (const auto& tx : nic.tx) {
    int cpu = p.queue_irq_cpu(tx);
    if (cpu < 0)
      for (const auto& rx : nic.rx)
        if (rx.index == tx.index) cpu = p.queue_irq_cpu(rx);
    out.push_back(cpu);
  }
  return out;
}

inline int l3_of(const topology::Machine& m, int cpu) {
  const auto* pu = m.pu(cpu);
  return pu ? pu->l3 : -1;
}

// The layout rules: each queue's map holds its partner CPU; each CPU of the NIC's local set without
// a queue of its own is in exactly one map, one whose partner shares its L3 when such a queue
// exists; nothing else is in any map. With `tolerance` >= 0 also: among the queues of one L3, no
// queue serves more than `tolerance` CPUs more than the least-used one.
inline void expect_valid_layout(const topology::Machine& m, const Inventory& inv, const Plan& p, const std::string& dev,
                                int tolerance = 2) {
  const auto& nic = *inv.nic(dev);
  const auto part = partners(p, nic);
  const CpuSet local = local_of(m, inv, dev).cpus;
  CpuSet covered;
  std::map<int, int> l3_queues;  // L3 -> queues whose partner is in it
  for (int c : part)
    if (c >= 0) {
      covered.set(c);
      ++l3_queues[l3_of(m, c)];
    }
  std::map<int, int> holders;
  std::map<int, std::vector<int>> used_by_l3;
  for (std::size_t i = 0; i < nic.tx.size(); ++i) {
    const auto* q = p.queue(dev, false, nic.tx[i].index);
    ASSERT_NE(q, nullptr) << dev << " tx " << i;
    ASSERT_TRUE(q->xps_cpus.has_value()) << dev << " tx " << i;
    const CpuSet& map = *q->xps_cpus;
    if (part[i] < 0) continue;
    EXPECT_TRUE(map.test(part[i])) << dev << " tx " << i << " lacks partner " << part[i] << ": " << map.to_list();
    for (int c : map.to_vector()) {
      if (c == part[i]) continue;
      EXPECT_TRUE(local.test(c)) << dev << " tx " << i << ": CPU " << c << " is not local";
      EXPECT_FALSE(covered.test(c)) << dev << " tx " << i << ": CPU " << c << " is another queue's partner";
      ++holders[c];
      if (l3_queues.contains(l3_of(m, c))) {
        EXPECT_EQ(l3_of(m, c), l3_of(m, part[i])) << dev << " tx " << i << ": CPU " << c << " is in another L3";
      }
    }
    used_by_l3[l3_of(m, part[i])].push_back(map.count());
  }
  for (int c : (local - covered).to_vector()) EXPECT_EQ(holders[c], 1) << dev << ": CPU " << c << " in " << holders[c] << " maps";
  if (tolerance < 0) return;
  for (const auto& [l3, used] : used_by_l3)
    EXPECT_LE(*std::max_element(used.begin(), used.end()) - *std::min_element(used.begin(), used.end()), tolerance)
        << dev << " L3 " << l3;
}

// The XPS map (cpus mode, queues with IRQs) as planned before current maps were kept: partner CPU
// first, then each CPU without a queue, in core-first order, to the least-used queue sharing its
// L3 (else the least used of all), ties to the lowest queue index.
inline std::vector<CpuSet> fresh_xps(const topology::Machine& m, const std::vector<int>& part, const CpuSet& local) {
  std::vector<CpuSet> out(part.size());
  std::vector<int> used(part.size(), 0);
  CpuSet covered;
  for (std::size_t i = 0; i < part.size(); ++i)
    if (part[i] >= 0) {
      out[i].set(part[i]);
      used[i] = 1;
      covered.set(part[i]);
    }
  for (int c : core_first_order(m, local)) {
    if (covered.test(c)) continue;
    int best = -1;
    bool best_shares = false;
    for (std::size_t i = 0; i < part.size(); ++i) {
      if (part[i] < 0) continue;
      const bool shares = l3_of(m, c) >= 0 && l3_of(m, c) == l3_of(m, part[i]);
      if (best < 0 || (shares && !best_shares) || (shares == best_shares && used[i] < used[static_cast<std::size_t>(best)])) {
        best = static_cast<int>(i);
        best_shares = shares;
      }
    }
    out[static_cast<std::size_t>(best)].set(c);
    ++used[static_cast<std::size_t>(best)];
  }
  return out;
}

}  // namespace irqd::policies::stability_test
