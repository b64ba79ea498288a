// The daemon's discovery kept between cycles. A full discovery (netdevs, PCI functions, netdev
// genetlink, IRQ-name classification, every /proc/irq/N/* file) is redone only when the IRQ set
// in /proc/interrupts changes (numbers or names), its CPU columns or the netdev list change, or
// after invalidate() (SIGHUP, hotplug, topology or configuration reload). Otherwise only what can
// change under a steady IRQ set is re-read, a bounded amount per cycle:
//   - knobs irqd wrote (or tried to) in the previous cycle, with the effective affinity;
//   - NIC IRQs that fired on a CPU outside the affinity last read (the sampler says where each
//     IRQ fired): drift by someone else on a busy IRQ is seen at the next cycle;
//   - a rotating share of every NIC IRQ's affinity and every queue's RPS/RFS/XPS knobs, at least
//     kMinPerCycle items and enough that each is re-read every kSweepCycles cycles: drift on an
//     idle IRQ or a queue knob is seen within kSweepCycles cycles.
// A re-read that finds a file gone or malformed falls back to a full discovery at once, so what
// the cycle sees is never less than a fresh discovery would.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "irqd/engine/discover.hpp"
#include "irqd/engine/engine.hpp"
#include "irqd/engine/sampler.hpp"

namespace irqd {

class DiscoveryCache {
 public:
  // At 256 CPUs x 2048 queue IRQs (~6,000 items) that is ~95 small reads a cycle (~0.6 ms); a
  // drifted idle knob is seen within ~11 minutes at the default 10 s interval (a firing IRQ at once).
  // The floor keeps a small machine (a NIC of 4 combined channels: 12 items) re-reading everything each cycle
  // without making a mid-size one (72 CPUs, ~600 items) pay for 3x the share its sweep needs.
  static constexpr std::size_t kSweepCycles = 64;
  static constexpr std::size_t kMinPerCycle = 12;

  // This cycle's discovery for the reading `table` (the sampler's, whose fired() describes it when
  // `sampler` is given). Throws like discover().
  const Discovery& get(const sysfs::SysRoot& root, const sysfs::InterruptTable& table,
                       const DiscoverOptions& opts, const Sampler* sampler = nullptr);
  // The next get() discovers from scratch.
  void invalidate() { disc_.reset(); }
  // The discovery the last get() returned, to be kept by a plan without a copy: the cache changes
  // a copy of it when a re-read finds something new (null before the first get()).
  std::shared_ptr<const Discovery> shared() const { return disc_; }
  // The knobs of this plan were written or tried. A queue knob whose value was read back after the
  // write (`read_back`, path -> text, as apply_diff returns it) takes that value now and is not read
  // again; the others, and every IRQ (its effective affinity follows a write later), are re-read at
  // the next get().
  void written(const std::vector<KnobChange>& knobs,
               const std::map<std::string, std::string>& read_back = {});

  // For logs and tests: whether the last get() discovered from scratch, how many full discoveries
  // so far, and how many items the last get() re-read.
  bool last_full() const { return last_full_; }
  std::uint64_t full_discoveries() const { return full_; }
  std::size_t last_reads() const { return last_reads_; }

 private:
  struct Item {
    std::size_t irq = 0;  // index in inventory.irqs, for an IRQ item
    std::size_t nic = 0;  // for a queue item: inventory.nics index, rx/tx, index in that list
    bool rx = false;
    std::size_t queue = 0;
    std::string dir;          // queue directory under the NIC's queues ("rx-3"); "" for an IRQ item
    std::ptrdiff_t row = -1;  // IRQ item: position among the numbered rows of the reading
    bool pending = false;     // written last cycle
  };

  bool same_shape(const sysfs::SysRoot& root, const sysfs::InterruptTable& table);
  void remember_shape(const sysfs::InterruptTable& table);
  void index_items(const sysfs::SysRoot& root, const sysfs::InterruptTable& table);
  bool suspect(const Item& it, const Sampler* sampler, std::size_t numbered) const;
  // Re-reads one item into the cached inventory; false when a full discovery is needed.
  bool reread(Item& it, bool effective);
  // Sets one knob of a queue item from the text read back after writing it; false when the text
  // does not parse (the item is then re-read).
  bool take_read_back(const Item& it, std::string_view leaf, const std::string& text);
  Discovery& own();  // disc_ for changing: copied first while someone else holds it

  std::shared_ptr<Discovery> disc_;
  std::vector<int> irqs_;           // numbered rows' IRQ numbers, in file order
  std::vector<std::string> names_;  // and their names
  std::vector<int> cpus_;
  std::vector<std::string> netdevs_;
  std::vector<Item> items_;
  std::unordered_map<int, std::size_t> irq_item_;
  // (queue_key, item) of every queue item, sorted: a few bytes each, not a path string.
  std::vector<std::pair<std::uint64_t, std::size_t>> queue_item_;
  static std::uint64_t queue_key(std::size_t nic, bool rx, int index) {
    return (static_cast<std::uint64_t>(nic) << 33) | (std::uint64_t{rx} << 32) | static_cast<std::uint32_t>(index);
  }
  // Held open while the IRQ set is unchanged, so each re-read walks two path components.
  std::optional<sysfs::SysRoot> proc_irq_;
  std::vector<sysfs::SysRoot> queues_;  // by inventory.nics index: the NIC's queues directory
  std::size_t cursor_ = 0;
  std::uint64_t version_ = 0;  // Discovery::version of the last full discovery or changing re-read
  bool changed_ = false;       // a re-read of this get() changed the cached discovery
  bool last_full_ = false;
  std::uint64_t full_ = 0;
  std::size_t last_reads_ = 0;
};

}  // namespace irqd
