// Client: the daemon's io.github.irqd.Irqd1 object on the system bus, through the generated proxy;
// converts D-Bus records into the typed model and every sdbus::Error into a CommandError with the
// exit code it stands for. The only file of irqctl that knows about sdbus.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "irqd/irqctl/model.hpp"

namespace irqd::irqctl {

class Client {
 public:
  // Connects to the bus at `address` ("" = DBUS_SYSTEM_BUS_ADDRESS, else the system bus); calls
  // time out after timeout_seconds. Throws CommandError(kExitUnreachable) when there is no bus.
  Client(const std::string& address, double timeout_seconds);
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  Status status();
  std::vector<Irq> irqs();
  std::vector<Device> devices();
  std::vector<Change> plan();
  Overrides overrides();  // GetOverrides and GetNapiOverrides
  // Fills the configuration's pins and bans (GetStatus's more) into `o`; leaves config_known false
  // for a daemon that does not send them.
  void add_config_pins(Overrides& o);
  // GetConfig: the configuration in effect as TOML; nullopt from a daemon without the method.
  std::optional<std::string> config();
  // CheckPin: what pinning would do that the operator may not mean; nullopt from a daemon without
  // the method.
  std::optional<std::vector<std::string>> check_pin(std::uint32_t irq, const std::string& cpus);
  // The daemon's own Prometheus text (GetMetrics); nullopt from an irqd that has none.
  std::optional<std::string> metrics();
  // GetTopology; nullopt from a daemon that lacks the method (UnknownMethod).
  std::optional<CpuNodes> topology();
  // GetHistory: irq < 0 and device "" mean any; limit 0 all.
  std::vector<HistoryEntry> history(std::int32_t irq, const std::string& device, std::uint32_t limit);
  Explanation explain(std::uint32_t irq);

  void pin_irq(std::uint32_t irq, const std::string& cpus);
  void unpin_irq(std::uint32_t irq);
  void pin_queue(const std::string& device, const std::string& queue, const std::string& cpus);
  void unpin_queue(const std::string& device, const std::string& queue);
  void set_device_policy(const std::string& device, const std::string& policy);
  void set_device_napi(const std::string& device,
                       const std::map<std::string, std::string>& settings);
  void ban_cpus(const std::string& cpus);
  void unban_cpus(const std::string& cpus);
  void rebalance();
  void reload();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace irqd::irqctl
