// irqctl: command-line client of irqd's D-Bus API (io.github.irqd.Irqd1). Parses the command
// line, runs one command (commands.cpp) and turns failures into the documented exit codes.
#include <algorithm>
#include <CLI/CLI.hpp>
#include <cstdint>
#include <functional>
#include <iostream>
#include <string>
#include <tuple>
#include <vector>

#include "irqd/irqctl/arguments.hpp"
#include "irqd/irqctl/commands.hpp"
#include "irqd/irqctl/errors.hpp"
#include "irqd/irqctl/json_views.hpp"

namespace {

using irqd::irqctl::Commands;
using irqd::irqctl::GlobalOptions;
using irqd::irqctl::TopArgs;
using irqd::irqctl::TopSort;
using irqd::irqctl::parse_size;

constexpr const char* kExitCodes =
    "Exit codes:\n"
    "  0  ok\n"
    "  1  usage: bad command line (or top's live view without a terminal)\n"
    "  2  irqd not reachable: no bus, or no daemon on it\n"
    "  3  refused: write commands need root (AccessDenied)\n"
    "  4  invalid argument, or no such IRQ / device / queue / pin\n"
    "  5  the IRQ's affinity is managed by the kernel (unchangeable)\n"
    "  6  the daemon could not do it (its message says why)\n"
    "\nThe bus is DBUS_SYSTEM_BUS_ADDRESS when set, else the system bus; --address overrides "
    "both.\n";

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"irqctl: show and steer what irqd does with network interrupts", "irqctl"};
  app.footer(kExitCodes);
  app.require_subcommand(1);
  app.fallthrough();  // global options may follow the subcommand
  app.set_version_flag("--version", std::string("irqctl ") + IRQD_VERSION);
  GlobalOptions g;
  app.add_option("--address", g.address,
                 "D-Bus address of the bus irqd is on (e.g. unix:path=/run/dbus/x)");
  app.add_option("--timeout", g.timeout_seconds, "Seconds to wait for each answer (default 10)")
      ->check(CLI::Range(0.1, 600.0));
  app.add_flag("--json", g.json, "JSON for scripts instead of tables");

  std::function<int(Commands&)> run;
  auto sub = [&](const char* name, const char* help) {
    auto* s = app.add_subcommand(name, help);
    s->footer(kExitCodes);
    return s;
  };

  sub("status",
      "The daemon at a glance: uptime, configuration files, usable CPUs, bans and pins by origin, "
      "IRQs placed and kernel-managed, last change, last error")
      ->callback([&] { run = [](Commands& c) { return c.status(); }; });
  sub("irqs", "Every IRQ irqd knows: device, queue, affinity now and planned, rate and load")
      ->callback([&] { run = [](Commands& c) { return c.irqs(); }; });
  sub("devices", "The NICs irqd manages and their queues' RPS/XPS settings")->callback([&] {
    run = [](Commands& c) { return c.devices(); };
  });
  sub("plan", "What the next cycle would change right now (a dry run of now)")->callback([&] {
    run = [](Commands& c) { return c.plan(); };
  });
  sub("overrides",
      "Pins and bans in force, each from the configuration or set at run time; run-time "
      "per-device policies and NAPI settings")
      ->callback([&] { run = [](Commands& c) { return c.overrides(); }; });
  sub("config", "The configuration in effect, as irqd prints it when it checks the configuration")->callback([&] {
    run = [](Commands& c) { return c.config(); };
  });

  std::uint32_t irq = 0;
  std::string cpus, device, queue, policy;

  std::int32_t history_irq = -1;
  std::uint32_t history_limit = 0;
  auto* hist = sub("history",
                   "The last changes irqd made (up to 1000 since it started): when, old -> new, why");
  auto* hist_irq = hist->add_option("--irq", history_irq, "Only this IRQ's changes")
                       ->check(CLI::Range(0, 2147483647));
  auto* hist_dev = hist->add_option("--device", device, "Only this network device's changes");
  hist_irq->excludes(hist_dev);
  hist->add_option("--limit", history_limit, "Only the newest N (default all)")
      ->check(CLI::Range(1u, 1000000u));
  hist->callback(
      [&] { run = [&](Commands& c) { return c.history(history_irq, device, history_limit); }; });
  auto* explain = sub("explain",
                      "Why IRQ is where it is: the plan's reason, its load, the constraints that "
                      "applied and its last moves");
  explain->add_option("IRQ", irq, "IRQ number")->required();
  explain->callback([&] { run = [&](Commands& c) { return c.explain(irq); }; });
  auto* pin = sub("pin", "(root) Place IRQ on CPULIST from the next cycle on, until unpin");
  pin->add_option("IRQ", irq, "IRQ number")->required();
  pin->add_option("CPULIST", cpus, "CPUs as a cpulist, e.g. 0-3,8")->required();
  pin->callback([&] { run = [&](Commands& c) { return c.pin(irq, cpus); }; });
  auto* unpin = sub("unpin", "(root) Drop IRQ's pin; the policy places it again");
  unpin->add_option("IRQ", irq, "IRQ number")->required();
  unpin->callback([&] { run = [&](Commands& c) { return c.unpin(irq); }; });

  auto* pinq =
      sub("pin-queue", "(root) Fix a queue's steering: rx-N sets rps_cpus, tx-N sets xps_cpus");
  pinq->add_option("DEVICE", device, "Network device, e.g. eth0")->required();
  pinq->add_option("QUEUE", queue, "rx-N or tx-N")->required();
  pinq->add_option("CPULIST", cpus, "CPUs as a cpulist (\"\" = none)")->required();
  pinq->callback([&] { run = [&](Commands& c) { return c.pin_queue(device, queue, cpus); }; });
  auto* unpinq = sub("unpin-queue", "(root) Drop a queue pin");
  unpinq->add_option("DEVICE", device, "Network device")->required();
  unpinq->add_option("QUEUE", queue, "rx-N or tx-N")->required();
  unpinq->callback([&] { run = [&](Commands& c) { return c.unpin_queue(device, queue); }; });

  auto* ban = sub("ban", "(root) Keep CPULIST out of every placement, starting with a cycle now");
  ban->add_option("CPULIST", cpus, "CPUs as a cpulist")->required();
  ban->callback([&] { run = [&](Commands& c) { return c.ban(cpus); }; });
  auto* unban = sub("unban", "(root) Remove CPULIST from the run-time bans (configured bans stay)");
  unban->add_option("CPULIST", cpus, "CPUs as a cpulist")->required();
  unban->callback([&] { run = [&](Commands& c) { return c.unban(cpus); }; });

  bool reset = false;
  auto* pol =
      sub("policy",
          "Show DEVICE's policy and where it comes from; (root) with POLICY use it for DEVICE's "
          "IRQs, --reset returns it to the default");
  pol->add_option("DEVICE", device, "Network device")->required();
  auto* pol_name = pol->add_option("POLICY", policy, "Policy name (irqd --help lists them)");
  auto* pol_reset = pol->add_flag("--reset", reset, "Back to the default policy");
  pol_name->excludes(pol_reset);
  pol->callback([&] {
    if (!reset && policy.empty()) {
      run = [&](Commands& c) { return c.show_policy(device); };
      return;
    }
    run = [&](Commands& c) { return c.policy(device, reset ? std::string() : policy); };
  });

  std::vector<std::string> napi_settings;
  bool napi_reset = false;
  auto* napi = sub("napi",
                   "DEVICE's NAPIs and NAPI settings; (root) NAME=VALUE... sets, NAME=default "
                   "drops one, --reset all");
  napi->add_option("DEVICE", device, "Network device")->required();
  auto* napi_values = napi->add_option(
      "SETTINGS", napi_settings,
      "threaded=keep|on|off thread_cpus=sibling|same-cpu|same-core|same-l3 defer_hard_irqs=N "
      "gro_flush_timeout=NS irq_suspend_timeout=NS (NAME=default drops that setting)");
  auto* napi_reset_flag =
      napi->add_flag("--reset", napi_reset, "Drop every run-time NAPI setting of DEVICE");
  napi_values->excludes(napi_reset_flag);
  napi->callback(
      [&] { run = [&](Commands& c) { return c.napi(device, napi_settings, napi_reset); }; });

  sub("rebalance", "(root) Run a cycle now, ignoring the balanced policy's cooldown")
      ->callback([&] { run = [](Commands& c) { return c.rebalance(); }; });
  sub("reload", "(root) Re-read the configuration and re-discover devices")->callback([&] {
    run = [](Commands& c) { return c.reload(); };
  });

  TopArgs top_args;
  auto* top = sub("top",
                  "Live view: interrupt load per CPU and the busiest IRQs, sized to the terminal "
                  "(keys: q quit, l/r/c sort by load/rate/CPU, n node, d device, a all)");
  top->add_flag("--once", top_args.once, "Print one frame without terminal control and exit");
  top->add_option("--iterations", top_args.iterations, "Print N frames without terminal control")
      ->check(CLI::Range(1, 1000000));
  top->add_option("--interval", top_args.interval_seconds, "Seconds between refreshes (default 1)")
      ->check(CLI::Range(0.1, 3600.0));
  top->add_option("--irqs", top_args.irqs,
                  "Busiest IRQs listed with --once/--iterations/--json (default 10)")
      ->check(CLI::Range(0, 100000));
  std::string top_size;
  top->add_option("--size", top_size,
                  "COLSxROWS of --once/--iterations frames (default 80 columns, no row limit)")
      ->check([](const std::string& v) {
        return parse_size(v) ? std::string() : "expected COLSxROWS, e.g. 80x24 (at least 20x10)";
      });
  std::string top_sort = "load";
  top->add_option("--sort", top_sort, "Order of the CPU lines: load (default), rate or cpu")
      ->check(CLI::IsMember({"load", "rate", "cpu"}));
  int top_node = -1;
  top->add_option("--node", top_node, "Only this NUMA node's CPUs and the IRQs delivered there")
      ->check(CLI::Range(0, 65535));
  top->add_option("--device", top_args.view.device, "Only this network device's IRQs");
  top->add_option("--root", top_args.root,
                  "Read the CPU -> NUMA node map under DIR when the daemon lacks GetTopology");
  top->callback([&] {
    if (auto size = parse_size(top_size)) std::tie(top_args.width, top_args.height) = *size;
    top_args.view.sort = top_sort == "rate" ? TopSort::kRate
                         : top_sort == "cpu" ? TopSort::kCpu
                                             : TopSort::kLoad;
    if (top_node >= 0) top_args.view.node = top_node;
    run = [&](Commands& c) { return c.top(top_args); };
  });

  std::string metrics_root = "/";
  auto* metrics = sub("metrics", "Prometheus text format for node_exporter's textfile collector");
  metrics->add_option("--root", metrics_root,
                      "Read the CPU -> NUMA node map under DIR when the daemon lacks GetTopology");
  metrics->callback([&] { run = [&](Commands& c) { return c.metrics(metrics_root); }; });

  // With --json a failure is also a JSON object on stdout (the message stays on stderr), so a
  // script reads one document whatever happened. --json is looked for by hand when the command
  // line itself is what failed.
  auto fail = [&](const std::string& message, int code) {
    std::cerr << "irqctl: " << message << "\n";
    if (g.json || std::any_of(argv + 1, argv + argc, [](const char* a) { return std::string_view(a) == "--json"; }))
      std::cout << irqd::irqctl::error_json(message, code).dump(2) << "\n";
    return code;
  };
  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    return fail(e.what(), irqd::irqctl::kExitUsage);
  }

  try {
    Commands commands(g);
    return run(commands);
  } catch (const irqd::irqctl::CommandError& e) {
    return fail(e.what(), e.code());
  } catch (const std::exception& e) {
    return fail(e.what(), irqd::irqctl::kExitFailed);
  }
}
