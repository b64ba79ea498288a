// Knob kinds and value comparison.
#include "sysfs/knob_io.hpp"

#include <charconv>
#include <stdexcept>

#include "sysfs/cpuset.hpp"
#include "sysfs/device_napi.hpp"

namespace irqd::sysfs {

KnobKind knob_kind(std::string_view rel) {
  auto leaf = rel.substr(rel.rfind('/') + 1);
  if (leaf == "smp_affinity_list" || leaf == "effective_affinity_list") return KnobKind::kCpuList;
  if (leaf == "rps_flow_cnt" || leaf == "rps_sock_flow_entries" || is_device_napi_file(leaf)) return KnobKind::kInteger;
  // NAPI attributes (netdev napi-set) and a task's CPUs (NapiKnobIo's paths).
  if (rel.starts_with("netdev/napi/")) return KnobKind::kInteger;
  if (rel.starts_with("task/")) return KnobKind::kCpuList;
  return KnobKind::kCpuMask;  // smp_affinity, rps_cpus, xps_cpus, xps_rxqs
}

bool knob_equal(KnobKind kind, std::string_view a, std::string_view b) {
  try {
    switch (kind) {
      case KnobKind::kCpuList: return CpuSet::parse_list(a) == CpuSet::parse_list(b);
      case KnobKind::kCpuMask: return CpuSet::parse_mask(a) == CpuSet::parse_mask(b);
      case KnobKind::kInteger: {
        auto num = [](std::string_view s) {
          while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.remove_suffix(1);
          long v = 0;
          auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
          if (ec != std::errc{} || p != s.data() + s.size() || s.empty()) throw std::invalid_argument("not a number");
          return v;
        };
        return num(a) == num(b);
      }
    }
  } catch (const std::invalid_argument&) {
  }
  return false;
}

}  // namespace irqd::sysfs
