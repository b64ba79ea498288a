// The D-Bus service io.github.irqd.Irqd1 on the system bus: a translator between the bus and the
// daemon's control API (daemon/control.hpp). Each method checks the caller may call it, makes one
// call and turns the typed result into a reply or a D-Bus error. Read methods answer from the
// control API's snapshot (cached once per cycle); a write method's cycle runs after its reply.
// Signals: CycleCompleted after every cycle, DevicesChanged when the NIC set or a NIC's queue
// count changes.
#pragma once

#include <sdbus-c++/sdbus-c++.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "irqd/daemon/control.hpp"
#include "irqd/dbus/authority.hpp"
#include "irqd/dbus/bus_loop.hpp"
#include "irqd/dbus/explain_views.hpp"
#include "irqd/dbus/names.hpp"
#include "irqd/dbus/status_views.hpp"
#include "irqd/dbus/views.hpp"
#include "irqd1_adaptor.h"

namespace irqd::dbus {

class Service final : public sdbus::AdaptorInterfaces<io::github::irqd::Irqd1_adaptor> {
 public:
  Service(sdbus::IConnection& conn, Control& control);
  ~Service();

  // After every cycle: refresh the cached read replies, emit the signals.
  void on_cycle(const CycleReport& r);
  // After a batch of requests was answered: run the cycle a write method asked for.
  void run_deferred();

 private:
  using Status = StatusRow;
  Status GetStatus() override;
  // GetStatus's reply; without details, `more` lacks the fields that cost a copy of the
  // configuration and the inventory (the properties and their PropertiesChanged, every cycle).
  Status status(bool details);
  std::string GetMetrics() override;
  std::vector<IrqRow> ListIrqs() override;
  std::vector<DeviceRow> ListDevices() override;
  std::vector<ChangeRow> GetPlan() override;
  OverridesReply GetOverrides() override;
  std::vector<NapiOverrideRow> GetNapiOverrides() override;
  std::vector<TopologyRow> GetTopology() override;
  std::vector<HistoryRow> GetHistory(const std::map<std::string, sdbus::Variant>& filter) override;
  std::map<std::string, sdbus::Variant> ExplainIrq(const std::uint32_t& irq) override;
  std::string GetConfig() override;
  std::vector<std::string> CheckPin(const std::uint32_t& irq, const std::string& cpus) override;
  void PinIrq(const std::uint32_t& irq, const std::string& cpus) override;
  void UnpinIrq(const std::uint32_t& irq) override;
  void PinQueue(const std::string& device, const std::string& queue,
                const std::string& cpus) override;
  void UnpinQueue(const std::string& device, const std::string& queue) override;
  void SetDevicePolicy(const std::string& device, const std::string& policy) override;
  void SetDeviceNapi(const std::string& device,
                     const std::map<std::string, std::string>& settings) override;
  void BanCpus(const std::string& cpus) override;
  void UnbanCpus(const std::string& cpus) override;
  void Rebalance() override;
  void Reload() override;
  std::uint32_t ApiVersion() override { return 2; }
  std::string Version() override { return IRQD_VERSION; }
  // Status properties: fields of GetStatus.
  std::string Policy() override { return status(false).get<1>(); }
  double IntervalSeconds() override { return status(false).get<2>(); }
  std::uint64_t Cycles() override { return status(false).get<3>(); }
  double LastCycleMs() override { return status(false).get<4>(); }
  std::uint32_t Managed() override { return status(false).get<5>(); }
  std::uint32_t Unchangeable() override { return status(false).get<6>(); }
  std::uint32_t FailedWrites() override { return status(false).get<7>(); }
  std::string LastError() override { return status(false).get<8>(); }
  bool DryRun() override { return status(false).get<9>(); }
  // Emits PropertiesChanged with the status properties whose value differs from the last emitted.
  void emit_status_changes();

  // Throws AccessDenied unless the caller of the message being processed is root or polkit
  // authorizes `action` for it (dbus/authority.hpp).
  void authorize(const char* method, const char* action);

  Control& control_;
  Authority authority_;
  std::vector<IrqRow> irqs_;        // cached per cycle
  std::vector<DeviceRow> devices_;  // cached per cycle
  std::vector<std::string> device_sig_;
  bool have_devices_ = false;
  std::optional<Status> last_status_;  // as last announced by PropertiesChanged
};

// The service with its connection, attached to a daemon through its control API.
class BusService {
 public:
  // Connects to the system bus (DBUS_SYSTEM_BUS_ADDRESS honoured), owns io.github.irqd.Irqd1 and
  // serves it from the daemon's loop; when the bus cannot be reached or the name is taken, logs a
  // warning and the daemon runs without the service. Once served, a lost connection (the bus
  // restarted) is re-made with backoff and the name owned again (BusLoop).
  explicit BusService(Control& control);
  ~BusService();
  bool on_bus() const { return service_ != nullptr; }

 private:
  void connect();                   // a new connection owning the name, and the service on it
  sdbus::IConnection& reconnect();  // drops the old ones first; throws when it cannot

  Control& control_;
  std::unique_ptr<sdbus::IConnection> conn_;
  std::unique_ptr<Service> service_;
  std::unique_ptr<BusLoop> loop_;
};

}  // namespace irqd::dbus
