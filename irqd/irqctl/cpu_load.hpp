// Per-CPU interrupt load: the daemon reports load per IRQ (and the CPU it is delivered on);
// `top` and `metrics` sum it per CPU and group CPUs by NUMA node.
#pragma once

#include <vector>

#include "irqd/irqctl/model.hpp"

namespace irqd::irqctl {

struct CpuLoad {
  int cpu = 0;
  int node = -1;    // -1: not known
  int core = -1;    // -1: not known
  double cost = 0;  // CPU seconds per second spent in the IRQs delivered here (1.0 = 100%)
  double rate = 0;  // interrupts per second
  int irqs = 0;     // IRQs whose effective CPU this is
};

// One entry per online CPU and per CPU an IRQ is delivered to, sorted by (node, cpu); CPUs of
// unknown node come last.
std::vector<CpuLoad> cpu_loads(const std::vector<Irq>& irqs, const CpuNodes& nodes);

}  // namespace irqd::irqctl
