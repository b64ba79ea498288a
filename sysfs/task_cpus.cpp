// Task CPU affinity: proc/<pid>/status to read, sched_setaffinity(2) to set.
#include "sysfs/task_cpus.hpp"

#include <fmt/format.h>
#include <sched.h>

#include <cerrno>
#include <string>
#include <string_view>

#include "sysfs/error.hpp"

namespace irqd::sysfs {

namespace {
constexpr std::string_view kKey = "Cpus_allowed_list:";

std::string status_path(int pid) { return fmt::format("proc/{}/status", pid); }
}  // namespace

std::optional<CpuSet> read_task_cpus(const SysRoot& root, int pid) {
  const auto text = root.read_if_exists(status_path(pid));
  if (!text) return std::nullopt;
  const auto at = text->find(kKey);
  if (at == std::string::npos) return std::nullopt;
  auto end = text->find('\n', at);
  std::string_view v = std::string_view(*text).substr(at + kKey.size(), end == std::string::npos ? std::string::npos : end - at - kKey.size());
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  try {
    return CpuSet::parse_list(v);
  } catch (const std::exception& e) {
    throw IoError(root.display(status_path(pid)), EINVAL, "parse", fmt::format("Cpus_allowed_list '{}': {}", v, e.what()));
  }
}

void set_task_cpus(const SysRoot& root, int pid, const CpuSet& cpus) {
  if (cpus.empty()) throw IoError(root.display(status_path(pid)), EINVAL, "set the CPUs of", "no CPU given");
  if (root.is_live()) {
    cpu_set_t set;
    CPU_ZERO(&set);
    for (int c : cpus.to_vector())
      if (c < CPU_SETSIZE) CPU_SET(static_cast<std::size_t>(c), &set);
    if (::sched_setaffinity(pid, sizeof(set), &set) != 0)
      throw IoError(fmt::format("pid {}", pid), errno, "sched_setaffinity");
    return;
  }
  auto text = root.read_if_exists(status_path(pid));
  if (!text) throw IoError(root.display(status_path(pid)), ESRCH, "set the CPUs of");
  const auto at = text->find(kKey);
  const std::string line = fmt::format("{}\t{}", kKey, cpus.to_list());
  if (at == std::string::npos) {
    *text += line + "\n";
  } else {
    const auto end = text->find('\n', at);
    text->replace(at, end == std::string::npos ? std::string::npos : end - at, line);
  }
  root.write(status_path(pid), *text);
}

}  // namespace irqd::sysfs
