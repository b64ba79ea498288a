// Service: the io.github.irqd.Irqd1 methods, access control and errors; BusService: wiring.
#include "irqd/dbus/service.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <limits>
#include <stdexcept>

#include "irqd/override_args.hpp"
#include "policies/registry.hpp"
#include "sysfs/sys_root.hpp"

namespace irqd::dbus {

namespace {
constexpr const char* kInvalidArgument = "io.github.irqd.Irqd1.Error.InvalidArgument";
constexpr const char* kNotFound = "io.github.irqd.Irqd1.Error.NotFound";
constexpr const char* kUnchangeable = "io.github.irqd.Irqd1.Error.Unchangeable";
constexpr const char* kFailed = "io.github.irqd.Irqd1.Error.Failed";
constexpr const char* kAccessDenied = "org.freedesktop.DBus.Error.AccessDenied";

// Runs a method body: argument errors become InvalidArgument, anything else unexpected becomes
// Failed (an exception must never cross sd-bus's C callbacks).
template <typename F>
auto guarded(F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const sdbus::Error&) {
    throw;
  } catch (const std::invalid_argument& e) {
    throw sdbus::Error(kInvalidArgument, e.what());
  } catch (const std::exception& e) {
    throw sdbus::Error(kFailed, e.what());
  }
}

std::string irq_label(const sysfs::IrqInfo& irq) {
  return irq.device.empty() ? fmt::format("IRQ {} ({})", irq.irq, irq.name)
                            : fmt::format("IRQ {} ({}, {})", irq.irq, irq.name, irq.device);
}
}  // namespace

Service::Service(sdbus::IConnection& conn, Daemon& daemon, OverrideStore& store)
    : AdaptorInterfaces(conn, kObjectPath), daemon_(daemon), store_(store) {
  registerAdaptor();
}

Service::~Service() { unregisterAdaptor(); }

