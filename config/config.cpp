// Config defaults, lookups, value parsers and description.
#include "config/config.hpp"

#include <stdexcept>

#include <fmt/format.h>

namespace irqd::config {

const DeviceSettings& Config::device(const std::string& name) const {
  auto it = devices.find(name);
  return it == devices.end() ? device_defaults : it->second;
}

RpsMode parse_rps(const std::string& v, sysfs::CpuSet* list) {
  if (v == "auto") return RpsMode::kAuto;
  if (v == "off") return RpsMode::kOff;
  try {
    sysfs::CpuSet s = sysfs::CpuSet::parse_list(v);
    if (s.empty()) throw std::invalid_argument("empty");
    if (list) *list = s;
    return RpsMode::kList;
  } catch (const std::invalid_argument&) {
    throw std::invalid_argument(fmt::format("rps '{}': expected auto, off or a cpulist such as 0-3,8", v));
  }
}

RfsMode parse_rfs(const std::string& v) {
  if (v == "auto") return RfsMode::kAuto;
  if (v == "off") return RfsMode::kOff;
  throw std::invalid_argument(fmt::format("rfs '{}': expected auto or off", v));
}

XpsMode parse_xps(const std::string& v) {
  if (v == "auto") return XpsMode::kAuto;
  if (v == "cpus") return XpsMode::kCpus;
  if (v == "rxqs") return XpsMode::kRxqs;
  if (v == "off") return XpsMode::kOff;
  throw std::invalid_argument(fmt::format("xps '{}': expected auto, cpus, rxqs or off", v));
}

const char* to_string(XpsMode m) {
  switch (m) {
    case XpsMode::kAuto: return "auto";
    case XpsMode::kCpus: return "cpus";
    case XpsMode::kRxqs: return "rxqs";
    case XpsMode::kOff: return "off";
  }
  return "?";
}

std::string describe(const Config& c) {
  return fmt::format(
      "policy = \"{}\"\nbanned_cpus = \"{}\"\nhonour_isolcpus = {}\nhonour_nohz_full = {}\n"
      "restore_on_exit = {}\nrun_dir = \"{}\"\nrps_sock_flow_entries = {}\n",
      c.policy, c.banned_cpus.to_list(), c.honour_isolcpus, c.honour_nohz_full, c.restore_on_exit, c.run_dir,
      c.rps_sock_flow_entries);
}

}  // namespace irqd::config
