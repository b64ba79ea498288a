// run_restore: --restore, the way back to what the kernel had before irqd.
#include <cstdio>
#include <filesystem>

#include "irqd/daemon/jobs.hpp"
#include "irqd/engine/originals.hpp"
#include "sysfs/knob_io.hpp"
#include "irqd/engine/discover_netdev.hpp"
#include "irqd/engine/napi_knob_io.hpp"
#include "sysfs/sys_root.hpp"

namespace irqd {

int run_restore(const Options& o, const config::Config& cfg) {
  OriginalStore originals(std::filesystem::path(cfg.run_dir) / "original.json");
  originals.load();
  if (originals.values().empty()) {
    std::printf("nothing to restore: %s holds no recorded values\n", originals.file().c_str());
    return kExitInSync;
  }
  sysfs::SysRoot sysroot(o.root);
  auto netdev = kernel_netdev(sysroot, o.engine().use_netlink);
  NapiKnobIo io(sysroot, netdev.get());
  auto r = originals.restore(io);
  for (const auto& e : r.errors) std::fprintf(stderr, "irqd: restore: %s\n", e.c_str());
  std::printf("restored %d, vanished %d, failed %d\n", r.restored, r.vanished, r.failed);
  if (r.vanished > 0)
    std::printf("vanished: %s (gone from the system, so never restorable: dropped from %s)\n",
                describe_vanished(r.gone).c_str(), originals.file().c_str());
  return r.failed > 0 ? kExitSomeFailed : kExitInSync;
}

}  // namespace irqd
