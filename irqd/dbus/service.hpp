// The D-Bus service io.github.irqd.Irqd1 on the system bus: translates between the bus and the
// daemon. Read methods answer from the daemon's state (the last cycle's plan, report and load,
// cached once per cycle); write methods check the caller is root, validate their arguments
// against the last discovery, change the run-time overrides (persisted at once) and run a cycle
// after the reply. Signals: CycleCompleted after every cycle, DevicesChanged when the NIC set or
// a NIC's queue count changes.
#pragma once

#include <sdbus-c++/sdbus-c++.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "irqd/daemon.hpp"
#include "irqd/dbus/bus_loop.hpp"
#include "irqd/dbus/views.hpp"
#include "irqd/overrides.hpp"
#include "irqd1_adaptor.h"

namespace irqd::dbus {

inline constexpr const char* kBusName = "io.github.irqd.Irqd1";
inline constexpr const char* kObjectPath = "/io/github/irqd/Irqd1";

class Service final : public sdbus::AdaptorInterfaces<io::github::irqd::Irqd1_adaptor> {
 public:
  Service(sdbus::IConnection& conn, Daemon& daemon, OverrideStore& store);
  ~Service();

  // After every cycle: refresh the cached read replies, emit the signals.
  void on_cycle(const CycleReport& r);
  // After a batch of requests was answered: run the cycle a write method asked for.
  void run_deferred();

 private:
  using Status = StatusRow;
  Status GetStatus() override;
  std::vector<IrqRow> ListIrqs() override;
  std::vector<DeviceRow> ListDevices() override;
  std::vector<ChangeRow> GetPlan() override;
  OverridesReply GetOverrides() override;
  void PinIrq(const std::uint32_t& irq, const std::string& cpus) override;
  void UnpinIrq(const std::uint32_t& irq) override;
  void PinQueue(const std::string& device, const std::string& queue,
                const std::string& cpus) override;
  void UnpinQueue(const std::string& device, const std::string& queue) override;
  void SetDevicePolicy(const std::string& device, const std::string& policy) override;
  void BanCpus(const std::string& cpus) override;
  void UnbanCpus(const std::string& cpus) override;
  void Rebalance() override;
  void Reload() override;
  std::uint32_t ApiVersion() override { return 1; }
  std::string Version() override { return IRQD_VERSION; }

  // Throws AccessDenied unless the caller of the message being processed is UID 0.
  void require_root(const char* method);
  // The last successful cycle's plan; throws Failed when there is none yet.
  const PlanResult& need_plan() const;
  // Saves new overrides (Failed when the state file cannot be written: nothing changes) and asks
  // for a cycle after the reply.
  void commit(Overrides o, const std::string& what);

  Daemon& daemon_;
  OverrideStore& store_;
  bool cycle_requested_ = false;
  std::vector<IrqRow> irqs_;        // cached per cycle
  std::vector<DeviceRow> devices_;  // cached per cycle
  std::vector<std::string> device_sig_;
  bool have_devices_ = false;
};

// The service with its connection, the overrides and their state file, attached to a daemon.
class BusService {
 public:
  // Loads STATE_DIR/overrides.json (a corrupt one is reported and moved aside) and layers it onto
  // the daemon's configuration. With `with_bus`, connects to the system bus
  // (DBUS_SYSTEM_BUS_ADDRESS honoured), owns io.github.irqd.Irqd1 and serves it from the daemon's
  // loop; when the bus cannot be reached or the name is taken, logs a warning and the daemon runs
  // without the service.
  BusService(Daemon& daemon, const std::string& state_dir, bool with_bus);
  ~BusService();
  bool on_bus() const { return service_ != nullptr; }

 private:
  OverrideStore store_;
  std::unique_ptr<sdbus::IConnection> conn_;
  std::unique_ptr<Service> service_;
  std::unique_ptr<BusLoop> loop_;
};

}  // namespace irqd::dbus
