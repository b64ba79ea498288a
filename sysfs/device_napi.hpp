// A netdev's device-wide NAPI files (/sys/class/net/<dev>/threaded, napi_defer_hard_irqs,
// gro_flush_timeout): a write there sets every NAPI of the device. irqd's fallback where the kernel
// cannot set a NAPI setting per NAPI (netdev napi-set: defer-hard-irqs and gro-flush-timeout 6.13+,
// threaded 6.17+). irq_suspend_timeout has no such file.
#pragma once

#include <optional>
#include <string_view>

namespace irqd::sysfs {

inline constexpr std::string_view kThreadedFile = "threaded";
inline constexpr std::string_view kDeferHardIrqsFile = "napi_defer_hard_irqs";
inline constexpr std::string_view kGroFlushTimeoutFile = "gro_flush_timeout";

// What the files hold now; nullopt: the file does not exist (older kernel) or could not be read.
struct DeviceNapi {
  // Linux 5.12+: 0 or 1, 2 for threaded with busy polling (6.18+). net-sysfs prints the device's
  // own setting (dev->threaded), not each NAPI's.
  std::optional<long> threaded;
  std::optional<long> napi_defer_hard_irqs;  // Linux 5.10+
  std::optional<long> gro_flush_timeout;     // ns
  // One of the three by its file name.
  const std::optional<long>& of(std::string_view file) const {
    return file == kThreadedFile ? threaded : file == kDeferHardIrqsFile ? napi_defer_hard_irqs : gro_flush_timeout;
  }
  bool operator==(const DeviceNapi&) const = default;
};

// Whether a file name (the last path component) is one of the three.
inline bool is_device_napi_file(std::string_view leaf) {
  return leaf == kThreadedFile || leaf == kDeferHardIrqsFile || leaf == kGroFlushTimeoutFile;
}

// Whether `rel` is such a file of a netdev directory: ".../net/<dev>/<file>" (sys/class/net/eth0/threaded,
// sys/devices/.../net/eth0/gro_flush_timeout).
inline bool is_device_napi_path(std::string_view rel) {
  const auto leaf_at = rel.rfind('/');
  if (leaf_at == std::string_view::npos || !is_device_napi_file(rel.substr(leaf_at + 1))) return false;
  const std::string_view dir = rel.substr(0, leaf_at);
  const auto dev_at = dir.rfind('/');
  return dev_at != std::string_view::npos && dev_at + 1 < dir.size() && dir.substr(0, dev_at).ends_with("/net");
}

}  // namespace irqd::sysfs
