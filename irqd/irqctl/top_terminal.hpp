// The live `irqctl top` loop: refreshes a frame every interval on the terminal (alternate screen,
// plain ANSI escapes), quits on q or Ctrl-C and always gives the terminal back as it was.
#pragma once

#include <functional>
#include <string>

namespace irqd::irqctl {

// Renders one frame for a terminal `width` columns wide and `height` rows high (0: no limit);
// throws CommandError to stop with it.
using FrameSource = std::function<std::string(int width, int height)>;
// Takes a key pressed in the live view; false quits.
using KeyHandler = std::function<bool(char key)>;

// Plain frames without terminal control, `iterations` of them `interval_seconds` apart, separated
// by a blank line (for tests and pipes), each `width` x `height`. Returns the exit code.
int run_top_plain(const FrameSource& frame, int iterations, double interval_seconds, int width,
                  int height);

// The interactive view on stdin/stdout (both must be terminals), redrawn at the terminal's size
// on every refresh and after every key. Returns the exit code.
int run_top_live(const FrameSource& frame, const KeyHandler& key, double interval_seconds);

}  // namespace irqd::irqctl
