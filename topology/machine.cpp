// Machine queries: the per-CPU look-ups policies make while planning, and the one-line summary
// logged at start-up.
#include "topology/machine.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace irqd::topology {

namespace {

// "1 package" / "2 packages": the summary is read by operators in logs.
std::string count(std::size_t n, std::string_view one, std::string_view many) {
  return fmt::format("{} {}", n, n == 1 ? one : many);
}

}  // namespace

const Pu* Machine::pu(int cpu) const {
  // pus is sorted by cpu, and planners call this per CPU per IRQ: direct when CPUs are numbered
  // densely from 0 (most machines), else a binary search.
  if (cpu >= 0 && static_cast<std::size_t>(cpu) < pus.size() && pus[static_cast<std::size_t>(cpu)].cpu == cpu)
    return &pus[static_cast<std::size_t>(cpu)];
  auto it =
      std::lower_bound(pus.begin(), pus.end(), cpu, [](const Pu& p, int c) { return p.cpu < c; });
  if (it == pus.end() || it->cpu != cpu) return nullptr;
  return &*it;
}

const NumaNode* Machine::node(int os_index) const {
  auto it = std::lower_bound(nodes.begin(), nodes.end(), os_index,
                             [](const NumaNode& n, int i) { return n.os_index < i; });
  if (it == nodes.end() || it->os_index != os_index) return nullptr;
  return &*it;
}

int Machine::node_of(int cpu) const {
  const Pu* p = pu(cpu);
  return p == nullptr ? -1 : p->node;
}

CpuSet Machine::l3_cpus(int cpu) const {
  const Pu* p = pu(cpu);
  if (p == nullptr || p->l3 < 0 || static_cast<std::size_t>(p->l3) >= l3s.size()) return {};
  return l3s[static_cast<std::size_t>(p->l3)].cpus;
}

CpuSet Machine::node_cpus(int os_index) const {
  const NumaNode* n = node(os_index);
  return n == nullptr ? CpuSet{} : n->cpus;
}

CpuSet Machine::smt_siblings(int cpu) const {
  const Pu* p = pu(cpu);
  if (p == nullptr || p->core < 0 || static_cast<std::size_t>(p->core) >= cores.size()) return {};
  CpuSet out;
  for (int c : cores[static_cast<std::size_t>(p->core)].cpus) out.set(c);
  return out;
}

int Machine::max_cpu() const { return online.last(); }

std::string Machine::summary() const {
  auto cpuless =
      std::count_if(nodes.begin(), nodes.end(), [](const NumaNode& n) { return n.cpus.empty(); });
  std::string s =
      fmt::format("{}, {} ({} CPU-less), {}, {}", count(packages.size(), "package", "packages"),
                  count(nodes.size(), "NUMA node", "NUMA nodes"), cpuless,
                  count(cores.size(), "core", "cores"), count(pus.size(), "CPU", "CPUs"));
  // Isolation changes where irqd may place work, so it belongs in the start-up line.
  if (!isolated.empty() || !nohz_full.empty() || !outside_default_affinity.empty()) {
    std::string extra;
    if (!isolated.empty()) extra = "isolated " + isolated.to_list();
    if (!nohz_full.empty()) {
      if (!extra.empty()) extra += ", ";
      extra += "nohz_full " + nohz_full.to_list();
    }
    if (!outside_default_affinity.empty()) {
      if (!extra.empty()) extra += ", ";
      extra += "outside default_smp_affinity " + outside_default_affinity.to_list();
    }
    s += " (" + extra + ")";
  }
  return s;
}

}  // namespace irqd::topology
