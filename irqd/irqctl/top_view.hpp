// What `irqctl top` shows: the sort order of the CPU lines and the node and device filters, and
// the keys that change them. Pure: the terminal loop feeds keys in, the frame reads the state.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace irqd::irqctl {

enum class TopSort { kLoad, kRate, kCpu };

struct TopView {
  TopSort sort = TopSort::kLoad;
  std::optional<int> node;  // only this node's CPUs and the IRQs delivered on them
  std::string device;       // "" = every device; else only this device's IRQs
};

enum class KeyAction { kQuit, kRedraw };

// q quits; l/r/c sort by load/rate/CPU; n and d step the node and device filters through
// `nodes` and `devices` and back to "all"; a clears both filters; any other key redraws.
KeyAction apply_top_key(TopView& view, char key, const std::vector<int>& nodes,
                        const std::vector<std::string>& devices);

// The one line of key help the live view ends with (fits 80 columns).
std::string top_keys_help();

const char* sort_name(TopSort sort);

}  // namespace irqd::irqctl
