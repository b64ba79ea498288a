// Device-wide NAPI fallbacks: what the kernel sets per NAPI, and the device files for the rest.
#include "policies/napi_device.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sysfs/device_napi.hpp"

namespace irqd::policies {

PerNapi per_napi_settings(const sysfs::NicInfo& nic) {
  if (nic.napis.empty()) return {};
  auto all = [&nic](auto field) {
    return std::all_of(nic.napis.begin(), nic.napis.end(), [field](const sysfs::NicNapi& n) { return (n.*field).has_value(); });
  };
  return {.defer_hard_irqs = all(&sysfs::NicNapi::defer_hard_irqs),
          .gro_flush_timeout = all(&sysfs::NicNapi::gro_flush_timeout),
          .irq_suspend_timeout = all(&sysfs::NicNapi::irq_suspend_timeout),
          .threaded = all(&sysfs::NicNapi::threaded)};
}

namespace {

// One NAPI setting of [[device]], and where it could go.
struct Wanted {
  const char* key;        // the configuration key
  const char* attribute;  // napi-set's name for it
  const char* since;      // the Linux version that sets it per NAPI
  std::optional<long> value;
  bool per_napi;
  std::string_view file;    // the device-wide file; empty: there is none
  std::optional<long> now;  // what that file holds (nullopt: absent)
};

constexpr char kUnknownNapis[] = "NAPIs unknown (no netdev napi-get: Linux 6.8+)";

}  // namespace

void plan_device_napi(const sysfs::Inventory& inv, const sysfs::NicInfo& nic, const config::DeviceSettings& s,
                      const PerNapi& per, Plan& plan) {
  if (inv.napis_listed && nic.napis.empty()) return;
  std::optional<long> threaded;
  if (s.napi_threaded != config::NapiThreaded::kKeep) threaded = s.napi_threaded == config::NapiThreaded::kOn ? 1 : 0;
  const auto& files = nic.device_napi;
  const Wanted wanted[] = {
      {"napi_threaded", "threaded", "6.17+", threaded, per.threaded, sysfs::kThreadedFile, files.threaded},
      {"napi_defer_hard_irqs", "defer-hard-irqs", "6.13+", s.napi_defer_hard_irqs, per.defer_hard_irqs,
       sysfs::kDeferHardIrqsFile, files.napi_defer_hard_irqs},
      {"gro_flush_timeout", "gro-flush-timeout", "6.13+", s.gro_flush_timeout, per.gro_flush_timeout,
       sysfs::kGroFlushTimeoutFile, files.gro_flush_timeout},
      {"irq_suspend_timeout", "irq-suspend-timeout", "6.13+", s.irq_suspend_timeout, per.irq_suspend_timeout, {},
       std::nullopt},
  };
  std::vector<std::string> cannot, done, left;
  bool threads_unknown = false;
  for (const auto& w : wanted) {
    if (!w.value || w.per_napi) continue;
    cannot.push_back(fmt::format("{} ({})", w.key, w.since));
    const std::string path = fmt::format("/sys/class/net/{}/{}", nic.name, w.file);
    if (w.file.empty()) {
      left.push_back(fmt::format("{} (no device-wide file exists)", w.key));
      continue;
    }
    if (!w.now) {
      left.push_back(fmt::format("{} (no {} on this kernel)", w.key, path));
      continue;
    }
    DeviceNapiSetting d{nic.name, std::string(w.file), *w.value,
                        inv.napis_listed
                            ? fmt::format("device-wide {}: this kernel has no per-NAPI {} ({})", path, w.attribute, w.since)
                            : fmt::format("device-wide {}: {}, so no per-NAPI {} ({})", path, kUnknownNapis, w.attribute,
                                          w.since)};
    if (w.file == sysfs::kThreadedFile && *w.value == 1) {
      threads_unknown = !inv.napis_listed;
      if (*w.now > 1) {
        d.value = *w.now;  // threaded already, and busy polling (6.18+): writing 1 would end that
        d.reason += fmt::format("; reads {} (threaded, busy polling): kept", *w.now);
      } else if (inv.napis_listed &&
                 std::none_of(nic.napis.begin(), nic.napis.end(), [](const auto& n) { return n.pid > 0; })) {
        d.reason += "; its kthreads are placed once they run (the next discovery gives their pids)";
      }
    }
    done.push_back(path);
    plan.device_napi.push_back(std::move(d));
  }
  if (cannot.empty()) return;
  std::string note = inv.napis_listed ? fmt::format("{}: this kernel cannot set per NAPI: {}", nic.name, fmt::join(cannot, ", "))
                                      : fmt::format("{}: {}, so not set per NAPI: {}", nic.name, kUnknownNapis,
                                                    fmt::join(cannot, ", "));
  if (!done.empty()) note += fmt::format("; set device-wide instead: {}", fmt::join(done, ", "));
  if (!left.empty()) note += fmt::format("; left as they are: {}", fmt::join(left, ", "));
  plan.notes.push_back(std::move(note));
  if (threads_unknown)
    plan.notes.push_back(fmt::format("{}: its NAPI kthreads are not placed: without netdev napi-get (Linux 6.8+) the "
                                     "kernel does not say which kthread polls which NAPI",
                                     nic.name));
}

}  // namespace irqd::policies
