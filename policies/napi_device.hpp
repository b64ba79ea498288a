// Which of a NIC's NAPI settings the kernel takes per NAPI (napi-set), and the device-wide
// fallback for the others: /sys/class/net/<dev>/threaded, napi_defer_hard_irqs, gro_flush_timeout
// (irq_suspend_timeout has none). Part of plan_napi (napi.cpp).
#pragma once

#include "config/config.hpp"
#include "policies/plan.hpp"
#include "sysfs/inventory.hpp"

namespace irqd::policies {

// The settings this kernel sets per NAPI on one NIC: every NAPI it lists reports the attribute
// (napi-get shows what napi-set takes). All false when it lists none.
struct PerNapi {
  bool defer_hard_irqs = false;      // 6.13+
  bool gro_flush_timeout = false;    // 6.13+
  bool irq_suspend_timeout = false;  // 6.13+
  bool threaded = false;             // 6.17+
};
PerNapi per_napi_settings(const sysfs::NicInfo& nic);

// For each setting `s` asks for that `per` lacks: the device-wide file where the NIC has it
// (Plan::device_napi, with a reason naming the path), else nothing; then one note for the NIC
// saying what the kernel cannot set per NAPI, what was set device-wide and what is left as it is.
// Nothing when the kernel lists NAPIs but none of this NIC (a device-wide threaded write would be
// refused; plan_napi notes that).
void plan_device_napi(const sysfs::Inventory& inv, const sysfs::NicInfo& nic, const config::DeviceSettings& s,
                      const PerNapi& per, Plan& plan);

}  // namespace irqd::policies
