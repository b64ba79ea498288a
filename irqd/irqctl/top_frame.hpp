// One frame of `irqctl top`: a header from the status, per-CPU interrupt load as bars grouped by
// NUMA node, and the busiest IRQs with their device and queue. Pure: the live loop
// (top_terminal.cpp) only adds screen control around it.
#pragma once

#include <string>
#include <vector>

#include "irqd/irqctl/model.hpp"

namespace irqd::irqctl {

struct TopOptions {
  int width = 80;     // terminal columns; bars shrink or grow with it
  int max_irqs = 10;  // busiest IRQs listed (at most)
};

std::string top_frame(const Status& status, const std::vector<Irq>& irqs, const CpuNodes& nodes,
                      const TopOptions& options);

// The IRQs ordered busiest first: by cost, then rate, then number (stable for equal loads).
std::vector<Irq> busiest_irqs(std::vector<Irq> irqs);

// "[#####.....]" of `width` cells inside the brackets for a 0..1 fraction (clamped).
std::string load_bar(double fraction, int width);

}  // namespace irqd::irqctl
