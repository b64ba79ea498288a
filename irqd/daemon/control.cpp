// Control: the run-time requests, their validation against the last discovery, the overrides.
#include "irqd/daemon/control.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include <limits>
#include <stdexcept>
#include <utility>
#include <vector>

#include "config/arguments.hpp"
#include "config/napi_settings.hpp"
#include "irqd/daemon/pin_check.hpp"
#include "policies/core_order.hpp"
#include "policies/registry.hpp"

namespace irqd {

namespace {

ControlError invalid(const std::exception& e) { return {ControlErrc::kInvalidArgument, e.what()}; }

std::string irq_label(const sysfs::IrqInfo& irq) {
  return irq.device.empty() ? fmt::format("IRQ {} ({})", irq.irq, irq.name)
                            : fmt::format("IRQ {} ({}, {})", irq.irq, irq.name, irq.device);
}

// Runs a request body; an argument error (std::invalid_argument from the validators) becomes
// kInvalidArgument, anything else unexpected kFailed: a request never throws.
template <typename F>
ControlResult guarded(F&& f) {
  try {
    return f();
  } catch (const std::invalid_argument& e) {
    return invalid(e);
  } catch (const std::exception& e) {
    return ControlError{ControlErrc::kFailed, e.what()};
  }
}

}  // namespace

Control::Control(Daemon& daemon, const std::string& state_dir)
    : daemon_(daemon), store_(std::filesystem::path(state_dir) / "overrides.json") {
  if (auto problem = store_.load(); !problem.empty())
    spdlog::error("{}", problem);
  else if (!store_.get().empty())
    spdlog::info("run-time overrides loaded from {}", store_.file().string());
  daemon_.set_overlay([this](config::Config& c) { apply_overrides(store_.get(), c); });
}

ControlError Control::not_ready() const {
  const auto& r = daemon_.last_report();
  return {ControlErrc::kNotReady, r.error.empty()
                                      ? "irqd has not completed a cycle yet: try again in a moment"
                                      : "irqd has not completed a cycle yet: " + r.error};
}

ControlResult Control::commit(Overrides o, const std::string& what) {
  try {
    store_.replace(std::move(o));
  } catch (const std::exception& e) {
    return ControlError{
        ControlErrc::kFailed,
        fmt::format("{}: the overrides could not be saved, nothing changed: {}", what, e.what())};
  }
  spdlog::info("control: {}", what);
  cycle_requested_ = true;
  return std::nullopt;
}

ControlResult Control::pinnable(std::uint32_t irq, std::string_view cpus,
                                const sysfs::IrqInfo*& info, sysfs::CpuSet& set) const {
  return guarded([&]() -> ControlResult {
    if (plan() == nullptr) return not_ready();
    const auto& p = *plan();
    info = irq <= static_cast<std::uint32_t>(std::numeric_limits<int>::max())
               ? p.discovery->inventory.irq(static_cast<int>(irq))
               : nullptr;
    if (info == nullptr) return ControlError{ControlErrc::kNotFound, fmt::format("IRQ {}: no such IRQ", irq)};
    if (info->cls == sysfs::IrqClass::kManaged || daemon_.unchangeable().count(info->irq) > 0)
      return ControlError{ControlErrc::kUnchangeable,
                          fmt::format("{}: the kernel manages its affinity; irqd cannot pin it",
                                      irq_label(*info))};
    set = config::parse_cpus_arg(cpus, p.machine->online);
    return std::nullopt;
  });
}

ControlResult Control::check_pin(std::uint32_t irq, std::string_view cpus,
                                 std::vector<std::string>& warnings) const {
  const sysfs::IrqInfo* info = nullptr;
  sysfs::CpuSet set;
  if (auto r = pinnable(irq, cpus, info, set)) return r;
  return guarded([&]() -> ControlResult {
    warnings = pin_warnings(*plan(), *info, set);
    return std::nullopt;
  });
}

ControlResult Control::pin_irq(std::uint32_t irq, std::string_view cpus) {
  const sysfs::IrqInfo* info = nullptr;
  sysfs::CpuSet set;
  if (auto r = pinnable(irq, cpus, info, set)) return r;
  return guarded([&]() -> ControlResult {
    Overrides o = store_.get();
    o.irq_pins[info->irq] = set;
    return commit(std::move(o), fmt::format("{} pinned to CPUs {}", irq_label(*info), set.to_list()));
  });
}

ControlResult Control::unpin_irq(std::uint32_t irq) {
  return guarded([&]() -> ControlResult {
    Overrides o = store_.get();
    auto it = irq <= static_cast<std::uint32_t>(std::numeric_limits<int>::max())
                  ? o.irq_pins.find(static_cast<int>(irq))
                  : o.irq_pins.end();
    if (it == o.irq_pins.end())
      return ControlError{ControlErrc::kNotFound,
                          fmt::format("IRQ {} is not pinned at run time (configured pins stay)", irq)};
    o.irq_pins.erase(it);
    return commit(std::move(o), fmt::format("IRQ {} unpinned", irq));
  });
}

ControlResult Control::pin_queue(std::string_view device, std::string_view queue,
                                 std::string_view cpus) {
  return guarded([&]() -> ControlResult {
    config::check_device_name(device);
    config::QueueName q = config::parse_queue_name(queue);
    if (plan() == nullptr) return not_ready();
    const auto& p = *plan();
    const sysfs::NicInfo* nic = p.discovery->inventory.nic(std::string(device));
    if (nic == nullptr)
      return ControlError{ControlErrc::kNotFound,
                          fmt::format("device '{}': no such network device", device)};
    const auto& qs = q.rx ? nic->rx : nic->tx;
    bool exists = false;
    for (const auto& x : qs) exists = exists || x.index == q.index;
    if (!exists)
      return ControlError{ControlErrc::kNotFound,
                          fmt::format("{} {}: no such queue ({} has {} {} queues)", device, queue,
                                      device, qs.size(), q.rx ? "rx" : "tx")};
    sysfs::CpuSet set = config::parse_cpus_arg(cpus, p.machine->online);
    Overrides o = store_.get();
    o.queue_pins[{std::string(device), q.rx, q.index}] = set;
    return commit(std::move(o), fmt::format("{} {} {} pinned to CPUs {}", device, queue,
                                            q.rx ? "rps_cpus" : "xps_cpus", set.to_list()));
  });
}

ControlResult Control::unpin_queue(std::string_view device, std::string_view queue) {
  return guarded([&]() -> ControlResult {
    config::check_device_name(device);
    config::QueueName q = config::parse_queue_name(queue);
    Overrides o = store_.get();
    if (o.queue_pins.erase({std::string(device), q.rx, q.index}) == 0)
      return ControlError{
          ControlErrc::kNotFound,
          fmt::format("{} {} is not pinned at run time (configured pins stay)", device, queue)};
    return commit(std::move(o), fmt::format("{} {} unpinned", device, queue));
  });
}

ControlResult Control::set_device_policy(std::string_view device, std::string_view policy) {
  return guarded([&]() -> ControlResult {
    config::check_device_name(device);
    if (!policy.empty()) {
      config::check_policy_name(policy);
      policies::policy_named(policy);  // UnknownPolicy lists the known ones
    }
    if (plan() == nullptr) return not_ready();
    if (plan()->discovery->inventory.nic(std::string(device)) == nullptr)
      return ControlError{ControlErrc::kNotFound,
                          fmt::format("device '{}': no such network device", device)};
    Overrides o = store_.get();
    if (policy.empty())
      o.device_policies.erase(std::string(device));
    else
      o.device_policies[std::string(device)] = std::string(policy);
    return commit(std::move(o), policy.empty() ? fmt::format("{}: back to the default policy", device)
                                               : fmt::format("{}: policy {}", device, policy));
  });
}

ControlResult Control::set_device_napi(std::string_view device,
                                       const std::map<std::string, std::string>& settings) {
  return guarded([&]() -> ControlResult {
    config::check_device_name(device);
    const std::string dev(device);
    if (settings.empty())
      return ControlError{ControlErrc::kInvalidArgument,
                          fmt::format("device '{}': no NAPI setting given", dev)};
    Overrides o = store_.get();
    config::DevicePatch p = o.device_napi[dev];
    std::vector<std::string> set, dropped;
    for (const auto& [name, value] : settings) {
      if (config::is_napi_default(value)) {
        config::clear_napi_setting(p, name);
        dropped.push_back(name);
      } else {
        config::set_napi_setting(p, name, value);
        set.push_back(name);
      }
    }
    if (!set.empty()) {
      if (plan() == nullptr) return not_ready();
      if (plan()->discovery->inventory.nic(dev) == nullptr)
        return ControlError{ControlErrc::kNotFound,
                            fmt::format("device '{}': no such network device", dev)};
    }
    const auto now = config::napi_settings(p);
    std::vector<std::string> shown;
    for (const auto& name : set) shown.push_back(name + "=" + now.at(name));
    if (now.empty())
      o.device_napi.erase(dev);
    else
      o.device_napi[dev] = p;
    std::string what = fmt::format("{}: NAPI", dev);
    if (!shown.empty()) what += fmt::format(" {}", fmt::join(shown, " "));
    if (!dropped.empty())
      what += fmt::format("{} back to the configuration: {}", shown.empty() ? "" : ";",
                          fmt::join(dropped, ", "));
    return commit(std::move(o), what);
  });
}

ControlResult Control::ban_cpus(std::string_view cpus) {
  return guarded([&]() -> ControlResult {
    if (plan() == nullptr) return not_ready();
    const auto& machine = *plan()->machine;
    sysfs::CpuSet set = config::parse_cpus_arg(cpus, machine.online);
    Overrides o = store_.get();
    o.banned_cpus |= set;
    config::Config eff = daemon_.config();
    apply_overrides(o, eff);
    sysfs::CpuSet usable = policies::usable_cpus(machine, eff);  // the policies' own rule
    if (usable.empty())
      return ControlError{
          ControlErrc::kInvalidArgument,
          fmt::format("cpulist '{}': banning it would leave no usable CPU (online {}, banned {})",
                      set.to_list(), machine.online.to_list(), eff.banned_cpus.to_list())};
    std::string now = o.banned_cpus.to_list();
    return commit(std::move(o), fmt::format("CPUs {} banned (run-time bans now {})", set.to_list(), now));
  });
}

ControlResult Control::unban_cpus(std::string_view cpus) {
  return guarded([&]() -> ControlResult {
    sysfs::CpuSet set = config::parse_cpus_arg(cpus);
    Overrides o = store_.get();
    if (!set.intersects(o.banned_cpus))
      return ControlError{ControlErrc::kNotFound,
                          fmt::format("CPUs {} are not banned at run time (run-time bans: '{}'; "
                                      "configured bans stay)",
                                      set.to_list(), o.banned_cpus.to_list())};
    std::string gone = (set & o.banned_cpus).to_list();
    o.banned_cpus = o.banned_cpus - set;
    return commit(std::move(o), fmt::format("CPUs {} unbanned", gone));
  });
}

ControlResult Control::rebalance() {
  spdlog::info("control: rebalance: a cycle now, cooldowns ended");
  daemon_.end_cooldowns();
  cycle_requested_ = true;
  return std::nullopt;
}

ControlResult Control::reload() {
  std::string error = daemon_.reload();
  cycle_requested_ = true;  // re-discovered: plan again either way
  if (!error.empty())
    return ControlError{ControlErrc::kInvalidArgument,
                        "the configuration was refused; the previous one stays in force: " + error};
  return std::nullopt;
}

ControlResult Control::explain_irq(std::uint32_t irq, IrqExplanation& out) const {
  if (plan() == nullptr) return not_ready();
  std::optional<IrqExplanation> e;
  if (irq <= static_cast<std::uint32_t>(std::numeric_limits<int>::max()))
    e = irqd::explain_irq(daemon_, store_.get(), static_cast<int>(irq));
  if (!e) return ControlError{ControlErrc::kNotFound, fmt::format("IRQ {}: no such IRQ", irq)};
  out = std::move(*e);
  return std::nullopt;
}

Snapshot Control::snapshot() const {
  return Snapshot{daemon_.last_report(), daemon_.last_plan(), daemon_.load(),   daemon_.unchangeable(),
                  store_.get(),          daemon_.options(),   daemon_.cycles(), daemon_.read_back()};
}

std::unique_ptr<PlanResult> Control::preview() const {
  // A dry run of now: the knobs are read afresh (someone else may have changed one since the last
  // cycle), the machine model and the measured load are the daemon's.
  const PlanResult* last = plan();
  return plan_once(daemon_.options().engine, daemon_.effective_config(),
                   last != nullptr ? last->machine.get() : nullptr, daemon_.plan_load());
}

}  // namespace irqd
