// find_irqbalance(): a scan of /proc/<pid>/comm through the SysRoot.
#include "irqd/daemon/irqbalance_check.hpp"

#include <charconv>
#include <exception>
#include <string>

#include <fmt/format.h>

namespace irqd {

std::optional<int> find_irqbalance(const sysfs::SysRoot& root) {
  for (const auto& entry : root.list("proc")) {
    int pid = 0;
    const char* end = entry.data() + entry.size();
    auto [ptr, ec] = std::from_chars(entry.data(), end, pid);
    if (ec != std::errc{} || ptr != end || pid <= 0) continue;  // not a process directory
    try {
      auto comm = root.read_line("proc/" + entry + "/comm");
      if (comm && *comm == "irqbalance") return pid;
    } catch (const std::exception&) {
      // A process that exits mid-scan (ESRCH) or hides its comm is not irqbalance we can see.
    }
  }
  return std::nullopt;
}

std::string irqbalance_message(int pid) {
  return fmt::format(
      "irqbalance is running (pid {}): it rewrites IRQ affinity on its own and the two would fight. "
      "Stop and disable it (systemctl disable --now irqbalance), or start irqd with --ignore-irqbalance "
      "to run both anyway",
      pid);
}

}  // namespace irqd
