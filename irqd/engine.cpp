// Planning pass: machine model, discovery, policy, diff.
#include "irqd/engine.hpp"

#include <fmt/format.h>

#include "policies/registry.hpp"
#include "topology/hwloc_loader.hpp"

namespace irqd {

topology::Machine load_machine(const sysfs::SysRoot& root, const EngineOptions& opts) {
  topology::Machine m = !opts.topology_xml.empty() ? topology::load_xml(opts.topology_xml)
                        : root.is_live()           ? topology::load_live()
                                                   : topology::load_fsroot(root.root());
  topology::apply_kernel_cpu_state(m, root);
  return m;
}

namespace {
std::string unplaced_reason(const sysfs::IrqInfo& irq) {
  if (!irq.error.empty()) return "not placed: " + irq.error;
  switch (irq.cls) {
    case sysfs::IrqClass::kNetMisc: return "misc/async vector: not placed";
    case sysfs::IrqClass::kManaged: return "kernel-managed affinity: not placed";
    case sysfs::IrqClass::kOther: return "not a network queue: not placed";
    case sysfs::IrqClass::kQueue: return "no usable CPU for its NIC: left as it is";
  }
  return "";
}
}  // namespace

Diff diff_plan(const sysfs::Inventory& inv, const policies::Plan& plan) {
  Diff d;
  for (const auto& irq : inv.irqs) {
    if (irq.device.empty()) continue;
    IrqDiff row;
    row.irq = &irq;
    row.planned = plan.irq(irq.irq);
    if (row.planned) {
      row.change = !irq.affinity || !(*irq.affinity == row.planned->cpus);
      row.reason = row.planned->reason;
    } else {
      row.reason = unplaced_reason(irq);
    }
    d.changes += row.change ? 1 : 0;
    d.irqs.push_back(row);
  }
  for (const auto& nic : inv.nics) {
    for (const auto* qs : {&nic.rx, &nic.tx}) {
      for (const auto& q : *qs) {
        QueueDiff row;
        row.nic = &nic;
        row.queue = &q;
        row.planned = plan.queue(nic.name, q.rx, q.index);
        if (row.planned) {
          auto differs = [](const auto& want, const auto& have) { return want && (!have || !(*want == *have)); };
          row.change = differs(row.planned->rps_cpus, q.rps_cpus) || differs(row.planned->rps_flow_cnt, q.rps_flow_cnt) ||
                       differs(row.planned->xps_cpus, q.xps_cpus) || differs(row.planned->xps_rxqs, q.xps_rxqs);
        }
        d.changes += row.change ? 1 : 0;
        d.queues.push_back(row);
      }
    }
  }
  return d;
}

std::unique_ptr<PlanResult> plan_once(const EngineOptions& opts, const config::Config& cfg) {
  auto policy = policies::make_policy(cfg.policy);
  sysfs::SysRoot root(opts.root);
  auto r = std::make_unique<PlanResult>();
  r->config = cfg;
  r->machine = load_machine(root, opts);
  r->discovery = discover(root, DiscoverOptions{opts.use_netlink});
  r->plan = policy->plan({r->machine, r->discovery.inventory, r->config});
  r->diff = diff_plan(r->discovery.inventory, r->plan);
  return r;
}

}  // namespace irqd
