// Commands: what each irqctl subcommand does: ask the daemon (Client), render (text or JSON),
// print. Each returns the exit code; failures throw CommandError.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "irqd/irqctl/model.hpp"
#include "irqd/irqctl/top_view.hpp"

namespace irqd::irqctl {

class Client;

struct GlobalOptions {
  std::string address;  // "" = DBUS_SYSTEM_BUS_ADDRESS or the system bus
  double timeout_seconds = 10;
  bool json = false;
};

struct TopArgs {
  bool once = false;
  int iterations = 0;  // 0 = live view until q / Ctrl-C
  double interval_seconds = 1;
  int irqs = 10;           // busiest IRQs listed in plain frames
  std::string root = "/";  // CPU -> NUMA node map for a daemon without GetTopology
  int width = 80;          // plain frames' size (--size); height 0: as many lines as it takes
  int height = 0;
  TopView view;            // --sort, --node, --device: the live view starts there too
};

class Commands {
 public:
  explicit Commands(GlobalOptions options);
  ~Commands();
  Commands(const Commands&) = delete;
  Commands& operator=(const Commands&) = delete;

  int status();
  int irqs();
  int devices();
  int plan();
  int overrides();  // run-time and configuration pins and bans, each with its origin
  int config();     // the configuration in effect (GetConfig)
  // The last changes irqd made: irq < 0 and device "" mean all; limit 0 all.
  int history(std::int32_t irq, const std::string& device, std::uint32_t limit);
  int explain(std::uint32_t irq);
  int pin(std::uint32_t irq, const std::string& cpus);
  int unpin(std::uint32_t irq);
  int pin_queue(const std::string& device, const std::string& queue, const std::string& cpus);
  int unpin_queue(const std::string& device, const std::string& queue);
  int ban(const std::string& cpus);
  int unban(const std::string& cpus);
  int policy(const std::string& device, const std::string& policy);  // "" = back to the default
  int show_policy(const std::string& device);  // the policy in force and its source
  // No settings and no reset: shows the device's NAPI settings and NAPIs. Else sets NAME=VALUE
  // settings (NAME=default drops one), or drops every run-time NAPI setting of the device.
  int napi(const std::string& device, const std::vector<std::string>& settings, bool reset);
  int rebalance();
  int reload();
  int top(const TopArgs& args);
  int metrics(const std::string& root);

 private:
  Client& client();                      // connects on first use
  int done(const std::string& message);  // prints a write command's confirmation
  // The daemon's topology; sysfs under `root` from a daemon that lacks GetTopology.
  CpuNodes topology(const std::string& root);
  GlobalOptions options_;
  std::unique_ptr<Client> client_;
};

}  // namespace irqd::irqctl
