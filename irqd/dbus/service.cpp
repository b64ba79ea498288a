// Service: the io.github.irqd.Irqd1 methods, access control and errors; BusService: wiring.
#include "irqd/dbus/service.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <stdexcept>

#include "sysfs/utf8.hpp"

namespace irqd::dbus {

namespace {

const char* error_name(ControlErrc c) {
  switch (c) {
    case ControlErrc::kInvalidArgument: return kErrInvalidArgument;
    case ControlErrc::kNotFound: return kErrNotFound;
    case ControlErrc::kUnchangeable: return kErrUnchangeable;
    case ControlErrc::kNotReady:
    case ControlErrc::kFailed: break;
  }
  return kErrFailed;
}

// The reply to a write method: nothing, or the control API's error as the matching D-Bus error.
void reply(const ControlResult& r) {
  if (r) throw sdbus::Error(error_name(r->code), sysfs::valid_utf8(r->message));
}

// Read methods: anything unexpected becomes Failed (an exception must never cross sd-bus's C
// callbacks).
template <typename F>
auto guarded(F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const sdbus::Error&) {
    throw;
  } catch (const std::exception& e) {
    throw sdbus::Error(kErrFailed, sysfs::valid_utf8(e.what()));  // messages may quote kernel files
  }
}

}  // namespace

Service::Service(sdbus::IConnection& conn, Control& control)
    : AdaptorInterfaces(conn, kObjectPath), control_(control), authority_(conn) {
  registerAdaptor();
}

Service::~Service() { unregisterAdaptor(); }

void Service::on_cycle(const CycleReport& r) {
  Snapshot snap = control_.snapshot();
  if (r.ok && snap.plan != nullptr) {
    // "current" is what the kernel has after the cycle: the writes' read-back values.
    StateView view{*snap.plan, *snap.plan->config, snap.load, snap.unchangeable, snap.read_back};
    irqs_ = irq_rows(view);
    devices_ = device_rows(view);
    auto sig = device_signature(*snap.plan);
    if (have_devices_ && sig != device_sig_) {
      std::vector<std::string> names;
      for (const auto& s : sig) names.push_back(s.substr(0, s.find(' ')));
      spdlog::info("D-Bus: network devices changed: {}", fmt::join(sig, ", "));
      emitDevicesChanged(names);
    }
    device_sig_ = std::move(sig);
    have_devices_ = true;
  }
  emit_status_changes();
  emitCycleCompleted(r.cycle, static_cast<std::uint32_t>(r.applied),
                     static_cast<std::uint32_t>(r.unchanged), static_cast<std::uint32_t>(r.failed));
}

void Service::emit_status_changes() {
  Status now = status(false);
  std::vector<std::string> changed;
  const Status* was = last_status_ ? &*last_status_ : nullptr;
  auto note = [&](bool differs, const char* name) {
    if (was == nullptr || differs) changed.emplace_back(name);
  };
  note(was && was->get<1>() != now.get<1>(), "Policy");
  note(was && was->get<2>() != now.get<2>(), "IntervalSeconds");
  note(was && was->get<3>() != now.get<3>(), "Cycles");
  note(was && was->get<4>() != now.get<4>(), "LastCycleMs");
  note(was && was->get<5>() != now.get<5>(), "Managed");
  note(was && was->get<6>() != now.get<6>(), "Unchangeable");
  note(was && was->get<7>() != now.get<7>(), "FailedWrites");
  note(was && was->get<8>() != now.get<8>(), "LastError");
  note(was && was->get<9>() != now.get<9>(), "DryRun");
  last_status_ = std::move(now);
  if (!changed.empty()) getObject().emitPropertiesChangedSignal(INTERFACE_NAME, changed);
}

void Service::run_deferred() {
  if (control_.take_cycle_request()) control_.daemon().cycle_now();
}

void Service::authorize(const char* method, const char* action) {
  const sdbus::Message* msg = getObject().getCurrentlyProcessedMessage();
  if (msg == nullptr)
    throw sdbus::Error(kErrAccessDenied, fmt::format("{}: no message to authorize", method));
  authority_.check(*msg, method, action);
}

