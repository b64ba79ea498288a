// Client implementation over the generated proxy (irqd1_proxy.h, sdbus-c++ 1.2). Calls are
// synchronous on this thread; irqctl never runs an event loop (it does not listen to signals).
#include "irqd/irqctl/client.hpp"

#include <sdbus-c++/sdbus-c++.h>

#include <chrono>
#include <cstdlib>
#include <utility>

#include "irqd/dbus/names.hpp"
#include "irqd/irqctl/errors.hpp"
#include "irqd1_proxy.h"

namespace irqd::irqctl {

namespace {
using dbus::kBusName;
using dbus::kObjectPath;

class Proxy final : public sdbus::ProxyInterfaces<io::github::irqd::Irqd1_proxy> {
 public:
  explicit Proxy(sdbus::IConnection& connection)
      : ProxyInterfaces(connection, kBusName, kObjectPath) {
    registerProxy();
  }
  ~Proxy() { unregisterProxy(); }
  Proxy(const Proxy&) = delete;
  Proxy& operator=(const Proxy&) = delete;

 private:
  void onCycleCompleted(const std::uint64_t&, const std::uint32_t&, const std::uint32_t&,
                        const std::uint32_t&) override {}
  void onDevicesChanged(const std::vector<std::string>&) override {}
};

// A text field of a record's trailing map; "" when the daemon did not send it (or sent another type).
std::string text(const std::map<std::string, sdbus::Variant>& more, const char* key) {
  auto it = more.find(key);
  if (it == more.end() || !it->second.containsValueOfType<std::string>()) return "";
  return it->second.get<std::string>();
}

// A field of another type; nullopt when absent or of a different type.
template <typename T>
std::optional<T> value(const std::map<std::string, sdbus::Variant>& more, const char* key) {
  auto it = more.find(key);
  if (it == more.end() || !it->second.containsValueOfType<T>()) return std::nullopt;
  return it->second.get<T>();
}

// A NAPI from its record's fields (a queue's a{sv}, or one of the device's "napis").
Napi napi_of(const std::map<std::string, sdbus::Variant>& more) {
  return Napi{.id = value<std::int32_t>(more, "napi_id").value_or(-1),
              .irq = value<std::int32_t>(more, "napi_irq").value_or(-1),
              .defer_hard_irqs = value<std::uint64_t>(more, "napi_defer_hard_irqs"),
              .gro_flush_timeout = value<std::uint64_t>(more, "napi_gro_flush_timeout"),
              .irq_suspend_timeout = value<std::uint64_t>(more, "napi_irq_suspend_timeout"),
              .threaded = value<bool>(more, "napi_threaded"),
              .thread_pid = value<std::int32_t>(more, "napi_thread_pid").value_or(-1),
              .thread_cpus = text(more, "napi_thread_cpus")};
}

[[noreturn]] void rethrow(const sdbus::Error& e) {
  throw CommandError(exit_code_for_dbus_error(e.getName()),
                     describe_dbus_error(e.getName(), e.getMessage()));
}

// Runs one proxy call, turning sdbus errors into CommandError.
template <typename Fn>
auto call(Fn&& fn) -> decltype(fn()) {
  try {
    return fn();
  } catch (const sdbus::Error& e) {
    rethrow(e);
  }
}
// Converts every D-Bus record of a reply with `fn`.
template <typename Row, typename Fn>
auto convert_all(const std::vector<Row>& rows, Fn fn) {
  std::vector<decltype(fn(rows.front()))> out;
  out.reserve(rows.size());
  for (const auto& r : rows) out.push_back(fn(r));
  return out;
}
using More = std::map<std::string, sdbus::Variant>;
using HistoryRow = sdbus::Struct<std::uint64_t, std::uint64_t, std::string, std::string, std::int32_t,
                                 std::string, std::string, std::string, std::string, std::string, bool,
                                 std::string, More>;

HistoryEntry history_entry(const HistoryRow& r) {
  const More& more = r.get<12>();
  return HistoryEntry{.time_usec = r.get<0>(),
                      .cycle = r.get<1>(),
                      .kind = r.get<2>(),
                      .subject = r.get<3>(),
                      .irq = r.get<4>(),
                      .device = r.get<5>(),
                      .queue = r.get<6>(),
                      .old_value = r.get<7>(),
                      .new_value = r.get<8>(),
                      .reason = r.get<9>(),
                      .ok = r.get<10>(),
                      .error = r.get<11>(),
                      .load_source = text(more, "load_source"),
                      .cost = value<double>(more, "cost_seconds_per_second"),
                      .rate = value<double>(more, "rate_per_second")};
}
}  // namespace

struct Client::Impl {
  std::unique_ptr<sdbus::IConnection> connection;
  std::unique_ptr<Proxy> proxy;
};

Client::Client(const std::string& address, double timeout_seconds)
    : impl_(std::make_unique<Impl>()) {
  // sd-bus reads the system bus address from this variable; --address only overrides it here.
  if (!address.empty()) ::setenv("DBUS_SYSTEM_BUS_ADDRESS", address.c_str(), 1);
  try {
    impl_->connection = sdbus::createSystemBusConnection();
    impl_->connection->setMethodCallTimeout(std::chrono::duration_cast<std::chrono::microseconds>(
        std::chrono::duration<double>(timeout_seconds)));
    impl_->proxy = std::make_unique<Proxy>(*impl_->connection);
  } catch (const sdbus::Error& e) {
    const char* env = std::getenv("DBUS_SYSTEM_BUS_ADDRESS");
    throw CommandError(kExitUnreachable,
                       "cannot connect to the system bus" +
                           (env ? " at '" + std::string(env) + "'" : std::string()) + ": " +
                           e.getMessage() + " (" + e.getName() + ")");
  }
}

Client::~Client() = default;

Status Client::status() {
  auto s = call([&] { return impl_->proxy->GetStatus(); });
  return Status{.version = s.get<0>(),
                .policy = s.get<1>(),
                .interval_seconds = s.get<2>(),
                .cycles = s.get<3>(),
                .last_cycle_ms = s.get<4>(),
                .placed = s.get<5>(),
                .unchangeable = s.get<6>(),
                .failed = s.get<7>(),
                .last_error = s.get<8>(),
                .dry_run = s.get<9>(),
                .uptime_seconds = value<double>(s.get<10>(), "uptime_seconds"),
                .config_files = value<std::vector<std::string>>(s.get<10>(), "config_files")
                                    .value_or(std::vector<std::string>{}),
                .usable_cpus = value<std::string>(s.get<10>(), "usable_cpus"),
                .banned_config = text(s.get<10>(), "banned_cpus_config"),
                .banned_runtime = text(s.get<10>(), "banned_cpus_runtime"),
                .last_change_usec = value<std::uint64_t>(s.get<10>(), "last_change_usec"),
                .last_change = text(s.get<10>(), "last_change"),
                .other_irqs = text(s.get<10>(), "other_irqs"),
                .config_irq_pins = std::nullopt,
                .config_queue_pins = std::nullopt,
                .runtime_irq_pins = std::nullopt,
                .runtime_queue_pins = std::nullopt};
}

void Client::add_config_pins(Overrides& o) {
  auto more = call([&] { return impl_->proxy->GetStatus(); }).get<10>();
  auto irq_pins = value<std::map<std::uint32_t, std::string>>(more, "config_irq_pins");
  using QueueRows = std::vector<sdbus::Struct<std::string, std::string, std::string>>;
  auto queue_pins = value<QueueRows>(more, "config_queue_pins");
  if (!irq_pins || !queue_pins) return;  // an older daemon: only the run-time ones are known
  o.config_known = true;
  for (const auto& [irq, cpus] : *irq_pins) o.config_irq_pins.push_back({irq, cpus});
  for (const auto& p : *queue_pins) o.config_queue_pins.push_back({p.get<0>(), p.get<1>(), p.get<2>()});
  o.config_banned_cpus = text(more, "banned_cpus_config");
}

std::optional<std::string> Client::config() {
  try {
    return impl_->proxy->GetConfig();
  } catch (const sdbus::Error& e) {
    if (e.getName() == "org.freedesktop.DBus.Error.UnknownMethod") return std::nullopt;
    rethrow(e);
  }
}

std::optional<std::vector<std::string>> Client::check_pin(std::uint32_t irq,
                                                          const std::string& cpus) {
  try {
    return impl_->proxy->CheckPin(irq, cpus);
  } catch (const sdbus::Error& e) {
    if (e.getName() == "org.freedesktop.DBus.Error.UnknownMethod") return std::nullopt;
    rethrow(e);
  }
}

std::vector<Irq> Client::irqs() {
  return convert_all(call([&] { return impl_->proxy->ListIrqs(); }), [](const auto& r) {
    return Irq{.number = r.template get<0>(),
               .name = r.template get<1>(),
               .device = r.template get<2>(),
               .queue = r.template get<3>(),
               .irq_class = r.template get<4>(),
               .numa_node = r.template get<5>(),
               .current = r.template get<6>(),
               .planned = r.template get<7>(),
               .effective_cpu = r.template get<8>(),
               .rate = r.template get<9>(),
               .cost = r.template get<10>(),
               .share = r.template get<11>(),
               .pinned = r.template get<12>(),
               .managed = r.template get<13>(),
               .reason = text(r.template get<14>(), "reason"),
               .load_source = text(r.template get<14>(), "load_source"),
               .rps_cost = value<double>(r.template get<14>(), "rps_cost").value_or(0.0)};
  });
}

std::vector<Device> Client::devices() {
  return convert_all(call([&] { return impl_->proxy->ListDevices(); }), [](const auto& r) {
    Device d{.name = r.template get<0>(),
             .driver = r.template get<1>(),
             .pci = r.template get<2>(),
             .numa_node = r.template get<3>(),
             .rx_queues = r.template get<4>(),
             .tx_queues = r.template get<5>(),
             .policy = r.template get<6>(),
             .queues = {},
             .numa_source = text(r.template get<8>(), "numa_source"),
             .napi_settings =
                 value<std::map<std::string, std::string>>(r.template get<8>(), "napi_settings")
                     .value_or(std::map<std::string, std::string>{}),
             .napis = {}};
    using Records = std::vector<std::map<std::string, sdbus::Variant>>;
    for (const auto& n : value<Records>(r.template get<8>(), "napis").value_or(Records{}))
      d.napis.push_back(napi_of(n));
    d.queues = convert_all(r.template get<7>(), [](const auto& q) {
      return Queue{.name = q.template get<0>(),
                   .irq = q.template get<1>(),
                   .rps_cpus = q.template get<2>(),
                   .rps_flow_cnt = q.template get<3>(),
                   .xps_cpus = q.template get<4>(),
                   .xps_rxqs = q.template get<5>(),
                   .napi = napi_of(q.template get<6>())};
    });
    return d;
  });
}

std::vector<Change> Client::plan() {
  return convert_all(call([&] { return impl_->proxy->GetPlan(); }), [](const auto& r) {
    return Change{.kind = r.template get<0>(),
                  .subject = r.template get<1>(),
                  .path = r.template get<2>(),
                  .current = r.template get<3>(),
                  .planned = r.template get<4>(),
                  .reason = text(r.template get<5>(), "reason")};
  });
}

Overrides Client::overrides() {
  auto [irq_pins, queue_pins, banned, policies] =
      call([&] { return impl_->proxy->GetOverrides(); });
  Overrides o;
  o.banned_cpus = banned;
  for (const auto& p : irq_pins) o.irq_pins.push_back({p.get<0>(), p.get<1>()});
  for (const auto& p : queue_pins) o.queue_pins.push_back({p.get<0>(), p.get<1>(), p.get<2>()});
  for (const auto& p : policies) o.device_policies.push_back({p.get<0>(), p.get<1>()});
  // An irqd from before NAPI overrides has no such method, and so no NAPI overrides.
  try {
    for (const auto& d : impl_->proxy->GetNapiOverrides())
      o.device_napi.push_back({d.get<0>(), d.get<1>()});
  } catch (const sdbus::Error& e) {
    if (e.getName() != "org.freedesktop.DBus.Error.UnknownMethod") rethrow(e);
  }
  return o;
}

std::optional<std::string> Client::metrics() {
  try {
    return impl_->proxy->GetMetrics();
  } catch (const sdbus::Error& e) {
    if (e.getName() != "org.freedesktop.DBus.Error.UnknownMethod") rethrow(e);
  }
  return std::nullopt;
}

void Client::pin_irq(std::uint32_t irq, const std::string& cpus) {
  call([&] { impl_->proxy->PinIrq(irq, cpus); });
}
void Client::unpin_irq(std::uint32_t irq) {
  call([&] { impl_->proxy->UnpinIrq(irq); });
}
void Client::pin_queue(const std::string& device, const std::string& queue,
                       const std::string& cpus) {
  call([&] { impl_->proxy->PinQueue(device, queue, cpus); });
}
void Client::unpin_queue(const std::string& device, const std::string& queue) {
  call([&] { impl_->proxy->UnpinQueue(device, queue); });
}
void Client::set_device_policy(const std::string& device, const std::string& policy) {
  call([&] { impl_->proxy->SetDevicePolicy(device, policy); });
}
void Client::set_device_napi(const std::string& device,
                             const std::map<std::string, std::string>& settings) {
  call([&] { impl_->proxy->SetDeviceNapi(device, settings); });
}
void Client::ban_cpus(const std::string& cpus) {
  call([&] { impl_->proxy->BanCpus(cpus); });
}
void Client::unban_cpus(const std::string& cpus) {
  call([&] { impl_->proxy->UnbanCpus(cpus); });
}
void Client::rebalance() {
  call([&] { impl_->proxy->Rebalance(); });
}
void Client::reload() {
  call([&] { impl_->proxy->Reload(); });
}

std::optional<CpuNodes> Client::topology() {
  std::vector<sdbus::Struct<std::int32_t, std::int32_t, std::int32_t,
                            std::map<std::string, sdbus::Variant>>>
      rows;
  try {
    rows = impl_->proxy->GetTopology();
  } catch (const sdbus::Error& e) {
    if (e.getName() == "org.freedesktop.DBus.Error.UnknownMethod") return std::nullopt;
    rethrow(e);
  }
  CpuNodes out;
  for (const auto& r : rows) {
    out.online.push_back(r.get<0>());
    if (r.get<1>() >= 0) out.node_of[r.get<0>()] = r.get<1>();
    if (r.get<2>() >= 0) out.core_of[r.get<0>()] = r.get<2>();
  }
  return out;
}

std::vector<HistoryEntry> Client::history(std::int32_t irq, const std::string& device, std::uint32_t limit) {
  More filter;
  if (irq >= 0) filter["irq"] = sdbus::Variant(static_cast<std::uint32_t>(irq));
  if (!device.empty()) filter["device"] = sdbus::Variant(device);
  if (limit > 0) filter["limit"] = sdbus::Variant(limit);
  auto rows = call([&] { return impl_->proxy->GetHistory(filter); });
  return convert_all(rows, [](const auto& r) { return history_entry(r); });
}

Explanation Client::explain(std::uint32_t irq) {
  More m = call([&] { return impl_->proxy->ExplainIrq(irq); });
  Explanation e;
  e.irq = value<std::uint32_t>(m, "irq").value_or(irq);
  e.name = text(m, "name");
  e.device = text(m, "device");
  e.queue = text(m, "queue");
  e.current = text(m, "current_affinity");
  e.effective = text(m, "effective_affinity");
  e.planned = text(m, "planned_affinity");
  e.reason = text(m, "reason");
  e.policy = text(m, "policy");
  e.load_source = text(m, "load_source");
  e.cost = value<double>(m, "cost_seconds_per_second");
  e.rate = value<double>(m, "rate_per_second");
  e.rps = value<double>(m, "rps_seconds_per_second");
  e.nic_node = value<std::int32_t>(m, "nic_numa_node").value_or(-1);
  e.nic_local_cpus = text(m, "nic_local_cpus");
  e.banned_config = text(m, "banned_cpus_config");
  e.banned_runtime = text(m, "banned_cpus_runtime");
  e.isolated = text(m, "isolated_cpus");
  e.pin = text(m, "pin");
  e.pin_source = text(m, "pin_source");
  e.managed = value<bool>(m, "managed").value_or(false);
  e.cycles_since_move = value<std::int32_t>(m, "cycles_since_move").value_or(-1);
  e.cooldown_cycles = value<std::int32_t>(m, "cooldown_cycles").value_or(0);
  e.cooldown_left = value<std::int32_t>(m, "cooldown_left").value_or(0);
  e.moved_from = value<std::int32_t>(m, "moved_from_cpu").value_or(-1);
  if (auto h = value<std::vector<HistoryRow>>(m, "history"))
    e.history = convert_all(*h, [](const auto& r) { return history_entry(r); });
  return e;
}

}  // namespace irqd::irqctl
