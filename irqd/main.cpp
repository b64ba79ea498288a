// irqd entry point: parse options, run the requested job, map the outcome to an exit code.
#include <cstdio>
#include <filesystem>
#include <iostream>

#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include "irqd/engine.hpp"
#include "irqd/logging.hpp"
#include "irqd/report.hpp"
#include "policies/registry.hpp"
#include "sysfs/sys_root.hpp"

namespace {

// Exit codes, documented in --help and README.
constexpr int kExitInSync = 0;
constexpr int kExitError = 1;
constexpr int kExitWouldChange = 2;

const char* kFooter = R"(Exit codes:
  0  the plan matches what the kernel has now (nothing to change)
  1  error (bad option, unreadable kernel files, topology failure, ...)
  2  --dry-run: the plan would change something (use it as a drift check in CI)

Policies:
)";

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"irqd: steer network interrupts (IRQ affinity) and packet processing (RPS/RFS/XPS)\n"
               "across CPUs, from the machine's topology and its NICs' queues.",
               "irqd"};
  app.footer(std::string(kFooter) + irqd::policies::describe_policies());
  bool dry_run = false, oneshot = false, no_netlink = false;
  std::string root = "/", topology_xml, format = "text", policy = "spread", log_level = "warn", banned;
  app.add_flag("--dry-run", dry_run, "Plan and print what would be set; write nothing");
  app.add_flag("--oneshot", oneshot, "Run one cycle and exit");
  app.add_option("--root", root, "Read /proc and /sys under DIR instead of / (a fixture or simulated tree)")
      ->check(CLI::ExistingDirectory);
  app.add_option("--topology-xml", topology_xml, "Take the CPU topology from an hwloc XML export")
      ->check(CLI::ExistingFile);
  app.add_option("--format", format, "Report format")->check(CLI::IsMember({"text", "json"}));
  app.add_option("--policy", policy, "Placement policy (see below)");
  app.add_option("--banned-cpus", banned, "CPUs never to use, as a cpulist (e.g. 0,8-11)");
  app.add_flag("--no-netlink", no_netlink, "Do not ask the kernel's netdev genetlink family for queue IRQs");
  app.add_option("--log-level", log_level, "trace, debug, info, warn, error or off");
  app.set_version_flag("--version", std::string("irqd ") + IRQD_VERSION);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? kExitInSync : kExitError;
  }

  try {
    irqd::setup_logging(log_level);
    if (!oneshot) {
      std::fprintf(stderr, "irqd: the daemon loop is not available yet; run with --dry-run --oneshot\n");
      return kExitError;
    }
    if (!dry_run) {
      std::fprintf(stderr, "irqd: applying plans is not available yet; run with --dry-run --oneshot\n");
      return kExitError;
    }
    irqd::config::Config cfg;
    cfg.policy = policy;
    if (!banned.empty()) {
      try {
        cfg.banned_cpus = irqd::sysfs::CpuSet::parse_list(banned);
      } catch (const std::invalid_argument& e) {
        std::fprintf(stderr, "irqd: --banned-cpus: %s\n", e.what());
        return kExitError;
      }
    }
    irqd::EngineOptions opts;
    opts.root = root;
    opts.topology_xml = topology_xml;
    opts.use_netlink = !no_netlink;
    auto result = irqd::plan_once(opts, cfg);
    for (const auto& w : result->discovery.warnings) spdlog::warn("{}", w);
    std::string display = irqd::sysfs::SysRoot(root).is_live() ? "this machine" : root;
    std::cout << (format == "json" ? irqd::render_json(*result, display) : irqd::render_text(*result, display));
    std::cout.flush();
    return result->diff.changes > 0 ? kExitWouldChange : kExitInSync;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "irqd: %s\n", e.what());
    return kExitError;
  }
}