std::string Service::GetMetrics() {
  return guarded([&] { return sysfs::valid_utf8(control_.daemon().metrics_text()); });
}

Service::Status Service::GetStatus() { return status(true); }

Service::Status Service::status(bool details) {
  return guarded([&] {
    Snapshot snap = control_.snapshot();
    std::uint32_t placed = 0;
    if (snap.plan != nullptr)
      for (const auto& d : snap.plan->diff.irqs) placed += d.planned != nullptr;
    // The configuration plus overrides is copied only before the first plan exists.
    std::string policy = snap.plan != nullptr ? snap.plan->config->policy
                                              : control_.daemon().effective_config().policy;
    double interval = std::chrono::duration<double>(snap.options.interval).count();
    More more;
    more["planned"] = sdbus::Variant(static_cast<std::uint32_t>(snap.report.planned));
    more["changes"] = sdbus::Variant(static_cast<std::uint32_t>(snap.report.changes));
    more["vanished"] = sdbus::Variant(static_cast<std::uint32_t>(snap.report.vanished));
    if (details) {
      Daemon& daemon = control_.daemon();
      HistoryFilter newest;
      newest.limit = 1;
      auto last = control_.history(newest);
      add_status_fields(
          StatusFacts{.placed = placed,
                      .kernel_managed = static_cast<std::uint32_t>(snap.unchangeable.size()),
                      .uptime_seconds = control_.uptime_seconds(),
                      .config = daemon.config(),
                      .overrides = snap.overrides,
                      .machine = snap.plan != nullptr ? snap.plan->machine.get() : daemon.machine().get(),
                      .inventory = snap.plan != nullptr ? &snap.plan->discovery->inventory : nullptr,
                      .last_change = last.empty() ? std::nullopt : std::optional(last.back())},
          more);
    }
    return Status(std::string(IRQD_VERSION), policy, interval, snap.cycles, snap.report.cost_ms,
                  placed, static_cast<std::uint32_t>(snap.unchangeable.size()),
                  static_cast<std::uint32_t>(snap.report.failed), sysfs::valid_utf8(snap.report.error),
                  snap.options.dry_run, std::move(more));
  });
}

std::vector<IrqRow> Service::ListIrqs() { return irqs_; }

std::vector<DeviceRow> Service::ListDevices() { return devices_; }

std::vector<ChangeRow> Service::GetPlan() {
  return guarded([&] { return change_rows(control_.preview()->diff); });
}

OverridesReply Service::GetOverrides() { return overrides_reply(control_.overrides()); }

std::vector<NapiOverrideRow> Service::GetNapiOverrides() {
  return napi_override_rows(control_.overrides());
}

std::vector<TopologyRow> Service::GetTopology() {
  return guarded([&] {
    // The model the last plan used, else the one loaded at start (loaded before the first cycle).
    Snapshot snap = control_.snapshot();
    const topology::Machine* m =
        snap.plan != nullptr ? snap.plan->machine.get() : control_.daemon().machine().get();
    if (m == nullptr) throw sdbus::Error(kErrFailed, "the topology has not been loaded yet");
    return topology_rows(*m);
  });
}

std::vector<HistoryRow> Service::GetHistory(const std::map<std::string, sdbus::Variant>& filter) {
  return guarded([&] {
    HistoryFilter f;
    try {
      f = history_filter(filter);
    } catch (const std::invalid_argument& e) {
      throw sdbus::Error(kErrInvalidArgument, sysfs::valid_utf8(e.what()));
    }
    return history_rows(control_.history(f));
  });
}

std::map<std::string, sdbus::Variant> Service::ExplainIrq(const std::uint32_t& irq) {
  return guarded([&] {
    IrqExplanation e;
    reply(control_.explain_irq(irq, e));
    return explanation_map(e);
  });
}

std::string Service::GetConfig() {
  return guarded([&] { return sysfs::valid_utf8(config::describe(control_.daemon().config())); });
}

std::vector<std::string> Service::CheckPin(const std::uint32_t& irq, const std::string& cpus) {
  return guarded([&] {
    std::vector<std::string> warnings;
    reply(control_.check_pin(irq, cpus, warnings));
    for (auto& w : warnings) w = sysfs::valid_utf8(w);
    return warnings;
  });
}

