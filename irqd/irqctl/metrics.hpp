// Prometheus text exposition (format 0.0.4) of the daemon's state, for node_exporter's textfile
// collector: `irqctl metrics > /var/lib/node_exporter/irqd.prom.$$ && mv ... irqd.prom`.
#pragma once

#include <string>
#include <vector>

#include "irqd/irqctl/model.hpp"

namespace irqd::irqctl {

std::string metrics_text(const Status& status, const std::vector<Irq>& irqs, const CpuNodes& nodes);

// A label value with \, " and newline escaped as the exposition format requires.
std::string prom_escape(const std::string& value);

}  // namespace irqd::irqctl
