// XPS planner (see steering.hpp for what it optimises and when it applies).
#include <map>

#include <fmt/format.h>

#include "policies/core_order.hpp"
#include "policies/steering.hpp"

namespace irqd::policies {

namespace {

// TX queue index -> CPUs, for one NIC in cpus/auto mode.
std::map<int, CpuSet> xps_map(const PlanInput& in, const Plan& plan, const sysfs::NicInfo& nic,
                              const LocalCpus& local, std::map<int, std::string>& why) {
  const auto& m = in.machine;
  std::map<int, CpuSet> out;
  std::map<int, int> queue_cpu;  // tx index -> CPU of its partner IRQ
  for (const auto& tx : nic.tx) {
    int cpu = plan.queue_irq_cpu(tx);
    if (cpu < 0)
      for (const auto& rx : nic.rx)
        if (rx.index == tx.index) cpu = plan.queue_irq_cpu(rx);
    // Even when its IRQ sits off the NIC's node (a static pin), the queue pairs with that CPU.
    if (cpu >= 0) queue_cpu[tx.index] = cpu;
  }
  std::vector<int> cpus = core_first_order(m, local.cpus);
  if (cpus.empty()) cpus = local.cpus.to_vector();

  if (queue_cpu.empty()) {
    // No IRQs to pair with (veth, or IRQs outside the node): CPUs to queues round-robin.
    const std::size_t ntx = nic.tx.size();
    if (ntx == 0 || cpus.empty()) return out;
    for (std::size_t i = 0; i < std::max(ntx, cpus.size()); ++i) {
      int q = nic.tx[i % ntx].index;
      out[q].set(cpus[i % cpus.size()]);
      why[q] = fmt::format("round-robin over {} (no queue IRQs to pair with)", local.why);
    }
    return out;
  }
  std::map<int, int> used;  // CPUs per queue, to share the queueless CPUs evenly
  for (const auto& [q, cpu] : queue_cpu) {
    out[q].set(cpu);
    ++used[q];
    why[q] = fmt::format("partner RX IRQ on CPU {}", cpu);
  }
  CpuSet covered;
  for (const auto& [q, s] : out) covered |= s;
  for (int cpu : cpus) {
    if (covered.test(cpu)) continue;
    CpuSet l3 = m.l3_cpus(cpu);
    int best = -1;
    bool best_shares = false;
    for (const auto& [q, qcpu] : queue_cpu) {
      bool shares = l3.test(qcpu);
      if (best < 0 || (shares && !best_shares) || (shares == best_shares && used[q] < used[best])) {
        best = q;
        best_shares = shares;
      }
    }
    out[best].set(cpu);
    ++used[best];
    why[best] = fmt::format("partner RX IRQ on CPU {}, plus CPUs without a queue that share its L3", queue_cpu[best]);
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
    std::map<int, std::string> why;
    auto map = xps_map(in, plan, nic, local, why);
    for (const auto& q : nic.tx) {
      if (!q.xps_cpus) continue;
      auto& p = plan.queue_mut(nic.name, false, q.index);
      auto it = map.find(q.index);
      p.xps_cpus = it == map.end() ? CpuSet{} : it->second;
      p.reason = it == map.end() ? "no CPU left for this queue" : why[q.index];
    }
  }
}

}  // namespace irqd::policies
