// CPU -> node map from sysfs; best effort, because top and metrics are still useful without it.
#include "irqd/irqctl/cpu_nodes.hpp"

#include <cctype>
#include <exception>
#include <string>

#include "sysfs/cpuset.hpp"

namespace irqd::irqctl {

CpuNodes read_cpu_nodes(const sysfs::SysRoot& root) {
  CpuNodes out;
  try {
    if (auto online = root.read_line("sys/devices/system/cpu/online")) {
      out.online = sysfs::CpuSet::parse_list(*online).to_vector();
    }
  } catch (const std::exception&) {
    out.online.clear();
  }
  for (const auto& entry : root.list("sys/devices/system/node")) {
    if (entry.size() <= 4 || entry.rfind("node", 0) != 0) continue;
    std::string digits = entry.substr(4);
    bool numeric = digits.size() < 6;
    for (char c : digits) numeric = numeric && std::isdigit(static_cast<unsigned char>(c)) != 0;
    if (!numeric) continue;
    int node = std::stoi(digits);
    try {
      auto list = root.read_line("sys/devices/system/node/" + entry + "/cpulist");
      if (!list) continue;
      for (int cpu : sysfs::CpuSet::parse_list(*list).to_vector()) out.node_of[cpu] = node;
    } catch (const std::exception&) {
      continue;  // an unreadable node leaves its CPUs in the "unknown node" group
    }
  }
  return out;
}

}  // namespace irqd::irqctl
