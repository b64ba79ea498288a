// The key table and the "did you mean" suggestion.
#include "config/schema.hpp"

#include <algorithm>

#include "config/cpu_spec.hpp"

namespace irqd::config {

namespace {
constexpr std::string_view kCpuList = "a cpulist string such as \"0-3,8\"";
constexpr std::string_view kCpuSpec = kCpuSpecGrammar;
constexpr std::string_view kGlobs = "an array of interface names or globs such as [\"eth*\", \"ens1f0\"]";
}  // namespace

const std::vector<KeyInfo>& known_keys() {
  static const std::vector<KeyInfo> keys = {
      {"daemon", "interval", "a number of seconds from 0.05 to 3600"},
      {"metrics", "textfile", "an absolute file path (node_exporter's textfile collector directory, e.g. /var/lib/prometheus/node-exporter/irqd.prom)"},
      {"daemon", "policy", "a placement policy name"},
      {"daemon", "banned_cpus", kCpuSpec},
      {"daemon", "honour_isolcpus", "true or false"},
      {"daemon", "honour_nohz_full", "true or false"},
      {"daemon", "restore_on_exit", "true or false"},
      {"daemon", "ignore_irqbalance", "true or false"},
      {"daemon", "honour_default_smp_affinity", "true or false"},
      {"daemon", "other_irqs", "place, keep-off-isolated or ignore"},
      {"daemon", "state_dir", "an absolute directory path"},
      {"daemon", "run_dir", "an absolute directory path"},
      {"daemon", "log_level", "one of trace, debug, info, warn, error, critical, off"},
      {"daemon", "rps_sock_flow_entries", "an integer from 0 to 1073741824"},
      {"daemon", "devices", kGlobs},
      {"daemon", "exclude_devices", kGlobs},
      {"daemon", "plan_down_devices", kGlobs},
      {"balance", "margin", "a number from 0 to 10"},
      {"balance", "max_moves", "an integer from 1 to 100000"},
      {"balance", "cooldown_cycles", "an integer from 0 to 100000"},
      {"device", "name", "an interface name or glob such as \"ens*\""},
      {"device", "driver", "a driver name or glob such as \"mlx5*\""},
      {"device", "pci", "a PCI address or glob such as \"0000:45:00.0\""},
      {"device", "mac", "a MAC address such as \"52:54:00:12:34:56\""},
      {"device", "policy", "a placement policy name"},
      {"device", "allowed_cpus", kCpuSpec},
      {"device", "ignore", "true or false"},
      {"device", "rps", "auto, off or a cpulist such as \"0-3,8\""},
      {"device", "rfs", "auto or off"},
      {"device", "xps", "auto, cpus, rxqs or off"},
      {"device", "napi_threaded", "keep, on or off"},
      {"device", "napi_thread_cpus", "sibling, same-cpu, same-core or same-l3"},
      {"device", "napi_defer_hard_irqs", "an integer from 0 to 2147483647"},
      {"device", "gro_flush_timeout", "nanoseconds, an integer from 0 to 3600000000000 (an hour)"},
      {"device", "irq_suspend_timeout", "nanoseconds, an integer from 0 to 3600000000000 (an hour)"},
      {"irq", "number", "an IRQ number from 0 to 1048575"},
      {"irq", "name", "an IRQ name or glob such as \"eth0-TxRx-*\""},
      {"irq", "ignore", "true"},
      {"irq", "pin", kCpuList},
  };
  return keys;
}

const std::vector<std::string_view>& known_sections() {
  static const std::vector<std::string_view> sections = {"daemon", "balance", "metrics", "device", "irq"};
  return sections;
}

bool is_array_section(std::string_view section) { return section == "device" || section == "irq"; }

const KeyInfo* find_key(std::string_view section, std::string_view key) {
  for (const auto& k : known_keys())
    if (k.section == section && k.key == key) return &k;
  return nullptr;
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  // Optimal string alignment: a swap of two neighbours ("nmae") is one edit, as people make it.
  const std::size_t w = b.size() + 1;
  std::vector<std::size_t> d((a.size() + 1) * w);
  auto at = [&](std::size_t i, std::size_t j) -> std::size_t& { return d[i * w + j]; };
  for (std::size_t i = 0; i <= a.size(); ++i) at(i, 0) = i;
  for (std::size_t j = 0; j <= b.size(); ++j) at(0, j) = j;
  for (std::size_t i = 1; i <= a.size(); ++i)
    for (std::size_t j = 1; j <= b.size(); ++j) {
      at(i, j) = std::min({at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + (a[i - 1] == b[j - 1] ? 0 : 1)});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) at(i, j) = std::min(at(i, j), at(i - 2, j - 2) + 1);
    }
  return at(a.size(), b.size());
}

std::string suggest(std::string_view word, const std::vector<std::string_view>& candidates) {
  // Long garbage keys need no quadratic work: nothing in the table is longer than 32 characters.
  if (word.size() > 64) return "";
  std::string_view best;
  std::size_t best_d = 3;
  for (auto c : candidates) {
    std::size_t d = edit_distance(word, c);
    if (d < best_d && d * 2 < std::max(word.size(), c.size())) {
      best = c;
      best_d = d;
    }
  }
  return std::string(best);
}

}  // namespace irqd::config