void Service::PinIrq(const std::uint32_t& irq, const std::string& cpus) {
  authorize("PinIrq", kActionManage);
  reply(control_.pin_irq(irq, cpus));
}

void Service::UnpinIrq(const std::uint32_t& irq) {
  authorize("UnpinIrq", kActionManage);
  reply(control_.unpin_irq(irq));
}

void Service::PinQueue(const std::string& device, const std::string& queue,
                       const std::string& cpus) {
  authorize("PinQueue", kActionManage);
  reply(control_.pin_queue(device, queue, cpus));
}

void Service::UnpinQueue(const std::string& device, const std::string& queue) {
  authorize("UnpinQueue", kActionManage);
  reply(control_.unpin_queue(device, queue));
}

void Service::SetDevicePolicy(const std::string& device, const std::string& policy) {
  authorize("SetDevicePolicy", kActionManage);
  reply(control_.set_device_policy(device, policy));
}

void Service::SetDeviceNapi(const std::string& device,
                            const std::map<std::string, std::string>& settings) {
  authorize("SetDeviceNapi", kActionManage);
  reply(control_.set_device_napi(device, settings));
}

void Service::BanCpus(const std::string& cpus) {
  authorize("BanCpus", kActionManage);
  reply(control_.ban_cpus(cpus));
}

void Service::UnbanCpus(const std::string& cpus) {
  authorize("UnbanCpus", kActionManage);
  reply(control_.unban_cpus(cpus));
}

void Service::Rebalance() {
  authorize("Rebalance", kActionRebalance);
  reply(control_.rebalance());
}

void Service::Reload() {
  authorize("Reload", kActionReload);
  reply(control_.reload());
}

BusService::BusService(Control& control) : control_(control) {
  Daemon& daemon = control.daemon();
  try {
    connect();
    loop_ = std::make_unique<BusLoop>(
        *conn_, [this]() -> sdbus::IConnection& { return reconnect(); },
        [this] {
          if (service_) service_->run_deferred();
        });
  } catch (const std::exception& e) {
    loop_.reset();
    service_.reset();
    conn_.reset();
    spdlog::warn(
        "D-Bus: cannot serve {} on the system bus ({}); running without the D-Bus service "
        "(irqctl cannot reach this daemon; --no-dbus silences this)",
        kBusName, e.what());
    return;
  }
  daemon.on_loop_start([this](EventLoop& loop) { loop_->attach(loop); });
  daemon.on_cycle([this](const CycleReport& r) {
    if (loop_->lost() || !service_) return;
    try {
      service_->on_cycle(r);
    } catch (const std::exception& e) {
      spdlog::warn("D-Bus: after cycle {}: {}", r.cycle,
                   e.what());  // a signal that could not be sent
    }
    loop_->rearm();  // a signal sent from a timed cycle may be queued: wait for POLLOUT too
  });
}

void BusService::connect() {
  conn_ = sdbus::createSystemBusConnection();
  // Owning the name is a call to the bus: a bus that accepts connections but does not answer
  // must not hold up the daemon's loop (a reconnection runs on it) for sd-bus's default 25 s.
  conn_->setMethodCallTimeout(std::chrono::seconds(5));
  conn_->requestName(kBusName);
  service_ = std::make_unique<Service>(*conn_, control_);
  spdlog::info("D-Bus: serving {} at {}", kBusName, kObjectPath);
}

sdbus::IConnection& BusService::reconnect() {
  service_.reset();  // before its connection
  conn_.reset();
  try {
    connect();
  } catch (...) {
    service_.reset();
    conn_.reset();
    throw;
  }
  // The read replies are cached per cycle: fill them from the last cycle now rather than answer
  // empty lists until the next one. Clients on the new bus have not seen its CycleCompleted.
  Daemon& daemon = control_.daemon();
  if (daemon.cycles() > 0) {
    try {
      service_->on_cycle(daemon.last_report());
    } catch (const std::exception& e) {
      spdlog::warn("D-Bus: after reconnecting: {}", e.what());
    }
  }
  return *conn_;
}

BusService::~BusService() = default;

}  // namespace irqd::dbus
