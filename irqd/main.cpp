// irqd entry point: parse options, run the requested job, map the outcome to an exit code.
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <optional>
#include <set>

#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include "config/rules.hpp"
#include "irqd/apply.hpp"
#include "irqd/config_files.hpp"
#include "irqd/daemon.hpp"
#include "irqd/dbus/service.hpp"
#include "irqd/engine.hpp"
#include "irqd/hotplug.hpp"
#include "irqd/irqbalance_check.hpp"
#include "irqd/notify.hpp"
#include "irqd/originals.hpp"
#include "irqd/logging.hpp"
#include "irqd/report.hpp"
#include "policies/registry.hpp"
#include "sysfs/knob_io.hpp"
#include "sysfs/sys_root.hpp"

namespace {

// Exit codes, documented in --help and README.
constexpr int kExitInSync = 0;
constexpr int kExitError = 1;
constexpr int kExitWouldChange = 2;
constexpr int kExitSomeFailed = 3;

const char* kFooter = R"(Modes:
  irqd --dry-run --oneshot   plan and print; write nothing
  irqd --oneshot             plan, apply what differs, print; originals saved in RUN_DIR/original.json
  irqd --foreground          a cycle every --interval seconds; SIGHUP reloads the config files, SIGTERM stops
  irqd --restore             put back every original value irqd recorded

Configuration: /etc/irqd/irqd.toml, then /etc/irqd/conf.d/*.toml (--config FILE replaces the
  first; conf.d next to FILE still applies). Options given here win over the files. See irqd.toml(5).
  irqd --check-config        print every error, then the effective configuration; exit 1 on errors

Exit codes:
  0  --dry-run: the plan matches the kernel; --oneshot / --restore: everything applied;
     --foreground: a clean stop
  1  error (bad option, unreadable kernel files, topology failure, originals not saved, ...)
  2  --dry-run: the plan would change something (use it as a drift check in CI)
  3  --oneshot / --restore: some writes failed (each is reported; the rest were applied)
  4  irqbalance is running: irqd will not fight it over IRQ affinity (see --ignore-irqbalance)

Policies:
)";

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"irqd: steer network interrupts (IRQ affinity) and packet processing (RPS/RFS/XPS)\n"
               "across CPUs, from the machine's topology and its NICs' queues.",
               "irqd"};
  app.footer(std::string(kFooter) + irqd::policies::describe_policies());
  bool dry_run = false, oneshot = false, no_netlink = false, restore = false, foreground = false;
  bool restore_on_exit = false, ignore_irqbalance = false;
  double interval = 10.0;
  std::string root = "/", topology_xml, format = "text", policy = "balanced", log_level = "warn", banned;
  std::string run_dir = "/run/irqd", rps, rfs, xps;
  std::vector<std::string> devices;
  std::string state_dir = irqd::config::Config{}.state_dir;
  bool no_dbus = false;
  app.add_flag("--dry-run", dry_run, "Plan and print what would be set; write nothing");
  app.add_flag("--oneshot", oneshot, "Run one cycle and exit");
  app.add_flag("--foreground", foreground, "Run as a daemon in the foreground: one cycle every --interval");
  app.add_option("--interval", interval, "Seconds between cycles (default 10)")->check(CLI::Range(0.05, 3600.0));
  app.add_flag("--restore-on-exit", restore_on_exit, "On SIGTERM/SIGINT, put back the original values");
  app.add_option("--root", root, "Read /proc and /sys under DIR instead of / (a fixture or simulated tree)")
      ->check(CLI::ExistingDirectory);
  app.add_option("--topology-xml", topology_xml, "Take the CPU topology from an hwloc XML export")
      ->check(CLI::ExistingFile);
  app.add_option("--format", format, "Report format")->check(CLI::IsMember({"text", "json"}));
  app.add_option("--policy", policy, "Placement policy (default balanced; see below)");
  app.add_option("--banned-cpus", banned, "CPUs never to use, as a cpulist (e.g. 0,8-11)");
  app.add_flag("--no-netlink", no_netlink, "Do not ask the kernel's netdev genetlink family for queue IRQs");
  app.add_flag("--restore", restore, "Write back the original values recorded in RUN_DIR/original.json");
  app.add_option("--device", devices, "Only plan these NICs (name or glob; repeatable)");
  app.add_option("--run-dir", run_dir, "Where original.json is kept (default /run/irqd)");
  app.add_option("--rps", rps, "RPS for every device: auto, off or a cpulist");
  app.add_option("--rfs", rfs, "RFS for every device: auto or off");
  app.add_option("--xps", xps, "XPS for every device: auto, cpus, rxqs or off");
  app.add_option("--state-dir", state_dir, "Where run-time overrides (irqctl pins, bans) persist (default /var/lib/irqd)");
  app.add_flag("--no-dbus", no_dbus, "--foreground without the D-Bus service (overrides from --state-dir still apply)");
  app.add_option("--log-level", log_level, "trace, debug, info, warn, error or off");
  app.add_flag("--ignore-irqbalance", ignore_irqbalance,
               "Run even though irqbalance is running (otherwise irqd exits with status 4)");
  std::string config_file = irqd::config::kDefaultConfigFile;
  bool check_config = false;
  app.add_option("--config", config_file, "Configuration file (default /etc/irqd/irqd.toml; conf.d/ beside it applies too)");
  app.add_flag("--check-config", check_config, "Check the configuration: print every error and the effective configuration");
  app.set_version_flag("--version", std::string("irqd ") + IRQD_VERSION);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? kExitInSync : kExitError;
  }

  try {
    irqd::EngineOptions opts;
    opts.root = root;
    opts.topology_xml = topology_xml;
    opts.use_netlink = !no_netlink;
    opts.devices = devices;
    irqd::ConfigSetup setup;
    setup.files.file = config_file;
    setup.files.file_required = app.count("--config") > 0;
    setup.files.read.policies = irqd::policies::policy_names();
    setup.engine = opts;
    // Options given on the command line win over the files (at start and at every reload).
    setup.command_line = [&](irqd::config::Config& cfg) {
      auto given = [&](const char* name) { return app.count(name) > 0; };
      if (given("--policy")) cfg.policy = policy;
      if (given("--run-dir")) cfg.run_dir = run_dir;
      if (given("--state-dir")) cfg.state_dir = state_dir;
      if (given("--interval")) cfg.interval_seconds = interval;
      if (given("--log-level")) cfg.log_level = log_level;
      if (restore_on_exit) cfg.restore_on_exit = true;
      if (ignore_irqbalance) cfg.ignore_irqbalance = true;
      const char* option = "";
      try {
        option = "--banned-cpus";
        if (!banned.empty()) cfg.banned_cpus = irqd::sysfs::CpuSet::parse_list(banned);
        irqd::config::DevicePatch every;
        option = "--rps";
        if (!rps.empty()) every.rps = irqd::config::parse_rps(rps, &every.rps_cpus);
        option = "--rfs";
        if (!rfs.empty()) every.rfs = irqd::config::parse_rfs(rfs);
        option = "--xps";
        if (!xps.empty()) every.xps = irqd::config::parse_xps(xps);
        irqd::config::override_all_devices(cfg, every);
      } catch (const std::invalid_argument& e) {
        throw std::invalid_argument(std::string(option) + ": " + e.what());
      }
    };
    auto loaded = irqd::load_configuration(setup);
    if (check_config) {
      std::fputs(loaded.error_text().c_str(), stderr);
      std::cout << irqd::config::describe(loaded.config) << std::flush;
      std::fprintf(stderr, loaded.ok() ? "configuration OK\n" : "configuration has errors\n");
      return loaded.ok() ? kExitInSync : kExitError;
    }
    irqd::config::Config cfg = irqd::config::require_valid(std::move(loaded));
    irqd::setup_logging(cfg.log_level);
    irqd::sysfs::SysRoot sysroot(root);
    irqd::OriginalStore originals(std::filesystem::path(cfg.run_dir) / "original.json");
    if (restore) {
      originals.load();
      if (originals.values().empty()) {
        std::printf("nothing to restore: %s holds no recorded values\n", originals.file().c_str());
        return kExitInSync;
      }
      irqd::sysfs::SysRootIo io(sysroot);
      auto r = originals.restore(io);
      for (const auto& e : r.errors) std::fprintf(stderr, "irqd: restore: %s\n", e.c_str());
      std::printf("restored %d, failed %d\n", r.restored, r.failed);
      return r.failed > 0 ? kExitSomeFailed : kExitInSync;
    }
    if (!oneshot && !foreground) {
      std::fprintf(stderr, "irqd: say --oneshot (one cycle) or --foreground (the daemon loop); see --help\n");
      return kExitError;
    }
    if (auto pid = irqd::find_irqbalance(sysroot)) {
      if (!cfg.ignore_irqbalance && !dry_run) {
        std::fprintf(stderr, "irqd: %s\n", irqd::irqbalance_message(*pid).c_str());
        return irqd::kExitIrqbalance;
      }
      spdlog::warn("irqbalance is running (pid {}){}", *pid,
                   dry_run ? "; a dry run only reads, but applying this plan would fight it"
                           : "; ignore_irqbalance set, running anyway");
    }
    if (!oneshot) {
      irqd::DaemonOptions dopts;
      dopts.engine = opts;
      dopts.interval = std::chrono::milliseconds(static_cast<long>(cfg.interval_seconds * 1000.0));
      dopts.dry_run = dry_run;
      irqd::policies::make_policy(cfg.policy);  // an unknown policy fails now, not every cycle
      irqd::Daemon daemon(dopts, cfg);
      irqd::Notifier notifier(daemon);  // sd_notify when run by systemd (NOTIFY_SOCKET)
      irqd::Hotplug hotplug(daemon);    // netlink link and channel events (live root only)
      irqd::dbus::BusService service(daemon, cfg.state_dir, !no_dbus);  // io.github.irqd.Irqd1
      // SIGHUP re-reads the files; a bad file is logged and the running configuration stays.
      daemon.set_reloader([setup] { return irqd::config::require_valid(irqd::load_configuration(setup)); });
      daemon.on_reload([&daemon](bool ok, const std::string&) {
        if (ok) spdlog::set_level(spdlog::level::from_str(daemon.config().log_level));
      });
      return daemon.run();
    }
    auto result = irqd::plan_once(opts, cfg);
    for (const auto& w : result->discovery->warnings) spdlog::warn("{}", w);
    std::string display = sysroot.is_live() ? "this machine" : root;
    std::optional<irqd::ApplyResult> applied;
    if (!dry_run) {
      originals.load();  // a corrupt file is fatal here: never overwrite the only way back
      irqd::sysfs::SysRootIo io(sysroot);
      std::set<int> unchangeable;
      applied = irqd::apply_diff(result->diff, io, originals, unchangeable);
    }
    const irqd::ApplyResult* a = applied ? &*applied : nullptr;
    std::cout << (format == "json" ? irqd::render_json(*result, display, a) : irqd::render_text(*result, display, a));
    std::cout.flush();
    if (applied) return applied->failed > 0 ? kExitSomeFailed : kExitInSync;
    return result->diff.changes > 0 ? kExitWouldChange : kExitInSync;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "irqd: %s\n", e.what());
    return kExitError;
  }
}
