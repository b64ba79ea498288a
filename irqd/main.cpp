// irqd entry point: parse options, load the configuration, run the requested job (daemon/jobs.hpp)
// and map the outcome to an exit code. The one place the daemon and its D-Bus front end meet.
#include <cstdio>
#include <iostream>
#include <memory>
#include <variant>

#include <spdlog/spdlog.h>

#include "irqd/daemon/config_check.hpp"
#include "irqd/daemon/irqbalance_check.hpp"
#include "irqd/daemon/jobs.hpp"
#include "irqd/daemon/logging.hpp"
#include "irqd/daemon/version_info.hpp"
#include "irqd/engine/report.hpp"
#include "irqd/dbus/service.hpp"
#include "sysfs/sys_root.hpp"

int main(int argc, char** argv) {
  using namespace irqd;
  auto parsed = parse_options(argc, argv);
  if (const int* code = std::get_if<int>(&parsed)) return *code;
  const Options& o = std::get<Options>(parsed);
  if (o.version) {
    std::cout << version_text(IRQD_VERSION, build_commit(), probe_kernel_interfaces()) << std::flush;
    return kExitInSync;
  }
  if (o.has("--import-irqbalance")) return run_import_irqbalance(o.import_irqbalance);
  // Why irqd stops, on stderr; with --format json also as the schema's error document on stdout,
  // where a script reads the report.
  auto fail = [&o](const std::string& message, int code) {
    std::fprintf(stderr, "irqd: %s\n", message.c_str());
    if (o.format == "json") std::cout << render_json_error(message, code) << std::flush;
    return code;
  };
  try {
    // The topology is loaded at most once here, and only if the files name CPUs; the job reuses it.
    std::shared_ptr<const topology::Machine> machine;
    ConfigSetup setup = o.config_setup();
    setup.machine = [&] {
      if (!machine)
        machine = std::make_shared<const topology::Machine>(load_machine(sysfs::SysRoot(o.root), o.engine()));
      return machine;
    };
    auto loaded = load_configuration(setup);
    if (o.check_config) {
      if (loaded.ok()) check_against_host(loaded, setup.engine);  // rules that match nothing here, ...
      std::fputs(loaded.error_text().c_str(), stderr);
      std::fputs(loaded.warning_text().c_str(), stderr);
      std::cout << config::describe(loaded.config) << std::flush;
      std::fprintf(stderr, loaded.ok() ? "configuration OK\n" : "configuration has errors\n");
      return loaded.ok() ? kExitInSync : kExitError;
    }
    const auto warnings = loaded.warnings;
    config::Config cfg = config::require_valid(std::move(loaded));
    setup_logging(cfg.log_level);
    for (const auto& w : warnings) spdlog::warn("configuration: {}", w.to_string());
    if (o.restore) return run_restore(o, cfg);
    if (!o.oneshot && !o.foreground) {
      std::fprintf(stderr, "irqd: say --oneshot (one cycle) or --foreground (the daemon loop); see --help\n");
      return kExitError;
    }
    if (auto pid = find_irqbalance(sysfs::SysRoot(o.root))) {
      if (!cfg.ignore_irqbalance && !o.dry_run) return fail(irqbalance_message(*pid), kExitIrqbalance);
      spdlog::warn("irqbalance is running (pid {}){}", *pid,
                   o.dry_run ? "; a dry run only reads, but applying this plan would fight it"
                             : "; ignore_irqbalance set, running anyway");
    }
    if (o.oneshot) return o.dry_run ? run_dry(o, cfg, machine.get()) : run_oneshot(o, cfg, machine.get());
    return run_daemon(o, cfg, [&o](Control& control) -> std::shared_ptr<void> {
      if (o.no_dbus) return nullptr;
      return std::make_shared<dbus::BusService>(control);  // io.github.irqd.Irqd1
    }, machine);
  } catch (const std::exception& e) {
    return fail(e.what(), kExitError);
  }
}
