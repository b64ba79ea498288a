// Sums each IRQ's measured cost and rate onto its effective CPU.
#include "irqd/irqctl/cpu_load.hpp"

#include <algorithm>
#include <map>

namespace irqd::irqctl {

std::vector<CpuLoad> cpu_loads(const std::vector<Irq>& irqs, const CpuNodes& nodes) {
  std::map<int, CpuLoad> by_cpu;
  auto entry = [&](int cpu) -> CpuLoad& {
    auto [it, added] = by_cpu.try_emplace(cpu);
    if (added) {
      it->second.cpu = cpu;
      auto n = nodes.node_of.find(cpu);
      it->second.node = n == nodes.node_of.end() ? -1 : n->second;
      auto c = nodes.core_of.find(cpu);
      it->second.core = c == nodes.core_of.end() ? -1 : c->second;
    }
    return it->second;
  };
  for (int cpu : nodes.online) entry(cpu);
  for (const auto& i : irqs) {
    if (i.effective_cpu < 0) continue;
    CpuLoad& l = entry(i.effective_cpu);
    l.cost += i.cost;
    l.rate += i.rate;
    ++l.irqs;
  }
  std::vector<CpuLoad> out;
  out.reserve(by_cpu.size());
  for (auto& [cpu, l] : by_cpu) out.push_back(l);
  std::stable_sort(out.begin(), out.end(), [](const CpuLoad& a, const CpuLoad& b) {
    // Unknown node (-1) sorts after every real node.
    auto key = [](const CpuLoad& l) { return l.node < 0 ? 1 << 30 : l.node; };
    return key(a) != key(b) ? key(a) < key(b) : a.cpu < b.cpu;
  });
  return out;
}

}  // namespace irqd::irqctl
