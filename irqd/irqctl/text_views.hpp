// Text views: what `irqctl status|irqs|devices|plan|overrides|napi` print for people. Pure
// functions from the typed model to text.
#pragma once

#include <string>
#include <vector>

#include "irqd/irqctl/model.hpp"
#include "irqd/irqctl/napi_view.hpp"

namespace irqd::irqctl {

std::string status_text(const Status& s);
std::string irqs_text(const std::vector<Irq>& irqs);
std::string devices_text(const std::vector<Device>& devices);
std::string plan_text(const std::vector<Change>& changes);
std::string overrides_text(const Overrides& o);
std::string napi_text(const NapiView& v);

// Number formatting shared by the views: "12.3k"-free plain numbers people can grep.
std::string fmt_rate(double per_second);   // "1234" / "0.5"
std::string fmt_percent(double fraction);  // 0.123 -> "12.3%"
std::string fmt_id(std::int32_t id);       // a node or CPU number; -1 (unknown) -> "-"

}  // namespace irqd::irqctl
