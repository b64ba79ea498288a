// The source of a device's policy, told apart the way the daemon layers them: a run-time override
// wins over a [[device]] rule, which wins over the daemon's policy. A rule naming the daemon's own
// policy shows as "default": the wire does not say which rule matched.
#include "irqd/irqctl/policy_view.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "irqd/irqctl/errors.hpp"
#include "irqd/irqctl/json_views.hpp"

namespace irqd::irqctl {

PolicyView policy_view(const std::string& device, const std::vector<Device>& devices,
                       const Overrides& overrides, const Status& status) {
  auto it = std::find_if(devices.begin(), devices.end(),
                         [&device](const Device& d) { return d.name == device; });
  if (it == devices.end())
    throw CommandError(kExitInvalid, fmt::format("device '{}': no such network device", device));
  PolicyView v{.device = device, .policy = it->policy, .source = "default"};
  for (const auto& p : overrides.device_policies)
    if (p.device == device) return PolicyView{device, p.policy, "run-time"};
  if (!it->policy.empty() && it->policy != status.policy) v.source = "config";
  if (v.policy.empty()) v.policy = status.policy;
  return v;
}

std::string policy_text(const PolicyView& v) {
  const char* why = v.source == "run-time" ? "set at run time by irqctl policy; --reset drops it"
                    : v.source == "config" ? "from a [[device]] rule of the configuration"
                                           : "the daemon's default policy";
  return fmt::format("{}: policy {} ({})\n", v.device, v.policy, why);
}

nlohmann::ordered_json policy_json(const PolicyView& v) {
  return {
      {"schema", kJsonSchema}, {"device", v.device}, {"policy", v.policy}, {"source", origin_json(v.source)}};
}

}  // namespace irqd::irqctl
