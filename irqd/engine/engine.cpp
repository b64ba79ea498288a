// Planning pass: machine model, discovery, policy, diff.
#include "irqd/engine/engine.hpp"

#include <atomic>

#include <fmt/format.h>

#include <fnmatch.h>

#include <algorithm>
#include <map>

#include "config/device_filter.hpp"
#include "policies/other.hpp"
#include "config/rules.hpp"
#include "policies/registry.hpp"
#include "policies/steering.hpp"
#include "sysfs/irq_files.hpp"
#include "sysfs/knob_io.hpp"
#include "topology/hwloc_loader.hpp"

namespace irqd {

namespace {
std::atomic<std::uint64_t> g_machine_loads{0};
}  // namespace

std::uint64_t machine_loads() { return g_machine_loads.load(); }

topology::Machine load_machine(const sysfs::SysRoot& root, const EngineOptions& opts) {
  ++g_machine_loads;
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

std::string IrqDiff::reason() const {
  if (planned) return planned->reason.str();
  return irq ? unplaced_reason(*irq) : "";
}

namespace {
// NAPI settings (napi-set) and threaded NAPIs' kthreads: knobs under the paths NapiKnobIo routes
// ("netdev/napi/<id>/<attribute>", "task/<pid>/cpus").
void add_napi_knob(const policies::NapiPlacement& p, std::string path, std::string value, std::string current,
                   std::string subject, Diff& d) {
  KnobChange k{std::move(path), std::move(value), std::move(current), -1, std::move(subject)};
  k.kind = "napi";
  k.device = p.device;
  k.was = k.current;
  k.want = k.value;
  k.reason = p.reason;
  d.knobs.push_back(std::move(k));
}

void diff_napis(const sysfs::Inventory& inv, const policies::Plan& plan, Diff& d) {
  for (const auto& p : plan.napis) {
    const auto* nic = inv.nic(p.device);
    if (nic == nullptr) continue;
    auto napi = std::find_if(nic->napis.begin(), nic->napis.end(), [&p](const auto& n) { return n.id == p.napi_id; });
    if (napi == nic->napis.end()) continue;
    auto knob = [&](const char* attr, const std::optional<long>& want, std::optional<long> have) {
      if (!want) return;
      ++d.planned;
      if (have && *have == *want) return;
      add_napi_knob(p, fmt::format("netdev/napi/{}/{}", p.napi_id, attr), std::to_string(*want),
                    have ? std::to_string(*have) : "", fmt::format("{} NAPI {} {}", p.device, p.napi_id, attr), d);
    };
    auto as_long = [](const auto& v) -> std::optional<long> {
      if (!v) return std::nullopt;
      return static_cast<long>(*v);
    };
    knob("defer-hard-irqs", p.defer_hard_irqs, as_long(napi->defer_hard_irqs));
    knob("gro-flush-timeout", p.gro_flush_timeout, as_long(napi->gro_flush_timeout));
    knob("irq-suspend-timeout", p.irq_suspend_timeout, as_long(napi->irq_suspend_timeout));
    auto flag = [](const std::optional<bool>& b) -> std::optional<long> {
      if (!b) return std::nullopt;
      return *b ? 1 : 0;
    };
    knob("threaded", flag(p.threaded), flag(napi->threaded));
    if (p.thread_cpus && p.pid > 0) {
      ++d.planned;
      if (!(napi->thread_cpus && *napi->thread_cpus == *p.thread_cpus))
        add_napi_knob(p, fmt::format("task/{}/cpus", p.pid), p.thread_cpus->to_list(),
                      napi->thread_cpus ? napi->thread_cpus->to_list() : "",
                      fmt::format("{} NAPI {} thread (pid {}) CPUs", p.device, p.napi_id, p.pid), d);
    }
  }
}
}  // namespace

Diff diff_plan(const sysfs::Inventory& inv, const policies::Plan& plan) {
  Diff d;
  d.irqs.reserve(plan.irqs.size());
  const int bits = std::max(inv.mask_bits, 1);
  // Both sorted by IRQ number: walk them together instead of a search per IRQ.
  auto next = plan.irqs.begin();
  for (const auto& irq : inv.irqs) {
    while (next != plan.irqs.end() && next->irq < irq.irq) ++next;
    const auto* planned = next != plan.irqs.end() && next->irq == irq.irq ? &*next : nullptr;
    if (irq.device.empty() && !planned) continue;
    if (!irq.error.empty()) d.skipped.push_back(irq.irq);
    IrqDiff row;
    row.irq = &irq;
    row.planned = planned;
    if (planned) {
      ++d.planned;
      row.change = !irq.affinity || !(*irq.affinity == planned->cpus);
      if (row.change) {
        // smp_affinity_list takes a cpulist of any width; older kernels only have the mask.
        std::string list = sysfs::irq_path(irq.irq, "smp_affinity_list");
        const bool has_list = irq.affinity_list;
        std::string where = irq.device.empty() ? "" : fmt::format(", {}", irq.device);
        KnobChange k{has_list ? list : sysfs::irq_path(irq.irq, "smp_affinity"),
                     has_list ? planned->cpus.to_list() : planned->cpus.to_mask(bits),
                     irq.affinity ? irq.affinity->to_list() : "", irq.irq,
                     fmt::format("IRQ {} ({}{})", irq.irq, irq.name, where)};
        k.kind = "affinity";
        k.device = irq.device;
        k.queue = irq.queue;
        k.rx = irq.role != sysfs::QueueRole::kTx;
        k.was = k.current;
        k.want = planned->cpus.to_list();
        k.reason = planned->reason;
        d.knobs.push_back(std::move(k));
      }
    }
    (planned && planned->other ? d.others : d.irqs).push_back(row);
  }
  std::size_t nqueues = 0;
  for (const auto& nic : inv.nics) nqueues += nic.rx.size() + nic.tx.size();
  d.queues.reserve(nqueues);
  for (const auto& nic : inv.nics) {
    const std::span<const policies::QueuePlacement> placed[2] = {plan.queues_of(nic.name, false),
                                                                 plan.queues_of(nic.name, true)};
    for (const auto* qs : {&nic.rx, &nic.tx}) {
      // The placements are sorted by queue index, and so (nearly always) are the queues: walk
      // both, searching only when a queue comes out of order.
      std::size_t at[2] = {0, 0};
      for (const auto& q : *qs) {
        QueueDiff row;
        row.nic = &nic;
        row.queue = &q;
        const auto& span = placed[q.rx];
        std::size_t& k = at[q.rx];
        while (k < span.size() && span[k].queue < q.index) ++k;
        row.planned = k < span.size() && span[k].queue == q.index ? &span[k] : policies::Plan::find(span, q.index);
        if (row.planned && !nic.path.empty()) {
          // Paths and labels are made for changes only: most cycles change nothing.
          // `text`: what the kernel file takes (masks); `people`: what the log and views show.
          auto knob = [&](const char* leaf, const auto& want, const auto& have, auto text, auto people) {
            if (!want) return;
            ++d.planned;
            if (have && *want == *have) return;
            row.change = true;
            KnobChange c{fmt::format("{}/queues/{}-{}/{}", nic.path, q.rx ? "rx" : "tx", q.index, leaf),
                         text(*want), have ? text(*have) : "", -1,
                         fmt::format("{} {}-{} {}", nic.name, q.rx ? "rx" : "tx", q.index, leaf)};
            c.kind = leaf;
            c.device = nic.name;
            c.queue = q.index;
            c.rx = q.rx;
            c.was = have ? people(*have) : "";
            c.want = people(*want);
            c.reason = row.planned->reason;
            d.knobs.push_back(std::move(c));
          };
          auto mask = [&](const sysfs::CpuSet& c) { return c.to_mask(bits); };
          auto list = [](const sysfs::CpuSet& c) { return c.empty() ? std::string("none") : c.to_list(); };
          auto num = [](long v) { return std::to_string(v); };
          knob("rps_cpus", row.planned->rps_cpus, q.rps_cpus, mask, list);
          knob("rps_flow_cnt", row.planned->rps_flow_cnt, q.rps_flow_cnt, num, num);
          knob("xps_cpus", row.planned->xps_cpus, q.xps_cpus, mask, list);
          knob("xps_rxqs", row.planned->xps_rxqs, q.xps_rxqs, [&](const sysfs::CpuSet& c) {
            return c.to_mask(std::max(static_cast<int>(nic.rx.size()), 1));
          }, [](const sysfs::CpuSet& c) { return c.empty() ? std::string("none") : "rx " + c.to_list(); });
        }
        d.queues.push_back(row);
      }
    }
  }
  if (plan.rps_sock_flow_entries) diff_rfs_table(inv, *plan.rps_sock_flow_entries, d);
  diff_napis(inv, plan, d);
  if (!plan.device_napi.empty()) diff_device_napi(inv, plan, d);
  d.changes = static_cast<int>(d.knobs.size());
  return d;
}

namespace {
// Whether the plan would read the load: the policy, a policy some NIC chose for itself
// (plan_irqs), or the placement of other IRQs (other_irqs = "place") once one of them is busy
// enough for a balance move (policies::kMinGain): below that the load changes nothing it plans,
// and the last plan of the same input is kept instead of planned again. An unknown name plans
// nothing.
bool plan_reads_load(const policies::Policy& policy, const config::Config& resolved, const sysfs::Inventory& inv,
                     const policies::LoadInfo& load) {
  if (policy.uses_load()) return true;
  if (resolved.other_irqs == config::OtherIrqs::kPlace)
    for (const auto& [irq, l] : load.irqs)
      if (l.cost >= policies::kMinGain)
        if (const auto* info = inv.irq(irq); info != nullptr && policies::is_other_irq(*info)) return true;
  for (const auto& nic : inv.nics) {
    const auto& name = resolved.device(nic.name).policy;
    if (name.empty() || name == policy.name()) continue;
    const policies::Policy* other = policies::find_policy(name);
    if (other != nullptr && other->uses_load()) return true;
  }
  return false;
}

// A move's side effect the plan's reason does not say: the IRQ leaves CPUs it may no longer use
// (banned, at run time or in the configuration; isolated; outside default_smp_affinity). Said in
// the decision log and history.
void note_leaving(Diff& d, const config::Config& cfg, const topology::Machine& m) {
  sysfs::CpuSet banned = cfg.banned_cpus;
  sysfs::CpuSet isolated = cfg.honour_isolcpus ? (m.isolated | m.nohz_full) : sysfs::CpuSet{};
  sysfs::CpuSet outside = cfg.honour_default_smp_affinity ? m.outside_default_affinity : sysfs::CpuSet{};
  if (banned.empty() && isolated.empty() && outside.empty()) return;
  std::map<int, const sysfs::IrqInfo*> now;
  for (const auto& row : d.irqs)
    if (row.change && row.irq != nullptr) now[row.irq->irq] = row.irq;
  for (auto& k : d.knobs) {
    auto it = k.irq >= 0 ? now.find(k.irq) : now.end();
    if (it == now.end() || !it->second->affinity) continue;
    const sysfs::CpuSet& was = *it->second->affinity;
    std::string why;
    if (was.intersects(banned)) why = fmt::format("CPU {} banned", (was & banned).to_list());
    if (was.intersects(isolated))
      why += fmt::format("{}CPU {} isolated", why.empty() ? "" : ", ", (was & isolated).to_list());
    if (was.intersects(outside))
      why += fmt::format("{}CPU {} outside default_smp_affinity", why.empty() ? "" : ", ", (was & outside).to_list());
    if (!why.empty()) k.reason += fmt::format(" (leaves {})", why);
  }
}

// Scopes, resolves, plans and diffs into r (whose machine is set), sharing with `previous` every
// part whose inputs are the same.
// `owned`: `found` itself, held by the caller unchanged (made for this plan, or the daemon's
// discovery cache, which copies before changing one it lent): kept instead of a snapshot.
void finish_plan(PlanResult& r, const EngineOptions& opts, const config::Config& cfg,
                 const policies::LoadInfo* load, const Discovery& found,
                 std::shared_ptr<const Discovery> owned, const PlanResult* previous) {
  const policies::Policy* policy = &policies::policy_named(cfg.policy);
  const PlanResult* prev = previous != nullptr && previous->found && previous->config_given && previous->plan
                               ? previous
                               : nullptr;
  const bool same_found = prev != nullptr && *prev->found == found;
  const bool same_config = prev != nullptr && *prev->config_given == cfg;
  r.found = owned ? std::move(owned) : same_found ? prev->found : std::make_shared<const Discovery>(found);
  r.config_given = same_config ? prev->config_given : std::make_shared<const config::Config>(cfg);
  r.devices = opts.devices;
  if (same_found && same_config && prev->devices == opts.devices) {
    r.discovery = prev->discovery;
    r.config = prev->config;
    r.left_alone = prev->left_alone;
  } else {
    auto resolved = std::make_shared<config::Config>(*r.config_given);
    r.left_alone = config::devices_left_alone(*resolved, r.found->inventory);
    if (opts.devices.empty() && r.left_alone.empty() && resolved->irq_rules.empty()) {
      // Nothing to scope and no [[irq]] rule to mark: the discovery as found.
      config::resolve_devices(*resolved, r.found->inventory);
      r.discovery = r.found;
    } else {
      auto scoped = std::make_shared<Discovery>(*r.found);
      config::leave_devices(scoped->inventory, r.left_alone, opts.devices);
      config::resolve_rules(*resolved, scoped->inventory);  // [[device]] / [[irq]] rules -> this machine's NICs
      r.discovery = std::move(scoped);
    }
    r.config = std::move(resolved);
  }
  const auto& inv = r.discovery->inventory;
  r.load_dependent = load != nullptr && plan_reads_load(*policy, *r.config, inv, *load);
  const bool same_input = prev != nullptr && prev->machine == r.machine && prev->discovery == r.discovery &&
                          prev->config == r.config && prev->plan->policy == policy->name();
  if (same_input && !prev->load_dependent && !r.load_dependent) {
    r.plan = prev->plan;  // a pure function of the same input
  } else {
    r.plan = std::make_shared<const policies::Plan>(policies::build_plan(
        *policy, {*r.machine, inv, *r.config, load}, same_input ? prev->plan.get() : nullptr));
  }
  r.diff = diff_plan(inv, *r.plan);
  if (r.machine) note_leaving(r.diff, *r.config, *r.machine);
}
}  // namespace

std::unique_ptr<PlanResult> plan_once(const EngineOptions& opts, const config::Config& cfg,
                                      const topology::Machine* machine, const policies::LoadInfo* load,
                                      const sysfs::InterruptTable* interrupts) {
  sysfs::SysRoot root(opts.root);
  auto r = std::make_unique<PlanResult>();
  policies::policy_named(cfg.policy);  // an unknown policy fails before the machine is read
  r->machine = std::make_shared<const topology::Machine>(machine ? *machine : load_machine(root, opts));
  auto found = std::make_shared<const Discovery>(interrupts ? discover(root, *interrupts, DiscoverOptions{opts.use_netlink})
                                                           : discover(root, DiscoverOptions{opts.use_netlink}));
  finish_plan(*r, opts, cfg, load, *found, found, nullptr);
  return r;
}

std::unique_ptr<PlanResult> plan_discovered(const EngineOptions& opts, const config::Config& cfg,
                                            std::shared_ptr<const topology::Machine> machine,
                                            const policies::LoadInfo* load, const Discovery& discovery,
                                            const PlanResult* previous) {
  auto r = std::make_unique<PlanResult>();
  r->machine = std::move(machine);
  finish_plan(*r, opts, cfg, load, discovery, nullptr, previous);
  return r;
}

std::unique_ptr<PlanResult> plan_discovered(const EngineOptions& opts, const config::Config& cfg,
                                            std::shared_ptr<const topology::Machine> machine,
                                            const policies::LoadInfo* load,
                                            std::shared_ptr<const Discovery> discovery,
                                            const PlanResult* previous) {
  auto r = std::make_unique<PlanResult>();
  r->machine = std::move(machine);
  const Discovery& found = *discovery;
  finish_plan(*r, opts, cfg, load, found, std::move(discovery), previous);
  return r;
}

}  // namespace irqd
