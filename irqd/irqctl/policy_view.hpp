// What `irqctl policy DEVICE` (no POLICY) shows: the policy placing the device's IRQs and where it
// comes from. Built from ListDevices, GetOverrides and GetStatus; pure, so tested without a bus.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "irqd/irqctl/model.hpp"

namespace irqd::irqctl {

struct PolicyView {
  std::string device;
  std::string policy;
  // "run-time" (irqctl policy), "config" (a [[device]] rule's policy), "default" (the daemon's
  // policy: [daemon] policy, --policy, or balanced).
  std::string source;
};

// Throws CommandError(kExitInvalid) when the daemon does not manage `device`.
PolicyView policy_view(const std::string& device, const std::vector<Device>& devices,
                       const Overrides& overrides, const Status& status);

std::string policy_text(const PolicyView& v);
nlohmann::ordered_json policy_json(const PolicyView& v);

}  // namespace irqd::irqctl