void Service::on_cycle(const CycleReport& r) {
  const PlanResult* plan = daemon_.last_plan();
  if (r.ok && plan != nullptr) {
    // Knobs the cycle wrote are re-read, so "current" is what the kernel has after the cycle.
    std::map<std::string, std::string> now;
    if (!daemon_.options().dry_run) {
      sysfs::SysRoot root(daemon_.options().engine.root);
      for (const auto& k : plan->diff.knobs) {
        try {
          if (auto v = root.read_line(k.path)) now[k.path] = *v;
        } catch (const std::exception&) {
        }
      }
    }
    StateView view{*plan, *plan->config, daemon_.load(), daemon_.unchangeable(), now};
    irqs_ = irq_rows(view);
    devices_ = device_rows(view);
    auto sig = device_signature(*plan);
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
  if (!cycle_requested_) return;
  cycle_requested_ = false;
  daemon_.cycle_now();
}

void Service::require_root(const char* method) {
  const sdbus::Message* msg = getObject().getCurrentlyProcessedMessage();
  uid_t uid = 0;
  try {
    if (msg == nullptr) throw std::runtime_error("no message");
    uid = msg->getCredsUid();
  } catch (const std::exception& e) {
    throw sdbus::Error(kAccessDenied, fmt::format("{}: the caller's UID cannot be determined ({})",
                                                  method, e.what()));
  }
  if (uid != 0) {
    spdlog::warn("D-Bus: {} refused: caller UID {} is not root", method, uid);
    throw sdbus::Error(
        kAccessDenied,
        fmt::format("{} changes irqd: only root may call it (caller UID {})", method, uid));
  }
}

const PlanResult& Service::need_plan() const {
  const PlanResult* p = daemon_.last_plan();
  if (p == nullptr) {
    const auto& r = daemon_.last_report();
    throw sdbus::Error(kFailed, r.error.empty()
                                    ? "irqd has not completed a cycle yet: try again in a moment"
                                    : "irqd has not completed a cycle yet: " + r.error);
  }
  return *p;
}

void Service::commit(Overrides o, const std::string& what) {
  try {
    store_.replace(std::move(o));
  } catch (const std::exception& e) {
    throw sdbus::Error(
        kFailed,
        fmt::format("{}: the overrides could not be saved, nothing changed: {}", what, e.what()));
  }
  spdlog::info("D-Bus: {}", what);
  cycle_requested_ = true;
}

Service::Status Service::GetStatus() {
  return guarded([&] {
    const auto& r = daemon_.last_report();
    const PlanResult* plan = daemon_.last_plan();
    std::uint32_t placed = 0;
    if (plan != nullptr)
      for (const auto& d : plan->diff.irqs) placed += d.planned != nullptr;
    std::string policy = plan != nullptr ? plan->config->policy : daemon_.effective_config().policy;
    double interval = std::chrono::duration<double>(daemon_.options().interval).count();
    return Status(std::string(IRQD_VERSION), policy, interval,
                  static_cast<std::uint64_t>(daemon_.cycles()), r.cost_ms, placed,
                  static_cast<std::uint32_t>(daemon_.unchangeable().size()),
                  static_cast<std::uint32_t>(r.failed), r.error, daemon_.options().dry_run);
  });
}

std::vector<IrqRow> Service::ListIrqs() { return irqs_; }

std::vector<DeviceRow> Service::ListDevices() { return devices_; }

std::vector<ChangeRow> Service::GetPlan() {
  return guarded([&] {
    const PlanResult* last = daemon_.last_plan();
    auto now = plan_once(daemon_.options().engine, daemon_.effective_config(),
                         last ? last->machine.get() : nullptr, daemon_.plan_load());
    return change_rows(now->diff);
  });
}

OverridesReply Service::GetOverrides() { return overrides_reply(store_.get()); }

void Service::PinIrq(const std::uint32_t& irq, const std::string& cpus) {
  require_root("PinIrq");
  guarded([&] {
    const auto& plan = need_plan();
    const sysfs::IrqInfo* info = irq <= static_cast<std::uint32_t>(std::numeric_limits<int>::max())
                                     ? plan.discovery->inventory.irq(static_cast<int>(irq))
                                     : nullptr;
    if (info == nullptr) throw sdbus::Error(kNotFound, fmt::format("IRQ {}: no such IRQ", irq));
    if (info->cls == sysfs::IrqClass::kManaged || daemon_.unchangeable().count(info->irq) > 0)
      throw sdbus::Error(
          kUnchangeable,
          fmt::format("{}: the kernel manages its affinity; irqd cannot pin it", irq_label(*info)));
    sysfs::CpuSet set = parse_cpus_arg(cpus, plan.machine->online);
    Overrides o = store_.get();
    o.irq_pins[info->irq] = set;
    commit(std::move(o), fmt::format("{} pinned to CPUs {}", irq_label(*info), set.to_list()));
  });
}

void Service::UnpinIrq(const std::uint32_t& irq) {
  require_root("UnpinIrq");
  guarded([&] {
    Overrides o = store_.get();
    auto it = irq <= static_cast<std::uint32_t>(std::numeric_limits<int>::max())
                  ? o.irq_pins.find(static_cast<int>(irq))
                  : o.irq_pins.end();
    if (it == o.irq_pins.end())
      throw sdbus::Error(
          kNotFound, fmt::format("IRQ {} is not pinned at run time (configured pins stay)", irq));
    o.irq_pins.erase(it);
    commit(std::move(o), fmt::format("IRQ {} unpinned", irq));
  });
}

void Service::PinQueue(const std::string& device, const std::string& queue,
                       const std::string& cpus) {
  require_root("PinQueue");
  guarded([&] {
    check_device_name(device);
    QueueName q = parse_queue_name(queue);
    const auto& plan = need_plan();
    const sysfs::NicInfo* nic = plan.discovery->inventory.nic(device);
    if (nic == nullptr)
      throw sdbus::Error(kNotFound, fmt::format("device '{}': no such network device", device));
    const auto& qs = q.rx ? nic->rx : nic->tx;
    bool exists = false;
    for (const auto& x : qs) exists = exists || x.index == q.index;
    if (!exists)
      throw sdbus::Error(kNotFound,
                         fmt::format("{} {}: no such queue ({} has {} {} queues)", device, queue,
                                     device, qs.size(), q.rx ? "rx" : "tx"));
    sysfs::CpuSet set = parse_cpus_arg(cpus, plan.machine->online);
    Overrides o = store_.get();
    o.queue_pins[{device, q.rx, q.index}] = set;
    commit(std::move(o), fmt::format("{} {} {} pinned to CPUs {}", device, queue,
                                     q.rx ? "rps_cpus" : "xps_cpus", set.to_list()));
  });
}

void Service::UnpinQueue(const std::string& device, const std::string& queue) {
  require_root("UnpinQueue");
  guarded([&] {
    check_device_name(device);
    QueueName q = parse_queue_name(queue);
    Overrides o = store_.get();
    if (o.queue_pins.erase({device, q.rx, q.index}) == 0)
      throw sdbus::Error(
          kNotFound,
          fmt::format("{} {} is not pinned at run time (configured pins stay)", device, queue));
    commit(std::move(o), fmt::format("{} {} unpinned", device, queue));
  });
}

void Service::SetDevicePolicy(const std::string& device, const std::string& policy) {
  require_root("SetDevicePolicy");
  guarded([&] {
    check_device_name(device);
    if (!policy.empty()) {
      check_policy_name(policy);
      policies::make_policy(policy);  // UnknownPolicy (invalid_argument) lists the known ones
    }
    const auto& plan = need_plan();
    if (plan.discovery->inventory.nic(device) == nullptr)
      throw sdbus::Error(kNotFound, fmt::format("device '{}': no such network device", device));
    Overrides o = store_.get();
    if (policy.empty())
      o.device_policies.erase(device);
    else
      o.device_policies[device] = policy;
    commit(std::move(o), policy.empty() ? fmt::format("{}: back to the default policy", device)
                                        : fmt::format("{}: policy {}", device, policy));
  });
}

void Service::BanCpus(const std::string& cpus) {
  require_root("BanCpus");
  guarded([&] {
    const auto& plan = need_plan();
    sysfs::CpuSet set = parse_cpus_arg(cpus, plan.machine->online);
    Overrides o = store_.get();
    o.banned_cpus |= set;
    config::Config eff = daemon_.config();
    apply_overrides(o, eff);
    sysfs::CpuSet usable = plan.machine->online - eff.banned_cpus;
    if (eff.honour_isolcpus) usable = usable - plan.machine->isolated;
    if (eff.honour_nohz_full) usable = usable - plan.machine->nohz_full;
    if (usable.empty())
      throw std::invalid_argument(
          fmt::format("cpulist '{}': banning it would leave no usable CPU (online {}, banned {})",
                      set.to_list(), plan.machine->online.to_list(), eff.banned_cpus.to_list()));
    commit(std::move(o), fmt::format("CPUs {} banned (run-time bans now {})", set.to_list(),
                                     (store_.get().banned_cpus | set).to_list()));
  });
}

void Service::UnbanCpus(const std::string& cpus) {
  require_root("UnbanCpus");
  guarded([&] {
    sysfs::CpuSet set = parse_cpus_arg(cpus);
    Overrides o = store_.get();
    if (!set.intersects(o.banned_cpus))
      throw sdbus::Error(
          kNotFound,
          fmt::format("CPUs {} are not banned at run time (run-time bans: '{}'; configured "
                      "bans stay)",
                      set.to_list(), o.banned_cpus.to_list()));
    o.banned_cpus = o.banned_cpus - set;
    commit(std::move(o),
           fmt::format("CPUs {} unbanned", (set & store_.get().banned_cpus).to_list()));
  });
}

void Service::Rebalance() {
  require_root("Rebalance");
  spdlog::info("D-Bus: Rebalance: a cycle now, cooldowns ended");
  daemon_.end_cooldowns();
  cycle_requested_ = true;
}

void Service::Reload() {
  require_root("Reload");
  guarded([&] {
    std::string error = daemon_.reload();
    cycle_requested_ = true;  // re-discovered: plan again either way
    if (!error.empty())
      throw sdbus::Error(
          kInvalidArgument,
          "the configuration was refused; the previous one stays in force: " + error);
  });
}

BusService::BusService(Daemon& daemon, const std::string& state_dir, bool with_bus)
    : store_(std::filesystem::path(state_dir) / "overrides.json") {
  if (auto problem = store_.load(); !problem.empty())
    spdlog::error("{}", problem);
  else if (!store_.get().empty())
    spdlog::info("run-time overrides loaded from {}", store_.file().string());
  daemon.set_overlay([this](config::Config& c) { apply_overrides(store_.get(), c); });
  if (!with_bus) return;
  try {
    conn_ = sdbus::createSystemBusConnection(kBusName);
    service_ = std::make_unique<Service>(*conn_, daemon, store_);
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
