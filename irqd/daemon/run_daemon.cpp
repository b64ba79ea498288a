// run_daemon: --foreground, the daemon with sd_notify, hotplug, run-time control and a front end.
#include <chrono>

#include <spdlog/spdlog.h>

#include "config/loader.hpp"
#include "irqd/daemon/config_files.hpp"
#include "irqd/daemon/daemon.hpp"
#include "irqd/daemon/hotplug.hpp"
#include "irqd/daemon/instance_lock.hpp"
#include "irqd/daemon/jobs.hpp"
#include "irqd/daemon/notify.hpp"
#include "irqd/engine/discover_netdev.hpp"
#include "policies/registry.hpp"

namespace irqd {

int run_daemon(const Options& o, const config::Config& cfg, const Attach& attach,
               std::shared_ptr<const topology::Machine> machine) {
  // The stop signals are blocked before the lock is taken: a SIGTERM that arrives once the lock
  // names this process (a supervisor, a test) waits for the event loop and stops it cleanly,
  // instead of killing the process halfway through its start (Daemon::run keeps them blocked).
  block_stop_signals();
  InstanceLock lock(cfg.run_dir);  // before anything is read or written: a second daemon stops here
  DaemonOptions dopts;
  dopts.machine = std::move(machine);
  dopts.engine = o.engine();
  dopts.interval = std::chrono::milliseconds(static_cast<long>(cfg.interval_seconds * 1000.0));
  dopts.dry_run = o.dry_run;
  dopts.netdev = kernel_netdev(sysfs::SysRoot(dopts.engine.root), dopts.engine.use_netlink);
  policies::policy_named(cfg.policy);  // an unknown policy fails now, not every cycle
  {
    config::LoadResult scratch;  // config_files' errors were reported when the files were loaded
    for (const auto& f : config::config_files(o.config_setup().files, scratch)) dopts.config_files.push_back(f.string());
  }
  Daemon daemon(dopts, cfg);
  Notifier notifier(daemon);              // sd_notify when run by systemd (NOTIFY_SOCKET)
  Hotplug hotplug(daemon);                // netlink link and channel events (live root only)
  Control control(daemon, cfg.state_dir);  // run-time overrides, persisted in STATE_DIR
  std::shared_ptr<void> front = attach ? attach(control) : nullptr;
  // SIGHUP re-reads the files; a bad file is logged and the running configuration stays.
  // The new files' CPU numbers are checked against the daemon's machine model, loaded once per reload.
  ConfigSetup setup = o.config_setup();
  setup.machine = [&daemon] { return daemon.ensure_machine(); };
  daemon.set_reloader([setup] {
    config::LoadResult r = load_configuration(setup);
    if (r.ok())  // a fleet file's CPUs this host lacks: said at every reload, as at start
      for (const auto& w : r.warnings) spdlog::warn("configuration: {}", w.to_string());
    return config::require_valid(std::move(r));
  });
  daemon.on_reload([&daemon](bool ok, const std::string&) {
    if (ok) spdlog::set_level(spdlog::level::from_str(daemon.config().log_level));
  });
  return daemon.run();
}

}  // namespace irqd
