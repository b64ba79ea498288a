// The subcommands: argument checks, one or two daemon calls, rendering. Write commands confirm in
// one line (or {"ok":true} with --json) so scripts can rely on the exit code alone.
#include "irqd/irqctl/commands.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <iostream>

#include "config/napi_settings.hpp"
#include "irqd/irqctl/arguments.hpp"
#include "irqd/irqctl/client.hpp"
#include "irqd/irqctl/cpu_nodes.hpp"
#include "irqd/irqctl/errors.hpp"
#include "irqd/irqctl/history_views.hpp"
#include "irqd/irqctl/json_views.hpp"
#include "irqd/irqctl/metrics.hpp"
#include "irqd/irqctl/napi_view.hpp"
#include "irqd/irqctl/policy_view.hpp"
#include "irqd/irqctl/text_views.hpp"
#include "irqd/irqctl/top_frame.hpp"
#include "irqd/irqctl/top_terminal.hpp"

namespace irqd::irqctl {

namespace {
int print(const std::string& text) {
  std::cout << text << std::flush;
  return kExitOk;
}
int print(const nlohmann::ordered_json& j) { return print(j.dump(2) + "\n"); }

// A read command's output: the value as JSON or as text.
template <typename T>
int show(bool json, const T& value, nlohmann::ordered_json (*to_json)(const T&),
         std::string (*to_text)(const T&)) {
  return json ? print(to_json(value)) : print(to_text(value));
}
}  // namespace

Commands::Commands(GlobalOptions options) : options_(std::move(options)) {}
Commands::~Commands() = default;

Client& Commands::client() {
  if (!client_) client_ = std::make_unique<Client>(options_.address, options_.timeout_seconds);
  return *client_;
}

int Commands::done(const std::string& message) {
  return options_.json ? print(nlohmann::ordered_json{{"schema", kJsonSchema}, {"ok", true}})
                       : print(message + "\n");
}

int Commands::status() {
  Status s = client().status();
  Overrides o = client().overrides();
  client().add_config_pins(o);
  s.runtime_irq_pins = static_cast<std::uint32_t>(o.irq_pins.size());
  s.runtime_queue_pins = static_cast<std::uint32_t>(o.queue_pins.size());
  if (o.config_known) {
    s.config_irq_pins = static_cast<std::uint32_t>(o.config_irq_pins.size());
    s.config_queue_pins = static_cast<std::uint32_t>(o.config_queue_pins.size());
  }
  return show(options_.json, s, status_json, status_text);
}

int Commands::config() {
  auto text = client().config();
  if (!text) throw CommandError(kExitFailed, "this irqd does not serve its configuration (no GetConfig)");
  if (options_.json) return print(nlohmann::ordered_json{{"schema", kJsonSchema}, {"config", *text}});
  return print(*text + (text->empty() || text->back() == '\n' ? "" : "\n"));
}

int Commands::irqs() { return show(options_.json, client().irqs(), irqs_json, irqs_text); }

int Commands::devices() {
  return show(options_.json, client().devices(), devices_json, devices_text);
}

int Commands::plan() { return show(options_.json, client().plan(), plan_json, plan_text); }

int Commands::overrides() {
  Overrides o = client().overrides();
  client().add_config_pins(o);
  return show(options_.json, o, overrides_json, overrides_text);
}

int Commands::history(std::int32_t irq, const std::string& device, std::uint32_t limit) {
  if (!device.empty()) check_device_name(device);
  return show(options_.json, client().history(irq, device, limit), history_json, history_text);
}

int Commands::explain(std::uint32_t irq) {
  return show(options_.json, client().explain(irq), explain_json, explain_text);
}

int Commands::pin(std::uint32_t irq, const std::string& cpus) {
  check_cpulist(cpus);
  // The warnings are worked out before the pin (from the plan the pin changes); an older daemon
  // without CheckPin gives none.
  auto warnings = client().check_pin(irq, cpus).value_or(std::vector<std::string>{});
  client().pin_irq(irq, cpus);
  if (options_.json)
    return print(nlohmann::ordered_json{{"schema", kJsonSchema}, {"ok", true}, {"warnings", warnings}});
  return print(pin_text(irq, cpus, warnings));
}

int Commands::unpin(std::uint32_t irq) {
  client().unpin_irq(irq);
  return done(fmt::format("IRQ {} unpinned: the policy places it again from the next cycle", irq));
}

int Commands::pin_queue(const std::string& device, const std::string& queue,
                        const std::string& cpus) {
  check_device_name(device);
  check_queue_name(queue);
  check_cpulist(cpus);
  client().pin_queue(device, queue, cpus);
  const char* knob = queue.rfind("rx-", 0) == 0 ? "rps_cpus" : "xps_cpus";
  return done(
      fmt::format("{} {}: {} pinned to '{}' from the next cycle", device, queue, knob, cpus));
}

int Commands::unpin_queue(const std::string& device, const std::string& queue) {
  check_device_name(device);
  check_queue_name(queue);
  client().unpin_queue(device, queue);
  return done(fmt::format("{} {}: unpinned, the steering policy sets it again", device, queue));
}

int Commands::ban(const std::string& cpus) {
  check_cpulist(cpus);
  client().ban_cpus(cpus);
  return done(
      fmt::format("CPUs {} banned: they leave every placement in the cycle that starts now", cpus));
}

int Commands::unban(const std::string& cpus) {
  check_cpulist(cpus);
  client().unban_cpus(cpus);
  return done(fmt::format("CPUs {} unbanned (bans from the configuration file stay)", cpus));
}

int Commands::policy(const std::string& device, const std::string& name) {
  check_device_name(device);
  if (!name.empty()) check_policy_name(name);  // "" (--reset): back to the configured policy
  client().set_device_policy(device, name);
  return done(name.empty() ? fmt::format("{}: back to the default policy", device)
                           : fmt::format("{}: policy {} from the next cycle", device, name));
}

int Commands::show_policy(const std::string& device) {
  check_device_name(device);
  PolicyView v = policy_view(device, client().devices(), client().overrides(), client().status());
  return options_.json ? print(policy_json(v)) : print(policy_text(v));
}

int Commands::napi(const std::string& device, const std::vector<std::string>& args, bool reset) {
  check_device_name(device);
  if (!reset && args.empty()) {
    auto devices = client().devices();
    auto it = std::find_if(devices.begin(), devices.end(),
                           [&device](const Device& d) { return d.name == device; });
    if (it == devices.end())
      throw CommandError(kExitInvalid, fmt::format("device '{}': no such network device", device));
    std::map<std::string, std::string> run_time;
    for (const auto& d : client().overrides().device_napi)
      if (d.device == device) run_time = d.settings;
    NapiView v = napi_view(*it, run_time);
    return options_.json ? print(napi_json(v)) : print(napi_text(v));
  }
  std::map<std::string, std::string> settings;
  if (reset) {
    for (auto name : config::napi_setting_names()) settings[std::string(name)] = "default";
  } else {
    settings = parse_napi_settings(args);
  }
  client().set_device_napi(device, settings);
  if (reset)
    return done(
        fmt::format("{}: every run-time NAPI setting dropped; [[device]] settings apply "
                    "from the next cycle",
                    device));
  std::string set, dropped;
  for (const auto& [name, value] : settings) {
    if (config::is_napi_default(value))
      dropped += (dropped.empty() ? "" : ", ") + name;
    else
      set += fmt::format("{}{}={}", set.empty() ? "" : " ", name, value);
  }
  std::string message = device + ": NAPI";
  if (!set.empty()) message += " " + set + " from the next cycle";
  if (!dropped.empty())
    message += fmt::format("{} {} back to the configuration", set.empty() ? "" : ";", dropped);
  return done(message);
}

int Commands::rebalance() {
  client().rebalance();
  return done("a cycle runs now");
}

int Commands::reload() {
  client().reload();
  return done("configuration reloaded and devices re-discovered");
}

CpuNodes Commands::topology(const std::string& root) {
  if (auto t = client().topology()) return *t;
  return read_cpu_nodes(sysfs::SysRoot(root));  // a daemon older than GetTopology
}

int Commands::top(const TopArgs& args) {
  CpuNodes nodes = topology(args.root);  // fixed while the daemon runs; a reload may change it
  TopView view = args.view;
  auto fetch = [&] { return std::pair{client().status(), client().irqs()}; };
  if (options_.json) {
    auto [s, irqs] = fetch();
    return print(top_json(s, irqs, nodes, TopOptions{.max_irqs = args.irqs, .view = view}));
  }
  int iterations = args.once ? 1 : args.iterations;
  std::vector<std::string> devices;
  auto frame = [&](int width, int height) {
    auto [s, irqs] = fetch();
    devices = top_devices(irqs);
    bool live = iterations == 0;
    return top_frame(s, irqs, nodes,
                     TopOptions{.width = width,
                                .height = height,
                                .max_irqs = live ? 1000 : args.irqs,  // live: as many as fit
                                .keys_help = live,
                                .view = view});
  };
  if (iterations > 0)
    return run_top_plain(frame, iterations, args.interval_seconds, args.width, args.height);
  auto key = [&](char c) {
    return apply_top_key(view, c, top_nodes(nodes), devices) != KeyAction::kQuit;
  };
  return run_top_live(frame, key, args.interval_seconds);
}

int Commands::metrics(const std::string& root) {
  // The daemon's counters (irqd 0.1 with GetMetrics); an older one's state as gauges, built here.
  if (auto text = client().metrics()) return print(*text);
  auto s = client().status();
  auto irqs = client().irqs();
  return print(metrics_text(s, irqs, topology(root)));
}

}  // namespace irqd::irqctl
