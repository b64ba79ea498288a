// One frame of `irqctl top`, sized to the terminal: a header from the status, per-CPU interrupt
// load as bars (idle CPUs collapsed into ranges), the busiest IRQs with their device and queue, and
// in the live view a line of key help. Pure: the live loop (top_terminal.cpp) only adds screen
// control around it.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "irqd/irqctl/model.hpp"
#include "irqd/irqctl/top_view.hpp"

namespace irqd::irqctl {

struct TopOptions {
  int width = 80;          // terminal columns: no line is longer
  int height = 0;          // terminal rows: no more lines (0 = as many as it takes)
  int max_irqs = 10;       // busiest IRQs listed (at most; fewer when the height is short)
  bool keys_help = false;  // end with the key help line (the live view)
  TopView view;
};

std::string top_frame(const Status& status, const std::vector<Irq>& irqs, const CpuNodes& nodes,
                      const TopOptions& options);

// The same frame for scripts: {"schema", "status", "view", "cpus", "busiest_irqs"}, with the
// keys of `irqctl status --json` and `irqctl irqs --json`. Idle CPUs are listed too.
nlohmann::ordered_json top_json(const Status& status, const std::vector<Irq>& irqs,
                                const CpuNodes& nodes, const TopOptions& options);

// The IRQs ordered busiest first: by cost, then rate, then number (stable for equal loads).
std::vector<Irq> busiest_irqs(std::vector<Irq> irqs);

// "[#####.....]" of `width` cells inside the brackets for a 0..1 fraction (clamped).
std::string load_bar(double fraction, int width);

// `line` cut to `width` columns (UTF-8 aware; one column per code point), "…" marking a cut.
std::string fit_width(const std::string& line, int width);

// The nodes and devices the filters can step through (top_view.hpp).
std::vector<int> top_nodes(const CpuNodes& nodes);
std::vector<std::string> top_devices(const std::vector<Irq>& irqs);

}  // namespace irqd::irqctl
