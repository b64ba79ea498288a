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
// irqctl pin's reply: the confirmation, then each warning (CheckPin) on a line of its own.
std::string pin_text(std::uint32_t irq, const std::string& cpus,
                     const std::vector<std::string>& warnings);
std::string napi_text(const NapiView& v);

// Number formatting shared by the views: "12.3k"-free plain numbers people can grep.
std::string fmt_uptime(double seconds);      // "3h 02m 01s"
std::string fmt_utc(std::uint64_t usec);     // "2026-12-07 11:20:03 UTC" from usec since the epoch
std::string fmt_rate(double per_second);   // "1234" / "0.5"
std::string fmt_percent(double fraction);  // 0.123 -> "12.3%"
std::string fmt_id(std::int32_t id);       // a node or CPU number; -1 (unknown) -> "-"

}  // namespace irqd::irqctl
