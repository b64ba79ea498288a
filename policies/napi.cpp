// NAPI policy: the per-device NAPI settings on each NAPI (napi_device.cpp: the device-wide files
// where the kernel cannot) and where threaded NAPIs' kthreads run.
#include <fmt/format.h>

#include <string>
#include <vector>

#include "config/napi_settings.hpp"
#include "policies/core_order.hpp"
#include "policies/napi_device.hpp"
#include "policies/steering.hpp"

namespace irqd::policies {

namespace {

// The CPU an IRQ goes to: the plan's single CPU, else the single CPU of its affinity now; -1.
int irq_cpu(const Plan& plan, const sysfs::Inventory& inv, int irq) {
  if (const auto* p = plan.irq(irq); p && p->cpus.count() == 1) return p->cpus.first();
  if (const auto* i = inv.irq(irq); i && i->affinity && i->affinity->count() == 1) return i->affinity->first();
  return -1;
}

// Where a NAPI's kthread goes for an IRQ on `cpu`, and why.
std::pair<CpuSet, std::string> thread_place(const topology::Machine& m, config::NapiThreadCpus mode, int cpu) {
  switch (mode) {
    case config::NapiThreadCpus::kSameCpu:
      return {CpuSet::of({cpu}), fmt::format("its IRQ's CPU {}", cpu)};
    case config::NapiThreadCpus::kSameCore: {
      CpuSet core = m.smt_siblings(cpu);
      if (core.empty()) core = CpuSet::of({cpu});
      return {core, fmt::format("the core of its IRQ's CPU {}", cpu)};
    }
    case config::NapiThreadCpus::kSameL3: {
      CpuSet l3 = m.l3_cpus(cpu);
      if (l3.empty()) l3 = CpuSet::of({cpu});
      return {l3, fmt::format("the L3 of its IRQ's CPU {}", cpu)};
    }
    case config::NapiThreadCpus::kSibling:
      break;
  }
  const CpuSet others = m.smt_siblings(cpu) - CpuSet::of({cpu});
  if (others.empty()) return {CpuSet::of({cpu}), fmt::format("its IRQ's CPU {} (no SMT sibling)", cpu)};
  const int sibling = others.first();
  return {CpuSet::of({sibling}), fmt::format("CPU {}, the SMT sibling of its IRQ's CPU {}", sibling, cpu)};
}

}  // namespace

void plan_napi(const PlanInput& in, Plan& plan) {
  for (const auto& nic : in.inventory.nics) {
    const auto& s = in.config.device(nic.name);
    const bool wants = s.napi_defer_hard_irqs || s.gro_flush_timeout || s.irq_suspend_timeout ||
                       s.napi_threaded != config::NapiThreaded::kKeep;
    if (wants && nic.napis.empty() && in.inventory.napis_listed)
      plan.notes.push_back(fmt::format("{}: napi settings: the kernel lists no NAPI of this device (netdev napi-get, "
                                       "Linux 6.8+); left as they are",
                                       nic.name));
    // The settings irqctl napi / SetDeviceNapi override on this device, for the reason.
    std::string run_time;
    if (auto o = in.config.device_overrides.find(nic.name); o != in.config.device_overrides.end()) {
      for (const auto& [name, value] : config::napi_settings(o->second))
        run_time += (run_time.empty() ? "" : ", ") + name;
    }
    // What this kernel does not set per NAPI goes to the device-wide files where there are some.
    const PerNapi per = per_napi_settings(nic);
    if (wants) plan_device_napi(in.inventory, nic, s, per, plan);
    // Kthreads of NAPIs without an IRQ (veth, a software device) take the device's local CPUs in
    // core-first order, one each in turn.
    std::vector<int> spread;
    std::string spread_why;
    std::size_t next = 0;
    for (const auto& napi : nic.napis) {
      NapiPlacement p;
      p.device = nic.name;
      p.napi_id = napi.id;
      p.pid = napi.pid;
      // Only what the kernel reports per NAPI is set: an attribute it does not show could not be
      // read back (and would be written again every cycle).
      if (per.defer_hard_irqs) p.defer_hard_irqs = s.napi_defer_hard_irqs;
      if (per.gro_flush_timeout) p.gro_flush_timeout = s.gro_flush_timeout;
      if (per.irq_suspend_timeout) p.irq_suspend_timeout = s.irq_suspend_timeout;
      if (per.threaded && s.napi_threaded != config::NapiThreaded::kKeep)
        p.threaded = s.napi_threaded == config::NapiThreaded::kOn;
      std::string why;
      if (p.defer_hard_irqs || p.gro_flush_timeout || p.irq_suspend_timeout || p.threaded.has_value())
        why = run_time.empty() ? fmt::format("[[device]] napi settings of {}", nic.name)
                               : fmt::format("napi settings of {} (run-time: {})", nic.name, run_time);
      // A kthread polling now (and staying threaded) goes next to its IRQ.
      const bool stays_threaded = napi.pid > 0 && s.napi_threaded != config::NapiThreaded::kOff;
      if (const int cpu = stays_threaded && napi.irq >= 0 ? irq_cpu(plan, in.inventory, napi.irq) : -1; cpu >= 0) {
        auto [cpus, where] = thread_place(in.machine, s.napi_thread_cpus, cpu);
        if (!(cpus & in.machine.online).empty()) {
          p.thread_cpus = cpus & in.machine.online;
          why += fmt::format("{}thread napi/{}-{} on {}", why.empty() ? "" : "; ", nic.name, napi.id, where);
        }
      } else if (stays_threaded && napi.irq < 0) {
        if (spread.empty()) {
          const auto local = nic_local_cpus(in.machine, nic, device_cpus(usable_cpus(in.machine, in.config), in.config, nic.name));
          spread = core_first_order(in.machine, local.cpus);
          spread_why = local.why;
        }
        if (!spread.empty()) {
          const int at = spread[next++ % spread.size()];
          p.thread_cpus = CpuSet::of({at});
          why += fmt::format("{}thread napi/{}-{} on CPU {}: no IRQ, kthreads spread over {}", why.empty() ? "" : "; ",
                             nic.name, napi.id, at, spread_why);
        }
      }
      if (why.empty()) continue;
      p.reason = std::move(why);
      plan.napis.push_back(std::move(p));
    }
  }
}

}  // namespace irqd::policies
