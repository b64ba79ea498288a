// JSON views for scripts (`--json`): one object per command in the one schema irqd's reports use
// too (contrib/irqd.schema.json: the same names for the same things, null for absent), with
// "schema" (kJsonSchema; fields are only ever added within a version).
#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "irqd/irqctl/model.hpp"
#include "irqd/irqctl/napi_view.hpp"

namespace irqd::irqctl {

// The version of contrib/irqd.schema.json; irqd's report (irqd/engine/report.hpp) says the same.
inline constexpr int kJsonSchema = 2;

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

// A queue as the daemon names it ("rx-3", "tx-3", "rxtx-3") as the schema's two fields:
// {"queue": 3, "role": "rx" | "tx" | "combined"}; nulls for "" or a name of another form.
struct QueueId {
  nlohmann::ordered_json queue, role;
};
QueueId queue_id(const std::string& name);
// A JSON object's queue and role fields from a daemon's queue name.
void put_queue(nlohmann::ordered_json& obj, const std::string& name);
// Where a setting comes from, as the schema spells it everywhere: "config", "runtime" (the
// daemon's "run-time"), "default"; null for "".
nlohmann::ordered_json origin_json(const std::string& from);
// With --json, what failed as an object on stdout: {"schema", "error": {"message", "exit_code"}}.
nlohmann::ordered_json error_json(const std::string& message, int exit_code);

nlohmann::ordered_json status_json(const Status& s);
nlohmann::ordered_json irq_json(const Irq& irq);  // one IRQ (irqs, top's busiest)
nlohmann::ordered_json irqs_json(const std::vector<Irq>& irqs);
nlohmann::ordered_json devices_json(const std::vector<Device>& devices);
nlohmann::ordered_json plan_json(const std::vector<Change>& changes);
nlohmann::ordered_json overrides_json(const Overrides& o);
nlohmann::ordered_json napi_json(const NapiView& v);

}  // namespace irqd::irqctl
