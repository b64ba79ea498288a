// The plan's one system-wide knob, /proc/sys/net/core/rps_sock_flow_entries (the RFS table size),
// diffed against the kernel's value. Built with the run-once code: it runs once per plan, and code
// added to engine.cpp (even never called) moved bench_cycle's plan+diff by ~15% through layout.
#include <fmt/format.h>

#include "irqd/engine/engine.hpp"
#include "sysfs/error.hpp"
#include "sysfs/knob_io.hpp"

namespace irqd {

void diff_rfs_table(const sysfs::SysRoot& root, long entries, Diff& d) {
  const char* path = "proc/sys/net/core/rps_sock_flow_entries";
  std::optional<std::string> now;
  try {
    now = root.read_line(path);
  } catch (const sysfs::IoError& e) {  // one odd file must not stop every other knob of the plan
    d.notes.push_back(fmt::format("{}: RFS table size left as is", e.what()));
    return;
  }
  if (!now) {
    d.notes.push_back(fmt::format("{} does not exist here (not the initial network namespace?): RFS table size left as is",
                                  root.display(path)));
    return;
  }
  ++d.planned;
  std::string want = std::to_string(entries);
  if (!sysfs::knob_equal(sysfs::KnobKind::kInteger, *now, want)) d.knobs.push_back({path, want, *now, -1, "rps_sock_flow_entries"});
}

}  // namespace irqd
