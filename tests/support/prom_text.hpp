// A strict reader of the Prometheus text exposition format (0.0.4) for tests: every sample's
// family has its TYPE before it, names and labels are well formed, values parse, counters are
// named *_total, histograms have ascending cumulative buckets ending in +Inf that match _count.
#pragma once

#include <map>
#include <string>

namespace irqd::testing {

struct PromText {
  std::map<std::string, std::string> types;   // family -> counter, gauge, histogram, ...
  std::map<std::string, double> samples;      // "name{labels}" exactly as written -> value
};

// Throws std::runtime_error naming the line and what is wrong.
PromText parse_prom_text(const std::string& text);

}  // namespace irqd::testing
