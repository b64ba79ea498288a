// Logging setup: spdlog to stderr (stdout is reserved for reports), level from --log-level.
#pragma once

#include <string>

namespace irqd {

// Throws std::invalid_argument for an unknown level name.
void setup_logging(const std::string& level);

}  // namespace irqd
