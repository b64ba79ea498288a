// The live `irqctl top` loop: refreshes a frame every interval on the terminal (alternate screen,
// plain ANSI escapes), quits on q or Ctrl-C and always gives the terminal back as it was.
#pragma once

#include <functional>
#include <string>

namespace irqd::irqctl {

// Renders one frame for a terminal `width` columns wide; throws CommandError to stop with it.
using FrameSource = std::function<std::string(int width)>;

// Plain frames without terminal control, `iterations` of them `interval_seconds` apart, separated
// by a blank line (for tests and pipes). Returns the exit code.
int run_top_plain(const FrameSource& frame, int iterations, double interval_seconds);

// The interactive view on stdin/stdout (both must be terminals). Returns the exit code.
int run_top_live(const FrameSource& frame, double interval_seconds);

}  // namespace irqd::irqctl
