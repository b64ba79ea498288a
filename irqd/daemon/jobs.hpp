// irqd's jobs, one per mode: --restore, --dry-run --oneshot, --oneshot and --foreground (and
// --import-irqbalance, which needs no configuration). Each
// takes the parsed options and the valid configuration and returns the process exit code.
// `machine`: the model loaded to check the configuration, when it was (null: loaded here), so the
// topology is read once per run.
#pragma once

#include <functional>
#include <memory>

#include "config/config.hpp"
#include "irqd/daemon/control.hpp"
#include "irqd/daemon/options.hpp"

namespace irqd {

// Writes back the original values recorded in RUN_DIR/original.json.
int run_restore(const Options& o, const config::Config& cfg);
// Plans and prints; writes nothing. Exit 2 when the plan would change something.
int run_dry(const Options& o, const config::Config& cfg, const topology::Machine* machine = nullptr);
// Plans, applies what differs (originals saved first) and prints.
int run_oneshot(const Options& o, const config::Config& cfg, const topology::Machine* machine = nullptr);
// The daemon loop until SIGTERM/SIGINT. `attach` connects a front end (the D-Bus service) to the
// daemon's control API before the loop starts; what it returns lives as long as the loop.
using Attach = std::function<std::shared_ptr<void>(Control&)>;
int run_daemon(const Options& o, const config::Config& cfg, const Attach& attach,
               std::shared_ptr<const topology::Machine> machine = nullptr);
// Prints irqbalance's settings in FILE ("" = /etc/default/irqbalance or /etc/sysconfig/irqbalance)
// as an irqd drop-in for conf.d/ (run_import.cpp). Exit 1 when the file is unreadable or malformed.
int run_import_irqbalance(const std::string& file);

}  // namespace irqd
