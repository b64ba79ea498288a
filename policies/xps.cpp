// XPS planner (see steering.hpp for what it optimises and when it applies).
#include <algorithm>
#include <vector>

#include <fmt/format.h>

#include "policies/core_order.hpp"
#include "policies/steering.hpp"

namespace irqd::policies {

namespace {

// What one TX queue gets in cpus/auto mode. Kept per position in nic.tx rather than in maps keyed
// by queue index: a NIC has up to thousands of queues, planned every cycle.
struct TxCpus {
  bool planned = false;  // false: no CPU left for this queue
  CpuSet cpus;
  int partner = -1;      // CPU of its partner RX IRQ (-1: round-robin)
  int used = 0;          // CPUs it serves, to share the queueless CPUs evenly
  bool plus = false;     // it also took CPUs without a queue
};

// TX queues (by position in nic.tx) -> CPUs, for one NIC in cpus/auto mode. `round_robin`: no
// queue IRQ to pair with, CPUs were dealt to queues in turn.
std::vector<TxCpus> xps_map(const PlanInput& in, const Plan& plan, const sysfs::NicInfo& nic,
                            const LocalCpus& local, bool& round_robin) {
  const auto& m = in.machine;
  const std::size_t ntx = nic.tx.size();
  std::vector<TxCpus> out(ntx);
  std::vector<std::size_t> paired;  // positions with a partner CPU, by queue index
  for (std::size_t i = 0; i < ntx; ++i) {
    const auto& tx = nic.tx[i];
    int cpu = plan.queue_irq_cpu(tx);
    if (cpu < 0)
      for (const auto& rx : nic.rx)
        if (rx.index == tx.index) cpu = plan.queue_irq_cpu(rx);
    // Even when its IRQ sits off the NIC's node (a static pin), the queue pairs with that CPU.
    if (cpu >= 0) {
      out[i].partner = cpu;
      paired.push_back(i);
    }
  }
  std::stable_sort(paired.begin(), paired.end(),
                   [&](std::size_t a, std::size_t b) { return nic.tx[a].index < nic.tx[b].index; });
  std::vector<int> cpus = core_first_order(m, local.cpus);
  if (cpus.empty()) cpus = local.cpus.to_vector();

  round_robin = paired.empty();
  if (round_robin) {
    // No IRQs to pair with (veth, or IRQs outside the node): CPUs to queues round-robin.
    if (ntx == 0 || cpus.empty()) return out;
    for (std::size_t i = 0; i < std::max(ntx, cpus.size()); ++i) {
      auto& q = out[i % ntx];
      q.cpus.set(cpus[i % cpus.size()]);
      q.planned = true;
    }
    return out;
  }
  CpuSet covered;
  for (std::size_t i : paired) {
    out[i].cpus.set(out[i].partner);
    out[i].planned = true;
    ++out[i].used;
    covered.set(out[i].partner);
  }
  for (int cpu : cpus) {
    if (covered.test(cpu)) continue;
    const auto* pu = m.pu(cpu);
    const CpuSet* l3 = pu && pu->l3 >= 0 && static_cast<std::size_t>(pu->l3) < m.l3s.size()
                           ? &m.l3s[static_cast<std::size_t>(pu->l3)].cpus
                           : nullptr;
    TxCpus* best = nullptr;
    bool best_shares = false;
    for (std::size_t i : paired) {
      auto& q = out[i];
      bool shares = l3 != nullptr && l3->test(q.partner);
      if (!best || (shares && !best_shares) || (shares == best_shares && q.used < best->used)) {
        best = &q;
        best_shares = shares;
      }
    }
    best->cpus.set(cpu);
    ++best->used;
    best->plus = true;
  }
  return out;
}

}  // namespace

void plan_xps(const PlanInput& in, Plan& plan) {
  const CpuSet usable = usable_cpus(in.machine, in.config);
  for (const auto& nic : in.inventory.nics) {
    const auto mode = in.config.device(nic.name).xps;
    bool has_cpus = false;
    for (const auto& q : nic.tx) has_cpus |= q.xps_cpus.has_value();
    if (!has_cpus) continue;  // single-queue devices have no xps_cpus
    if (mode == config::XpsMode::kOff) {
      for (const auto& q : nic.tx) {
        auto& p = plan.queue_mut(nic.name, false, q.index);
        if (q.xps_cpus) p.xps_cpus = CpuSet{};
        if (q.xps_rxqs) p.xps_rxqs = CpuSet{};
        p.reason = "xps = off";
      }
      continue;
    }
    if (mode == config::XpsMode::kRxqs) {
      for (const auto& q : nic.tx) {
        auto& p = plan.queue_mut(nic.name, false, q.index);
        bool partner = q.index < static_cast<int>(nic.rx.size());
        if (q.xps_rxqs && partner) {
          p.xps_rxqs = CpuSet::of({q.index});  // a mask of RX queue numbers, not CPUs
          if (q.xps_cpus) p.xps_cpus = CpuSet{};
          p.reason = fmt::format("xps = rxqs: TX {} follows RX queue {}", q.index, q.index);
        } else {
          p.reason = q.xps_rxqs ? "xps = rxqs: no RX queue of the same index" : "xps = rxqs: kernel has no xps_rxqs";
        }
      }
      continue;
    }
    LocalCpus local = nic_local_cpus(in.machine, nic, device_cpus(usable, in.config, nic.name));
    bool round_robin = false;
    auto map = xps_map(in, plan, nic, local, round_robin);
    const std::string rr = round_robin ? fmt::format("round-robin over {} (no queue IRQs to pair with)", local.why) : "";
    for (std::size_t i = 0; i < nic.tx.size(); ++i) {
      const auto& q = nic.tx[i];
      if (!q.xps_cpus) continue;
      auto& p = plan.queue_mut(nic.name, false, q.index);
      auto& t = map[i];
      p.xps_cpus = t.planned ? std::move(t.cpus) : CpuSet{};
      p.reason = !t.planned   ? "no CPU left for this queue"
                 : round_robin ? rr
                 : t.plus      ? fmt::format("partner RX IRQ on CPU {}, plus CPUs without a queue that share its L3", t.partner)
                               : fmt::format("partner RX IRQ on CPU {}", t.partner);
    }
  }
}

}  // namespace irqd::policies
