// Service: the io.github.irqd.Irqd1 methods, access control and errors; BusService: wiring.
#include "irqd/dbus/service.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

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
    : AdaptorInterfaces(conn, kObjectPath), control_(control) {
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
  emitCycleCompleted(r.cycle, static_cast<std::uint32_t>(r.applied),
                     static_cast<std::uint32_t>(r.unchanged), static_cast<std::uint32_t>(r.failed));
}

void Service::run_deferred() {
  if (control_.take_cycle_request()) control_.daemon().cycle_now();
}

void Service::require_root(const char* method) {
  const sdbus::Message* msg = getObject().getCurrentlyProcessedMessage();
  uid_t uid = 0;
  try {
    if (msg == nullptr) throw std::runtime_error("no message");
    uid = msg->getCredsUid();
  } catch (const std::exception& e) {
    throw sdbus::Error(kErrAccessDenied, fmt::format("{}: the caller's UID cannot be determined ({})",
                                                     method, e.what()));
  }
  if (uid != 0) {
    spdlog::warn("D-Bus: {} refused: caller UID {} is not root", method, uid);
    throw sdbus::Error(
        kErrAccessDenied,
        fmt::format("{} changes irqd: only root may call it (caller UID {})", method, uid));
  }
}

Service::Status Service::GetStatus() {
  return guarded([&] {
    Snapshot snap = control_.snapshot();
    std::uint32_t placed = 0;
    if (snap.plan != nullptr)
      for (const auto& d : snap.plan->diff.irqs) placed += d.planned != nullptr;
    std::string policy = snap.plan != nullptr ? snap.plan->config->policy : snap.effective.policy;
    double interval = std::chrono::duration<double>(snap.options.interval).count();
    return Status(std::string(IRQD_VERSION), policy, interval, snap.cycles, snap.report.cost_ms,
                  placed, static_cast<std::uint32_t>(snap.unchangeable.size()),
                  static_cast<std::uint32_t>(snap.report.failed), sysfs::valid_utf8(snap.report.error),
                  snap.options.dry_run);
  });
}

std::vector<IrqRow> Service::ListIrqs() { return irqs_; }

std::vector<DeviceRow> Service::ListDevices() { return devices_; }

std::vector<ChangeRow> Service::GetPlan() {
  return guarded([&] { return change_rows(control_.preview()->diff); });
}

OverridesReply Service::GetOverrides() { return overrides_reply(control_.overrides()); }

void Service::PinIrq(const std::uint32_t& irq, const std::string& cpus) {
  require_root("PinIrq");
  reply(control_.pin_irq(irq, cpus));
}

void Service::UnpinIrq(const std::uint32_t& irq) {
  require_root("UnpinIrq");
  reply(control_.unpin_irq(irq));
}

void Service::PinQueue(const std::string& device, const std::string& queue,
                       const std::string& cpus) {
  require_root("PinQueue");
  reply(control_.pin_queue(device, queue, cpus));
}

void Service::UnpinQueue(const std::string& device, const std::string& queue) {
  require_root("UnpinQueue");
  reply(control_.unpin_queue(device, queue));
}

void Service::SetDevicePolicy(const std::string& device, const std::string& policy) {
  require_root("SetDevicePolicy");
  reply(control_.set_device_policy(device, policy));
}

void Service::BanCpus(const std::string& cpus) {
  require_root("BanCpus");
  reply(control_.ban_cpus(cpus));
}

void Service::UnbanCpus(const std::string& cpus) {
  require_root("UnbanCpus");
  reply(control_.unban_cpus(cpus));
}

void Service::Rebalance() {
  require_root("Rebalance");
  reply(control_.rebalance());
}

void Service::Reload() {
  require_root("Reload");
  reply(control_.reload());
}

BusService::BusService(Control& control) {
  Daemon& daemon = control.daemon();
  try {
    conn_ = sdbus::createSystemBusConnection(kBusName);
    service_ = std::make_unique<Service>(*conn_, control);
    loop_ = std::make_unique<BusLoop>(*conn_, [this] { service_->run_deferred(); });
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
    if (loop_->lost()) return;
    try {
      service_->on_cycle(r);
    } catch (const std::exception& e) {
      spdlog::warn("D-Bus: after cycle {}: {}", r.cycle,
                   e.what());  // a signal that could not be sent
    }
    loop_->rearm();  // a signal sent from a timed cycle may be queued: wait for POLLOUT too
  });
  spdlog::info("D-Bus: serving {} at {}", kBusName, kObjectPath);
}

BusService::~BusService() = default;

}  // namespace irqd::dbus
