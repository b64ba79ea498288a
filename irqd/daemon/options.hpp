// irqd's command line: every option, its --help text, and how the options given override the
// configuration files (at start and at every reload).
#pragma once

#include <set>
#include <string>
#include <variant>
#include <vector>

#include "irqd/daemon/config_files.hpp"

namespace irqd {

// Exit codes, documented in --help and README.
inline constexpr int kExitInSync = 0;
inline constexpr int kExitError = 1;
inline constexpr int kExitWouldChange = 2;
inline constexpr int kExitSomeFailed = 3;

struct Options {
  bool dry_run = false, oneshot = false, foreground = false, restore = false;
  bool no_netlink = false, no_dbus = false, check_config = false;
  bool restore_on_exit = false, ignore_irqbalance = false, version = false;
  bool changes_only = false, summary = false;  // report shape (--changes-only, --summary)
  double interval = 10.0;
  std::string root = "/", topology_xml, format = "text", policy = "balanced", log_level = "info";
  std::string import_irqbalance;  // --import-irqbalance FILE ("" without FILE: the default files)
  std::string banned, run_dir = "/run/irqd", state_dir, rps, rfs, xps, config_file;
  std::vector<std::string> devices;
  std::set<std::string> given;  // the options named on the command line ("--policy", ...)

  bool has(const char* name) const { return given.count(name) > 0; }
  EngineOptions engine() const;
  // The configuration files and these options on top.
  ConfigSetup config_setup() const;
};

// Parses argv. Returns the options, or the exit code when there is nothing more to do (--help,
// --version, a bad option: CLI11 has printed what to say).
std::variant<Options, int> parse_options(int argc, char** argv);

}  // namespace irqd
