// Key handling of `irqctl top`. Filters step through what the last frame knew (nodes from the
// daemon's topology, devices from its IRQs) so a key never selects something that shows nothing.
#include "irqd/irqctl/top_view.hpp"

#include <algorithm>

namespace irqd::irqctl {

namespace {

// The element after `current` in `all`, or none after the last one (back to "all").
template <typename T>
std::optional<T> step(const std::optional<T>& current, const std::vector<T>& all) {
  if (all.empty()) return std::nullopt;
  if (!current) return all.front();
  auto it = std::find(all.begin(), all.end(), *current);
  if (it == all.end() || ++it == all.end()) return std::nullopt;
  return *it;
}

}  // namespace

KeyAction apply_top_key(TopView& view, char key, const std::vector<int>& nodes,
                        const std::vector<std::string>& devices) {
  switch (key) {
    case 'q':
    case 'Q':
      return KeyAction::kQuit;
    case 'l':
      view.sort = TopSort::kLoad;
      break;
    case 'r':
      view.sort = TopSort::kRate;
      break;
    case 'c':
      view.sort = TopSort::kCpu;
      break;
    case 'n':
      view.node = step(view.node, nodes);
      break;
    case 'd': {
      std::optional<std::string> now;
      if (!view.device.empty()) now = view.device;
      view.device = step(now, devices).value_or("");
      break;
    }
    case 'a':
      view.node.reset();
      view.device.clear();
      break;
    default:
      break;
  }
  return KeyAction::kRedraw;
}

std::string top_keys_help() {
  return "keys: q quit  sort l load r rate c CPU  n next node  d next device  a all";
}

const char* sort_name(TopSort sort) {
  switch (sort) {
    case TopSort::kLoad:
      return "load";
    case TopSort::kRate:
      return "rate";
    case TopSort::kCpu:
      return "CPU";
  }
  return "load";
}

}  // namespace irqd::irqctl
