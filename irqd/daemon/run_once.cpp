// run_dry and run_oneshot: one planning pass, printed as text or JSON; --oneshot applies it.
#include <filesystem>
#include <iostream>
#include <optional>
#include <set>

#include <spdlog/spdlog.h>

#include "irqd/daemon/jobs.hpp"
#include "irqd/engine/apply.hpp"
#include "irqd/engine/engine.hpp"
#include "irqd/engine/originals.hpp"
#include "irqd/engine/report.hpp"
#include "sysfs/knob_io.hpp"
#include "irqd/engine/discover_netdev.hpp"
#include "irqd/engine/napi_knob_io.hpp"
#include "sysfs/sys_root.hpp"

namespace irqd {

namespace {

int run_once(const Options& o, const config::Config& cfg, const topology::Machine* machine, bool apply) {
  auto result = plan_once(o.engine(), cfg, machine);
  for (const auto& w : result->discovery->warnings) spdlog::warn("{}", w);
  sysfs::SysRoot sysroot(o.root);
  std::string display = sysroot.is_live() ? "this machine" : o.root;
  std::optional<ApplyResult> applied;
  if (apply) {
    OriginalStore originals(std::filesystem::path(cfg.run_dir) / "original.json");
    originals.load();  // a corrupt file is fatal here: never overwrite the only way back
    auto netdev = kernel_netdev(sysroot, o.engine().use_netlink);
    NapiKnobIo io(sysroot, netdev.get());
    std::set<int> unchangeable;
    applied = apply_diff(result->diff, io, originals, unchangeable);
  }
  const ApplyResult* a = applied ? &*applied : nullptr;
  try {
    const ReportOptions ro{.changes_only = o.changes_only, .summary = o.summary};
    std::cout << (o.format == "json" ? render_json(*result, display, a, ro) : render_text(*result, display, a, ro));
  } catch (const std::exception& e) {
    // The knobs are written by now: the exit code must still say what the apply did.
    if (!applied) throw;
    spdlog::error("the report cannot be printed ({}); applied {}, unchanged {}, failed {}", e.what(),
                  applied->applied, applied->unchanged, applied->failed);
  }
  std::cout.flush();
  if (applied) return applied->failed > 0 ? kExitSomeFailed : kExitInSync;
  return result->diff.changes > 0 ? kExitWouldChange : kExitInSync;
}

}  // namespace

int run_dry(const Options& o, const config::Config& cfg, const topology::Machine* machine) {
  return run_once(o, cfg, machine, false);
}

int run_oneshot(const Options& o, const config::Config& cfg, const topology::Machine* machine) {
  return run_once(o, cfg, machine, true);
}

}  // namespace irqd
