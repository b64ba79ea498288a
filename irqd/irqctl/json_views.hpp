// JSON views for scripts (`--json`): one object per command, keys named as the D-Bus arguments
// of io.github.irqd.Irqd1, plus "schema" (1; fields are only ever added).
#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "irqd/irqctl/model.hpp"
#include "irqd/irqctl/napi_view.hpp"

namespace irqd::irqctl {

inline constexpr int kJsonSchema = 1;

// -1 (unknown node, CPU, IRQ) and "" (no device, queue) as null, so scripts do not mistake them
// for real values; an absent optional as null.
inline nlohmann::ordered_json int_or_null(std::int32_t v) {
  return v < 0 ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(v);
}
inline nlohmann::ordered_json str_or_null(const std::string& s) {
  return s.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(s);
}
template <typename T>
nlohmann::ordered_json opt_json(const std::optional<T>& v) {
  return v ? nlohmann::ordered_json(*v) : nlohmann::ordered_json(nullptr);
}

nlohmann::ordered_json status_json(const Status& s);
nlohmann::ordered_json irqs_json(const std::vector<Irq>& irqs);
nlohmann::ordered_json devices_json(const std::vector<Device>& devices);
nlohmann::ordered_json plan_json(const std::vector<Change>& changes);
nlohmann::ordered_json overrides_json(const Overrides& o);
nlohmann::ordered_json napi_json(const NapiView& v);

}  // namespace irqd::irqctl
