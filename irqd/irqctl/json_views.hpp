// JSON views for scripts (`--json`): one object per command, keys named as the D-Bus arguments
// of io.github.irqd.Irqd1, plus "schema" (1; fields are only ever added).
#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "irqd/irqctl/model.hpp"
#include "irqd/irqctl/napi_view.hpp"

namespace irqd::irqctl {

inline constexpr int kJsonSchema = 1;

nlohmann::ordered_json status_json(const Status& s);
nlohmann::ordered_json irqs_json(const std::vector<Irq>& irqs);
nlohmann::ordered_json devices_json(const std::vector<Device>& devices);
nlohmann::ordered_json plan_json(const std::vector<Change>& changes);
nlohmann::ordered_json overrides_json(const Overrides& o);
nlohmann::ordered_json napi_json(const NapiView& v);

}  // namespace irqd::irqctl
