// The plan's one system-wide knob, /proc/sys/net/core/rps_sock_flow_entries (the RFS table size):
// read by discovery (and re-read by the cache every cycle), diffed from what discovery read. Built
// with the run-once code: code added to engine.cpp (even never called) moved bench_cycle's
// plan+diff by ~15% through layout.
#include <fmt/format.h>

#include "irqd/engine/discover.hpp"
#include "irqd/engine/engine.hpp"
#include "sysfs/error.hpp"
#include "sysfs/knob_io.hpp"

namespace irqd {

namespace {
constexpr const char* kPath = "proc/sys/net/core/rps_sock_flow_entries";
}  // namespace

bool read_rfs_table(const sysfs::SysRoot& root, sysfs::Inventory& inv) {
  std::optional<std::string> now;
  std::string note;
  try {
    now = root.read_line(kPath);
    if (!now)
      note = fmt::format("{} does not exist here (not the initial network namespace?): RFS table size left as is",
                         root.display(kPath));
  } catch (const sysfs::IoError& e) {  // one odd file must not stop every other knob of the plan
    note = fmt::format("{}: RFS table size left as is", e.what());
  }
  if (now == inv.rps_sock_flow_entries && note == inv.rps_sock_flow_note) return false;
  inv.rps_sock_flow_entries = std::move(now);
  inv.rps_sock_flow_note = std::move(note);
  return true;
}

void diff_rfs_table(const sysfs::Inventory& inv, long entries, Diff& d) {
  if (!inv.rps_sock_flow_entries) {
    if (!inv.rps_sock_flow_note.empty()) d.notes.push_back(inv.rps_sock_flow_note);
    return;
  }
  ++d.planned;
  std::string want = std::to_string(entries);
  const std::string& now = *inv.rps_sock_flow_entries;
  if (sysfs::knob_equal(sysfs::KnobKind::kInteger, now, want)) return;
  KnobChange k{kPath, want, now, -1, "rps_sock_flow_entries"};
  k.kind = "rps_sock_flow_entries";
  k.was = now;
  k.want = want;
  k.reason = "RFS: the global socket flow table for the queues' rps_flow_cnt";
  d.knobs.push_back(std::move(k));
}

}  // namespace irqd
