// Change history ring.
#include "irqd/daemon/history.hpp"

#include <algorithm>

namespace irqd {

void ChangeHistory::add(ChangeRecord r) {
  if (capacity_ == 0) return;
  if (ring_.size() == capacity_) ring_.pop_front();
  ring_.push_back(std::move(r));
}

std::vector<ChangeRecord> ChangeHistory::query(const HistoryFilter& f) const {
  auto match = [&f](const ChangeRecord& r) {
    return (!f.irq || r.irq == *f.irq) && (f.device.empty() || r.device == f.device);
  };
  std::vector<ChangeRecord> out;
  // Newest first while collecting, so a limit keeps the newest; then back to oldest first.
  for (auto it = ring_.rbegin(); it != ring_.rend(); ++it) {
    if (f.limit != 0 && out.size() == f.limit) break;
    if (match(*it)) out.push_back(*it);
  }
  std::reverse(out.begin(), out.end());
  return out;
}

}  // namespace irqd
