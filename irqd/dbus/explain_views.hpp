// The D-Bus replies of GetHistory and ExplainIrq: the change history and one IRQ's explanation
// (daemon/history.hpp, daemon/explain.hpp) in the wire types of io.github.irqd.Irqd1.xml, and
// GetHistory's filter read from its a{sv}. Pure translation, unit-tested without a bus.
#pragma once

#include <sdbus-c++/Types.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "irqd/daemon/control.hpp"  // ChangeRecord, HistoryFilter, IrqExplanation
#include "irqd/dbus/views.hpp"

namespace irqd::dbus {

// (time_usec, cycle, kind, subject, irq, device, queue, old, new, reason, ok, error,
//  more{load_source, cost_seconds_per_second, rate_per_second})
using HistoryRow = sdbus::Struct<std::uint64_t, std::uint64_t, std::string, std::string, std::int32_t,
                                 std::string, std::string, std::string, std::string, std::string, bool,
                                 std::string, More>;

// Throws std::invalid_argument naming an unknown key or a value of the wrong type.
HistoryFilter history_filter(const std::map<std::string, sdbus::Variant>& filter);
std::vector<HistoryRow> history_rows(const std::vector<ChangeRecord>& changes);
More explanation_map(const IrqExplanation& e);

}  // namespace irqd::dbus
