// The plan's device-wide NAPI settings (/sys/class/net/<dev>/threaded, napi_defer_hard_irqs,
// gro_flush_timeout) as knobs: plain sysfs files under the root, diffed from what discovery read,
// then written, read back, recorded and restored like rps_cpus. Built with the run-once code, as
// rfs_table.cpp is: most plans have none.
#include <fmt/format.h>

#include "irqd/engine/engine.hpp"

namespace irqd {

void diff_device_napi(const sysfs::Inventory& inv, const policies::Plan& plan, Diff& d) {
  for (const auto& s : plan.device_napi) {
    const auto* nic = inv.nic(s.device);
    if (nic == nullptr || nic->path.empty()) continue;
    const std::optional<long>& now = nic->device_napi.of(s.file);
    ++d.planned;
    if (now == s.value) continue;
    d.knobs.push_back({fmt::format("{}/{}", nic->path, s.file), std::to_string(s.value),
                       now ? std::to_string(*now) : "", -1, fmt::format("{} {} (device-wide)", s.device, s.file)});
  }
}

}  // namespace irqd
