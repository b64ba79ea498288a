// History and explain views: what `irqctl history` and `irqctl explain` print, as tables and
// blocks that fit 80 columns for people and as JSON (keys named as the D-Bus fields) for scripts.
// Pure functions of the typed model.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "irqd/irqctl/model.hpp"

namespace irqd::irqctl {

inline constexpr std::size_t kTextWidth = 80;

std::string history_text(const std::vector<HistoryEntry>& changes);
nlohmann::ordered_json history_json(const std::vector<HistoryEntry>& changes);
std::string explain_text(const Explanation& e);
nlohmann::ordered_json explain_json(const Explanation& e);

// "2026-12-07T10:41:02.123456Z".
std::string iso_time(std::uint64_t time_usec);

}  // namespace irqd::irqctl
