// The napi view: settings with their source, queues grouped by NAPI.
#include "irqd/irqctl/napi_view.hpp"

#include <algorithm>

#include "config/napi_settings.hpp"

namespace irqd::irqctl {

namespace {
// What irqd does with a setting nothing sets: threaded and thread_cpus have a built-in value, the
// numbers are left as the kernel has them.
bool builtin(const std::string& name, const std::string& value) {
  return (name == "threaded" && value == "keep") || (name == "thread_cpus" && value == "sibling");
}
}  // namespace

NapiView napi_view(const Device& device, const std::map<std::string, std::string>& overrides) {
  NapiView v;
  v.device = device.name;
  for (auto name_view : config::napi_setting_names()) {
    std::string name(name_view);
    NapiSettingRow row{.name = name, .value = "", .from = ""};
    auto in_force = device.napi_settings.find(name);
    if (auto o = overrides.find(name); o != overrides.end()) {
      row.value = o->second;
      row.from = "run-time";
    } else if (in_force != device.napi_settings.end()) {
      row.value = in_force->second;
      row.from = builtin(name, row.value) ? "default" : "config";
    }
    v.settings.push_back(std::move(row));
  }
  for (const auto& n : device.napis) v.napis.push_back(NapiRow{.napi = n, .queues = {}});
  const bool listed = !v.napis.empty();
  for (const auto& q : device.queues) {
    if (q.napi.id < 0) continue;
    auto it = std::find_if(v.napis.begin(), v.napis.end(),
                           [&q](const NapiRow& n) { return n.napi.id == q.napi.id; });
    if (it == v.napis.end() && listed) continue;  // gone since the daemon listed them
    if (it == v.napis.end()) {
      v.napis.push_back(NapiRow{.napi = q.napi, .queues = {}});
      it = v.napis.end() - 1;
    }
    if (!listed && it->napi.irq < 0) it->napi.irq = q.irq;
    it->queues.push_back(q.name);
  }
  return v;
}

}  // namespace irqd::irqctl
