// The change history: a bounded in-memory ring of the last changes the daemon made (or tried),
// newest last, with what a person asks afterwards: when, which cycle, what, old and new as people
// read them, the plan's reason, whether the write held, and for an IRQ the load the plan used.
// Kept by the daemon, read through the control API (GetHistory, irqctl history and explain).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

namespace irqd {

struct ChangeRecord {
  std::chrono::system_clock::time_point time{};
  std::uint64_t cycle = 0;
  std::string kind;     // KnobChange::kind: "affinity", "rps_cpus", "xps_cpus", "napi", ...
  std::string subject;  // as the decision log names it
  int irq = -1;         // -1: not an IRQ's affinity
  std::string device;   // "" when not a NIC's
  std::string queue;    // "rx-3" / "tx-3"; "" when not a queue's
  std::string old_value;  // cpulists or values as people read them ("" unknown)
  std::string new_value;
  std::string reason;
  bool ok = true;
  std::string error;        // why it failed; "" when ok
  std::string load_source;  // for an IRQ moved from a measured load: policies::to_string(source)
  double cost = -1.0;       // CPU seconds per second the plan used for the IRQ; -1: none measured
  double rate = -1.0;       // interrupts per second the plan used; -1: none measured
};

struct HistoryFilter {
  std::optional<int> irq;  // only this IRQ's changes
  std::string device;      // only this NIC's changes ("" any)
  std::size_t limit = 0;   // the newest N that match; 0 all
};

class ChangeHistory {
 public:
  static constexpr std::size_t kDefaultCapacity = 1000;
  explicit ChangeHistory(std::size_t capacity = kDefaultCapacity) : capacity_(capacity) {}

  // Adds a record; the oldest is dropped once the ring holds `capacity` records.
  void add(ChangeRecord r);
  // The records that match, oldest first.
  std::vector<ChangeRecord> query(const HistoryFilter& f) const;
  std::size_t size() const { return ring_.size(); }
  std::size_t capacity() const { return capacity_; }

 private:
  std::deque<ChangeRecord> ring_;
  std::size_t capacity_;
};

}  // namespace irqd
