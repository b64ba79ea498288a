// Overrides: overlay onto the configuration, the JSON state file and its store.
#include "irqd/daemon/overrides.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <ctime>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

#include "config/arguments.hpp"
#include "config/napi_settings.hpp"
#include "irqd/engine/atomic_file.hpp"

namespace irqd {

namespace fs = std::filesystem;
using nlohmann::json;

// A state file larger than this is not one irqd wrote (thousands of pins fit in far less).
constexpr std::uintmax_t kMaxStateFile = 4u << 20;

bool Overrides::empty() const {
  return irq_pins.empty() && queue_pins.empty() && banned_cpus.empty() && device_policies.empty() &&
         device_napi.empty();
}

void apply_overrides(const Overrides& o, config::Config& cfg) {
  for (const auto& [irq, cpus] : o.irq_pins) cfg.irq_pins[irq] = cpus;
  for (const auto& [key, cpus] : o.queue_pins) cfg.queue_pins[key] = cpus;
  cfg.banned_cpus |= o.banned_cpus;
  for (const auto& [dev, policy] : o.device_policies) {
    // A device without settings of its own starts from the defaults, as Config::device() would.
    auto it = cfg.devices.try_emplace(dev, cfg.device_defaults).first;
    it->second.policy = policy;
  }
  for (const auto& [dev, napi] : o.device_napi) cfg.device_overrides[dev] = napi;
}

std::string serialize_overrides(const Overrides& o) {
  json irqs = json::array(), queues = json::array(), policies = json::array();
  for (const auto& [irq, cpus] : o.irq_pins)
    irqs.push_back({{"irq", irq}, {"cpus", cpus.to_list()}});
  for (const auto& [k, cpus] : o.queue_pins)
    queues.push_back(
        {{"device", k.device}, {"queue", config::queue_name(k.rx, k.index)}, {"cpus", cpus.to_list()}});
  for (const auto& [dev, p] : o.device_policies)
    policies.push_back({{"device", dev}, {"policy", p}});
  json j = {{"schema", 1},
            {"irq_pins", irqs},
            {"queue_pins", queues},
            {"banned_cpus", o.banned_cpus.to_list()},
            {"device_policies", policies}};
  if (!o.device_napi.empty()) {
    json napi = json::array();
    for (const auto& [dev, p] : o.device_napi)
      napi.push_back({{"device", dev}, {"settings", config::napi_settings(p)}});
    j["device_napi"] = napi;
  }
  return j.dump(2) + "\n";
}

namespace {
const json& member(const json& obj, const char* key, const std::string& where) {
  if (!obj.contains(key))
    throw std::invalid_argument(fmt::format("{}: '{}' is missing", where, key));
  return obj.at(key);
}

std::string string_member(const json& obj, const char* key, const std::string& where) {
  const json& v = member(obj, key, where);
  if (!v.is_string())
    throw std::invalid_argument(fmt::format("{}: '{}' is not a string", where, key));
  return v.get<std::string>();
}

// Each entry of a list is an object with exactly `keys`.
const json& entries(const json& a, const char* list, std::initializer_list<const char*> keys) {
  if (!a.is_array()) throw std::invalid_argument(fmt::format("'{}' is not a list", list));
  for (std::size_t i = 0; i < a.size(); ++i) {
    std::string where = fmt::format("{}[{}]", list, i);
    if (!a[i].is_object()) throw std::invalid_argument(where + ": not an object");
    for (const auto& [k, v] : a[i].items())
      if (std::find_if(keys.begin(), keys.end(), [&k = k](const char* x) { return k == x; }) ==
          keys.end())
        throw std::invalid_argument(fmt::format("{}: unknown key '{}'", where, k));
  }
  return a;
}

// Wraps an argument parser's error with where in the file it happened.
template <typename F>
auto at(const std::string& where, F f) {
  try {
    return f();
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(fmt::format("{}: {}", where, e.what()));
  }
}
// A "device" member: a string that is a network interface name.
std::string device_member(const json& obj, const std::string& where) {
  std::string dev = string_member(obj, "device", where);
  at(where, [&] {
    config::check_device_name(dev);
    return 0;
  });
  return dev;
}

// "device_napi": optional (files from before NAPI overrides lack it), each entry a device and a
// non-empty object of settings, every value a string as SetDeviceNapi takes it.
std::map<std::string, config::DevicePatch> parse_device_napi(const json& list) {
  std::map<std::string, config::DevicePatch> out;
  const json& napi = entries(list, "device_napi", {"device", "settings"});
  for (std::size_t i = 0; i < napi.size(); ++i) {
    std::string where = fmt::format("device_napi[{}]", i);
    std::string dev = device_member(napi[i], where);
    const json& settings = member(napi[i], "settings", where);
    if (!settings.is_object()) throw std::invalid_argument(where + ": 'settings' is not an object");
    if (settings.empty()) throw std::invalid_argument(where + ": no settings");
    config::DevicePatch p;
    for (const auto& [name, v] : settings.items()) {
      std::string value = string_member(settings, name.c_str(), where);
      at(where, [&, &name = name] {
        config::set_napi_setting(p, name, value);
        return 0;
      });
    }
    if (!out.emplace(dev, p).second)
      throw std::invalid_argument(fmt::format("{}: device {} is listed twice", where, dev));
  }
  return out;
}
}  // namespace

Overrides parse_overrides(std::string_view text) {
  json j = json::parse(text.begin(), text.end(), nullptr, false);
  if (j.is_discarded()) throw std::invalid_argument("not valid JSON");
  if (!j.is_object()) throw std::invalid_argument("not a JSON object");
  // is_number_integer first: get<int>() on 1e22 or 1.5 would convert (UB / silently).
  const json& schema = member(j, "schema", "file");
  if (!schema.is_number_integer() || schema != 1)
    throw std::invalid_argument("not an irqd overrides file (schema 1)");
  for (const auto& [k, v] : j.items())
    if (k != "schema" && k != "irq_pins" && k != "queue_pins" && k != "banned_cpus" &&
        k != "device_policies" && k != "device_napi")
      throw std::invalid_argument(fmt::format("unknown key '{}'", k));
  Overrides o;
  const json& irqs = entries(member(j, "irq_pins", "file"), "irq_pins", {"irq", "cpus"});
  for (std::size_t i = 0; i < irqs.size(); ++i) {
    std::string where = fmt::format("irq_pins[{}]", i);
    const json& n = member(irqs[i], "irq", where);
    if (!n.is_number_integer() || n.get<long long>() < 0 ||
        n.get<long long>() > std::numeric_limits<int>::max())
      throw std::invalid_argument(where + ": 'irq' is not an IRQ number");
    int irq = static_cast<int>(n.get<long long>());
    if (o.irq_pins.count(irq))
      throw std::invalid_argument(fmt::format("{}: IRQ {} pinned twice", where, irq));
    o.irq_pins[irq] =
        at(where, [&] { return config::parse_cpus_arg(string_member(irqs[i], "cpus", where)); });
  }
  const json& queues =
      entries(member(j, "queue_pins", "file"), "queue_pins", {"device", "queue", "cpus"});
  for (std::size_t i = 0; i < queues.size(); ++i) {
    std::string where = fmt::format("queue_pins[{}]", i);
    std::string dev = device_member(queues[i], where);
    config::QueueName q =
        at(where, [&] { return config::parse_queue_name(string_member(queues[i], "queue", where)); });
    config::QueueKey key{dev, q.rx, q.index};
    if (o.queue_pins.count(key))
      throw std::invalid_argument(
          fmt::format("{}: {} {} pinned twice", where, dev, config::queue_name(q.rx, q.index)));
    o.queue_pins[key] =
        at(where, [&] { return config::parse_cpus_arg(string_member(queues[i], "cpus", where)); });
  }
  std::string banned = string_member(j, "banned_cpus", "file");
  if (!banned.empty()) o.banned_cpus = at("banned_cpus", [&] { return config::parse_cpus_arg(banned); });
  const json& pols =
      entries(member(j, "device_policies", "file"), "device_policies", {"device", "policy"});
  for (std::size_t i = 0; i < pols.size(); ++i) {
    std::string where = fmt::format("device_policies[{}]", i);
    std::string dev = device_member(pols[i], where);
    std::string policy = string_member(pols[i], "policy", where);
    at(where, [&] {
      config::check_policy_name(policy);
      return 0;
    });
    if (!o.device_policies.emplace(dev, policy).second)
      throw std::invalid_argument(fmt::format("{}: device {} has two policies", where, dev));
  }
  if (j.contains("device_napi")) o.device_napi = parse_device_napi(j.at("device_napi"));
  return o;
}

OverrideStore::OverrideStore(fs::path file) : file_(std::move(file)) {}

std::string OverrideStore::load() {
  overrides_ = Overrides{};
  std::error_code ec;
  if (!fs::exists(file_, ec)) return "";
  std::string problem;
  try {
    auto size = fs::file_size(file_);
    if (size > kMaxStateFile)
      throw std::invalid_argument(fmt::format("larger than {} bytes", kMaxStateFile));
    std::ifstream in(file_, std::ios::binary);
    if (!in) throw std::invalid_argument("cannot be read");
    std::ostringstream ss;
    ss << in.rdbuf();
    overrides_ = parse_overrides(ss.str());
    return "";
  } catch (const std::exception& e) {
    problem = e.what();
  }
  // Keep the bad file for a person to look at, out of the way of the next save.
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
  fs::path aside = file_;
  aside += std::string(".corrupt-") + stamp;
  fs::rename(file_, aside, ec);
  if (ec)
    return fmt::format(
        "{} is corrupt ({}) and could not be moved aside ({}); starting without run-time overrides",
        file_.string(), problem, ec.message());
  return fmt::format("{} is corrupt ({}); moved to {}; starting without run-time overrides",
                     file_.string(), problem, aside.string());
}

void OverrideStore::replace(Overrides o) {
  write_file_atomic(file_, serialize_overrides(o));
  overrides_ = std::move(o);
}

}  // namespace irqd
