// Options: the CLI11 definition of irqd's command line and its layering onto the configuration.
#include "irqd/daemon/options.hpp"

#include <CLI/CLI.hpp>

#include "config/command_line.hpp"
#include "policies/registry.hpp"

namespace irqd {

namespace {

const char* kFooter = R"(Modes:
  irqd --dry-run             plan and print; write nothing (implies --oneshot unless --foreground)
  irqd --oneshot             plan, apply what differs, print; originals saved in RUN_DIR/original.json
  irqd --foreground          a cycle every --interval seconds; SIGHUP reloads the config files, SIGTERM stops
  irqd --restore             put back every original value irqd recorded

Configuration: /etc/irqd/irqd.toml, then /etc/irqd/conf.d/*.toml (--config FILE replaces the
  first; conf.d next to FILE still applies). Options given here win over the files. See irqd.toml(5).
  irqd --check-config        print every error, then the effective configuration; exit 1 on errors
  irqd --import-irqbalance   irqbalance's settings as an irqd drop-in (see MIGRATING in irqd(8))

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

std::variant<Options, int> parse_options(int argc, char** argv) {
  CLI::App app{"irqd: steer network interrupts (IRQ affinity) and packet processing (RPS/RFS/XPS)\n"
               "across CPUs, from the machine's topology and its NICs' queues.",
               "irqd"};
  app.footer(std::string(kFooter) + policies::describe_policies());
  Options o;
  o.state_dir = config::Config{}.state_dir;
  o.config_file = config::kDefaultConfigFile;
  app.add_flag("--dry-run", o.dry_run,
               "Plan and print what would be set; write nothing (one cycle unless --foreground)");
  app.add_flag("--oneshot", o.oneshot, "Run one cycle and exit");
  app.add_flag("--foreground", o.foreground, "Run as a daemon in the foreground: one cycle every --interval");
  app.add_option("--interval", o.interval, "Seconds between cycles (default 10)")->check(CLI::Range(0.05, 3600.0));
  app.add_flag("--restore-on-exit", o.restore_on_exit, "On SIGTERM/SIGINT, put back the original values");
  app.add_option("--root", o.root, "Read /proc and /sys under DIR instead of / (a fixture or simulated tree)")
      ->check(CLI::ExistingDirectory);
  app.add_option("--topology-xml", o.topology_xml, "Take the CPU topology from an hwloc XML export")
      ->check(CLI::ExistingFile);
  app.add_option("--format", o.format, "Report format")->check(CLI::IsMember({"text", "json"}));
  app.add_flag("--changes-only", o.changes_only, "Report only the IRQs, queues and NAPIs that would change");
  app.add_flag("--summary", o.summary,
               "Report per device the CPUs its queue IRQs go to and per CPU the IRQs it gets, not every row");
  app.add_option("--policy", o.policy, "Placement policy (default balanced; see below)");
  app.add_option("--banned-cpus", o.banned, "CPUs never to use: a cpulist (e.g. 0,8-11) or topology words (node1, smt-siblings-of:0, ...)");
  app.add_flag("--no-netlink", o.no_netlink, "Do not ask the kernel's netdev genetlink family for queue IRQs");
  app.add_flag("--restore", o.restore, "Write back the original values recorded in RUN_DIR/original.json");
  app.add_option("--device", o.devices, "Only plan these NICs (name or glob; repeatable)");
  app.add_option("--run-dir", o.run_dir, "Where original.json is kept (default /run/irqd)");
  app.add_option("--rps", o.rps, "RPS for every device: auto, off or a cpulist");
  app.add_option("--rfs", o.rfs, "RFS for every device: auto or off");
  app.add_option("--xps", o.xps, "XPS for every device: auto, cpus, rxqs or off");
  app.add_option("--state-dir", o.state_dir, "Where run-time overrides (irqctl pins, bans) persist (default /var/lib/irqd)");
  app.add_flag("--no-dbus", o.no_dbus, "--foreground without the D-Bus service (overrides from --state-dir still apply)");
  app.add_option("--log-level", o.log_level,
                 "trace, debug, info (the default: each change with its reason), warn, error or off");
  app.add_flag("--ignore-irqbalance", o.ignore_irqbalance,
               "Run even though irqbalance is running (otherwise irqd exits with status 4)");
  app.add_option("--config", o.config_file, "Configuration file (default /etc/irqd/irqd.toml; conf.d/ beside it applies too)");
  app.add_flag("--check-config", o.check_config, "Check the configuration: print every error and the effective configuration");
  app.add_option("--import-irqbalance", o.import_irqbalance,
                 "Print irqbalance's settings (FILE, default /etc/default/irqbalance or /etc/sysconfig/irqbalance)\n"
                 "as an irqd drop-in for /etc/irqd/conf.d/, every line commented with its origin")
      ->expected(0, 1)
      ->type_name("[FILE]");
  app.add_flag("--version", o.version,
               "Print the version, the git commit and the kernel interfaces found, and exit");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? kExitInSync : kExitError;
  }
  for (const auto* opt : app.get_options())
    if (opt->count() > 0) o.given.insert(opt->get_name());
  // A dry run is a question about one plan; the daemon loop in dry run is asked for by name.
  if (o.dry_run && !o.foreground) o.oneshot = true;
  return o;
}

EngineOptions Options::engine() const {
  EngineOptions e;
  e.root = root;
  e.topology_xml = topology_xml;
  e.use_netlink = !no_netlink;
  e.devices = devices;
  return e;
}

ConfigSetup Options::config_setup() const {
  ConfigSetup setup;
  setup.files.file = config_file;
  setup.files.file_required = has("--config");
  setup.files.read.policies = policies::policy_names();
  setup.engine = engine();
  // Options given on the command line win over the files (at start and at every reload), and are
  // held to the files' rules (config/command_line.hpp): a bad one is an error naming it.
  setup.command_line = [o = *this, read = setup.files.read](config::LoadResult& r) {
    if (o.has("--interval")) r.config.interval_seconds = o.interval;  // CLI11 checked its range
    if (o.restore_on_exit) r.config.restore_on_exit = true;
    if (o.ignore_irqbalance) r.config.ignore_irqbalance = true;
    config::CommandLineSettings settings;
    for (const auto& [option, value] : {std::pair{"--policy", &o.policy}, {"--run-dir", &o.run_dir},
                                        {"--state-dir", &o.state_dir}, {"--log-level", &o.log_level}})
      if (o.has(option)) settings.emplace_back(option, *value);
    // An empty --banned-cpus, --rps, --rfs or --xps changes nothing.
    for (const auto& [option, value] :
         {std::pair{"--banned-cpus", &o.banned}, {"--rps", &o.rps}, {"--rfs", &o.rfs}, {"--xps", &o.xps}})
      if (!value->empty()) settings.emplace_back(option, *value);
    config::apply_command_line(settings, read, r);
  };
  return setup;
}

}  // namespace irqd
