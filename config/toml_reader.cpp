// TOML document -> Config, with validation (see toml_reader.hpp).
#include "config/toml_reader.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>

#include <fmt/format.h>
#include <toml++/toml.h>

#include "config/cpu_spec.hpp"
#include "config/rules.hpp"
#include "config/schema.hpp"
#include "config/toml_safe_text.hpp"
#include "sysfs/net_devices.hpp"

namespace irqd::config {

namespace {

const char* type_name(toml::node_type t) {
  switch (t) {
    case toml::node_type::table: return "a table";
    case toml::node_type::array: return "an array";
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a float";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::date: return "a date";
    case toml::node_type::time: return "a time";
    case toml::node_type::date_time: return "a date-time";
    default: return "nothing";
  }
}

bool is_glob(std::string_view s) { return s.find_first_of("*?[") != std::string_view::npos; }

bool is_mac(std::string_view s) {
  // Hex byte pairs separated by ':' (6 bytes for Ethernet, 20 for InfiniBand; 6 to 32).
  if (s.size() < 6 * 3 - 1 || s.size() > 32 * 3 - 1 || (s.size() + 1) % 3 != 0) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    if (i % 3 == 2 ? c != ':' : !hex) return false;
  }
  return true;
}

std::string join(const std::vector<std::string_view>& v) {
  std::string out;
  for (auto s : v) out += (out.empty() ? "" : ", ") + std::string(s);
  return out;
}

// One document's reader: knows the file and where to put results.
class Reader {
 public:
  Reader(const std::string& file, const ReadOptions& opts, LoadResult& r) : file_(file), opts_(opts), r_(r) {}

  void document(const toml::table& root) {
    for (auto&& [k, v] : root) {
      std::string_view name = k.str();
      if (name == "daemon" || name == "balance" || name == "metrics") {
        if (const auto* t = v.as_table()) {
          section(*t, name);
        } else {
          wrong(v, std::string(name), fmt::format("a table [{}]", name));
        }
      } else if (name == "device" || name == "irq") {
        const auto* arr = v.as_array();
        if (!arr || !arr->is_array_of_tables()) {
          wrong(v, std::string(name), fmt::format("an array of tables [[{}]]", name));
          continue;
        }
        for (const auto& item : *arr) {
          if (name == "device")
            device(*item.as_table());
          else
            irq(*item.as_table());
        }
      } else {
        unknown(k, "", name, known_sections());
      }
    }
  }

 private:
  SourceLocation at(const toml::source_region& s) const {
    return {file_, static_cast<int>(s.begin.line), static_cast<int>(s.begin.column)};
  }
  void error(const toml::node& n, const std::string& key, std::string message) {
    r_.add(at(n.source()), key, std::move(message));
  }
  void wrong(const toml::node& n, const std::string& key, std::string_view expected) {
    error(n, key, fmt::format("is {} (expected {})", type_name(n.type()), expected));
  }
  void unknown(const toml::key& k, std::string_view section, std::string_view name,
               const std::vector<std::string_view>& candidates) {
    std::string full = section.empty() ? std::string(name) : fmt::format("{}.{}", section, name);
    std::string guess = suggest(name, candidates);
    r_.add(at(k.source()), full,
           guess.empty() ? fmt::format("unknown key (expected one of: {})", join(candidates))
                         : fmt::format("unknown key (did you mean '{}'?)", guess));
  }
  static std::vector<std::string_view> keys_of(std::string_view section) {
    std::vector<std::string_view> out;
    for (const auto& k : known_keys())
      if (k.section == section) out.push_back(k.key);
    return out;
  }

  // Typed getters: nullopt (with an error recorded) when the value does not fit.
  std::optional<bool> boolean(const toml::node& n, const std::string& key) {
    if (auto v = n.value_exact<bool>()) return v;
    wrong(n, key, "true or false");
    return std::nullopt;
  }
  std::optional<std::string> string(const toml::node& n, const std::string& key, std::string_view expected) {
    if (const auto* s = n.as_string()) {
      const std::string& v = s->get();
      if (std::any_of(v.begin(), v.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; })) {
        error(n, key, fmt::format("holds non-ASCII characters (expected {} in ASCII)", expected));
        return std::nullopt;
      }
      if (!v.empty() && v.find('\0') == std::string::npos) return v;
      error(n, key, fmt::format("is empty or holds a NUL character (expected {})", expected));
      return std::nullopt;
    }
    wrong(n, key, expected);
    return std::nullopt;
  }
  std::optional<double> real(const toml::node& n, const std::string& key, double lo, double hi,
                             std::string_view expected) {
    std::optional<double> v;
    if (const auto* f = n.as_floating_point()) v = f->get();
    if (const auto* i = n.as_integer()) v = static_cast<double>(i->get());
    if (!v) {
      wrong(n, key, expected);
      return std::nullopt;
    }
    if (!std::isfinite(*v) || *v < lo || *v > hi) {
      error(n, key, fmt::format("{} is out of range (expected {})", *v, expected));
      return std::nullopt;
    }
    return v;
  }
  std::optional<long> integer(const toml::node& n, const std::string& key, long lo, long hi,
                              std::string_view expected) {
    const auto* i = n.as_integer();
    if (!i) {
      wrong(n, key, expected);
      return std::nullopt;
    }
    if (i->get() < lo || i->get() > hi) {
      error(n, key, fmt::format("{} is out of range (expected {})", i->get(), expected));
      return std::nullopt;
    }
    return static_cast<long>(i->get());
  }
  // banned_cpus and allowed_cpus (`words`) take topology words too (config/cpu_spec.hpp): checked
  // here, resolved with the machine (resolve_cpu_specs); the set returned stands in until then.
  std::optional<sysfs::CpuSet> cpulist(const toml::node& n, const std::string& key, bool allow_empty,
                                       bool words = false) {
    const std::string expected = words ? fmt::format("{}{}", allow_empty ? "" : "a non-empty value: ", kCpuSpecGrammar)
                                 : allow_empty ? R"(a cpulist string such as "0-3,8")"
                                               : R"(a non-empty cpulist string such as "0-3,8")";
    const auto* s = n.as_string();
    if (!s) {
      wrong(n, key, expected);
      return std::nullopt;
    }
    try {
      if (words && has_topology_words(s->get())) {
        check_cpu_spec(s->get());
        const int rule = key == "device.allowed_cpus" ? static_cast<int>(r_.config.device_rules.size()) : -1;
        r_.cpu_specs.push_back({at(n.source()), key, s->get(), rule});
        return sysfs::CpuSet();
      }
      auto set = sysfs::CpuSet::parse_list(s->get());
      if (set.empty() && !allow_empty) {
        error(n, key, fmt::format("is empty (expected {})", expected));
        return std::nullopt;
      }
      r_.cpu_refs.push_back({at(n.source()), key, set, words});
      return set;
    } catch (const std::invalid_argument& e) {
      error(n, key, fmt::format("{} (expected {})", e.what(), expected));
      return std::nullopt;
    }
  }
  // An array of interface names or globs.
  std::optional<std::vector<std::string>> globs(const toml::node& n, const std::string& key, std::string_view expected) {
    const auto* a = n.as_array();
    if (!a) {
      wrong(n, key, expected);
      return std::nullopt;
    }
    std::vector<std::string> out;
    for (const auto& item : *a) {
      auto v = string(item, key, expected);
      if (!v) return std::nullopt;
      out.push_back(*v);
    }
    return out;
  }
  std::optional<std::string> policy(const toml::node& n, const std::string& key) {
    auto v = string(n, key, "a placement policy name");
    if (!v || opts_.policies.empty()) return v;
    for (const auto& p : opts_.policies)
      if (p == *v) return v;
    std::vector<std::string_view> names(opts_.policies.begin(), opts_.policies.end());
    std::string guess = suggest(*v, names);
    error(n, key, fmt::format("unknown policy '{}' ({}expected one of: {})", *v,
                              guess.empty() ? "" : fmt::format("did you mean '{}'? ", guess), join(names)));
    return std::nullopt;
  }
  std::optional<std::string> directory(const toml::node& n, const std::string& key) {
    auto v = string(n, key, "an absolute directory path");
    if (v && (*v)[0] != '/') {
      error(n, key, fmt::format("'{}' is not absolute (expected an absolute directory path)", *v));
      return std::nullopt;
    }
    return v;
  }

  void section(const toml::table& t, std::string_view name) {
    Config& c = r_.config;
    for (auto&& [k, v] : t) {
      std::string key = fmt::format("{}.{}", name, k.str());
      const KeyInfo* info = find_key(name, k.str());
      if (!info) {
        unknown(k, name, k.str(), keys_of(name));
        continue;
      }
      std::string_view expected = info->expected;
      std::string_view kn = k.str();
      if (name == "metrics") {
        // textfile: an absolute file path whose directory exists when the daemon writes it.
        if (auto x = string(v, key, expected)) {
          if (x->empty() || (*x)[0] != '/' || x->back() == '/')
            error(v, key, fmt::format("'{}' is not an absolute file path (expected {})", *x, expected));
          else
            c.metrics_textfile = *x;
        }
      } else if (name == "balance") {
        if (kn == "margin") {
          if (auto x = real(v, key, 0.0, 10.0, expected)) c.balance.margin = *x;
        } else if (kn == "max_moves") {
          if (auto x = integer(v, key, 1, 100000, expected)) c.balance.max_moves = static_cast<int>(*x);
        } else if (auto x = integer(v, key, 0, 100000, expected)) {
          c.balance.cooldown_cycles = static_cast<int>(*x);
        }
      } else if (kn == "interval") {
        if (auto x = real(v, key, 0.05, 3600.0, expected)) c.interval_seconds = *x;
      } else if (kn == "policy") {
        if (auto x = policy(v, key)) c.policy = *x;
      } else if (kn == "banned_cpus") {
        if (auto x = cpulist(v, key, true, true)) c.banned_cpus |= *x;  // lists append across files
      } else if (kn == "devices" || kn == "exclude_devices" || kn == "plan_down_devices") {
        auto& field = kn == "devices" ? c.only_devices : kn == "exclude_devices" ? c.exclude_devices : c.plan_down_devices;
        if (auto x = globs(v, key, expected)) field.insert(field.end(), x->begin(), x->end());  // append across files
      } else if (kn == "honour_isolcpus" || kn == "honour_nohz_full" || kn == "restore_on_exit" ||
                 kn == "ignore_irqbalance" || kn == "honour_default_smp_affinity") {
        bool* field = kn == "honour_isolcpus"               ? &c.honour_isolcpus
                      : kn == "honour_nohz_full"            ? &c.honour_nohz_full
                      : kn == "restore_on_exit"             ? &c.restore_on_exit
                      : kn == "honour_default_smp_affinity" ? &c.honour_default_smp_affinity
                                                            : &c.ignore_irqbalance;
        if (auto x = boolean(v, key)) *field = *x;
      } else if (kn == "other_irqs") {
        if (auto x = string(v, key, expected)) {
          try {
            c.other_irqs = parse_other_irqs(*x);
          } catch (const std::invalid_argument&) {
            static const std::vector<std::string_view> modes = {"place", "keep-off-isolated", "ignore"};
            std::string guess = suggest(*x, modes);
            error(v, key, fmt::format("unknown mode '{}' ({}expected {})", *x,
                                      guess.empty() ? "" : fmt::format("did you mean '{}'? ", guess), expected));
          }
        }
      } else if (kn == "state_dir") {
        if (auto x = directory(v, key)) c.state_dir = *x;
      } else if (kn == "run_dir") {
        if (auto x = directory(v, key)) c.run_dir = *x;
      } else if (kn == "log_level") {
        static const std::vector<std::string_view> levels = {"trace", "debug", "info", "warn",
                                                             "error", "critical", "off"};
        if (auto x = string(v, key, expected)) {
          if (std::find(levels.begin(), levels.end(), *x) != levels.end()) {
            c.log_level = *x;
          } else {
            std::string guess = suggest(*x, levels);
            error(v, key, fmt::format("unknown level '{}' ({}expected {})", *x,
                                      guess.empty() ? "" : fmt::format("did you mean '{}'? ", guess), expected));
          }
        }
      } else if (kn == "rps_sock_flow_entries") {
        if (auto x = integer(v, key, 0, 1L << 30, expected)) c.rps_sock_flow_entries = *x;
      }
    }
  }

  void device(const toml::table& t) {
    DeviceRule rule;
    rule.where = at(t.source());
    const std::size_t specs_before = r_.cpu_specs.size();
    bool bad = false, has_match = false, has_setting = false;
    for (auto&& [k, v] : t) {
      std::string key = fmt::format("device.{}", k.str());
      const KeyInfo* info = find_key("device", k.str());
      if (!info) {
        unknown(k, "device", k.str(), keys_of("device"));
        bad = true;
        continue;
      }
      std::string_view kn = k.str();
      bool is_match = kn == "name" || kn == "driver" || kn == "pci" || kn == "mac";
      (is_match ? has_match : has_setting) = true;
      if (is_match) {
        std::string& field = kn == "name" ? rule.name : kn == "driver" ? rule.driver : kn == "pci" ? rule.pci : rule.mac;
        if (!match_value(v, key, kn, info->expected, field)) bad = true;
      } else if (!device_setting(kn, v, key, info->expected, rule.set)) {
        bad = true;
      }
    }
    if (!has_match) {
      r_.add(rule.where, "device", "the rule matches nothing (expected at least one of name, driver, pci, mac)");
      bad = true;
    }
    if (!has_setting) {
      r_.add(rule.where, "device", "the rule sets nothing (expected at least one of ignore, policy, allowed_cpus, rps, rfs, "
             "xps, napi_threaded, napi_thread_cpus, napi_defer_hard_irqs, gro_flush_timeout, irq_suspend_timeout)");
      bad = true;
    }
    const bool spec_pending = r_.cpu_specs.size() > specs_before;  // allowed_cpus resolved later
    if (!bad && !spec_pending && rule.set.allowed_cpus && rule.set.rps == RpsMode::kList &&
        !rule.set.rps_cpus.is_subset_of(*rule.set.allowed_cpus)) {
      r_.add(rule.where, "device.rps",
             fmt::format("CPUs {} are outside allowed_cpus {} (expected rps within allowed_cpus)",
                         (rule.set.rps_cpus - *rule.set.allowed_cpus).to_list(), rule.set.allowed_cpus->to_list()));
      bad = true;
    }
    if (bad)
      r_.cpu_specs.resize(specs_before);
    else
      r_.config.device_rules.push_back(std::move(rule));
  }

  bool match_value(const toml::node& v, const std::string& key, std::string_view kn, std::string_view expected,
                   std::string& out) {
    auto s = string(v, key, expected);
    if (!s) return false;
    if (kn == "pci" && !is_glob(*s) && !sysfs::is_pci_address(*s)) {
      error(v, key, fmt::format("'{}' is not a PCI address (expected {})", *s, expected));
      return false;
    }
    if (kn == "mac" && !is_mac(*s)) {
      error(v, key, fmt::format("'{}' is not a MAC address (expected {})", *s, expected));
      return false;
    }
    out = *s;
    return true;
  }

  bool device_setting(std::string_view kn, const toml::node& v, const std::string& key, std::string_view expected,
                      DevicePatch& p) {
    if (kn == "policy") return (p.policy = policy(v, key)).has_value();
    if (kn == "allowed_cpus") return (p.allowed_cpus = cpulist(v, key, false, true)).has_value();
    if (kn == "ignore") return (p.ignore = boolean(v, key)).has_value();
    if (kn == "napi_defer_hard_irqs")
      return (p.napi_defer_hard_irqs = integer(v, key, 0, kMaxNapiDeferHardIrqs, expected)).has_value();
    if (kn == "gro_flush_timeout")
      return (p.gro_flush_timeout = integer(v, key, 0, kMaxNapiTimeoutNs, expected)).has_value();
    if (kn == "irq_suspend_timeout")
      return (p.irq_suspend_timeout = integer(v, key, 0, kMaxNapiTimeoutNs, expected)).has_value();
    auto s = string(v, key, expected);
    if (!s) return false;
    try {
      if (kn == "rps") {
        p.rps = parse_rps(*s, &p.rps_cpus);
        if (p.rps == RpsMode::kList) r_.cpu_refs.push_back({at(v.source()), key, p.rps_cpus});
      } else if (kn == "rfs") {
        p.rfs = parse_rfs(*s);
      } else if (kn == "napi_threaded") {
        p.napi_threaded = parse_napi_threaded(*s);
      } else if (kn == "napi_thread_cpus") {
        p.napi_thread_cpus = parse_napi_thread_cpus(*s);
      } else {
        p.xps = parse_xps(*s);
      }
      return true;
    } catch (const std::invalid_argument&) {
      error(v, key, fmt::format("'{}' is not valid (expected {})", *s, expected));
      return false;
    }
  }

  void irq(const toml::table& t) {
    IrqRule rule;
    rule.where = at(t.source());
    bool bad = false, has_ignore = false;
    for (auto&& [k, v] : t) {
      std::string key = fmt::format("irq.{}", k.str());
      const KeyInfo* info = find_key("irq", k.str());
      std::string_view kn = k.str();
      if (!info) {
        unknown(k, "irq", kn, keys_of("irq"));
        bad = true;
      } else if (kn == "number") {
        auto n = integer(v, key, 0, 1048575, info->expected);
        bad |= !n;
        if (n) rule.number = static_cast<int>(*n);
      } else if (kn == "name") {
        auto s = string(v, key, info->expected);
        bad |= !s;
        if (s) rule.name = *s;
      } else if (kn == "ignore") {
        auto b = boolean(v, key);
        if (b && !*b) error(v, key, "is false (expected true, or leave ignore out)");
        bad |= !b || !*b;
        has_ignore = b.value_or(false);
        rule.ignore = has_ignore;
      } else {
        rule.pin = cpulist(v, key, false);
        bad |= !rule.pin;
      }
    }
    bool by_number = t.contains("number"), by_name = t.contains("name");
    if (by_number == by_name)
      r_.add(rule.where, "irq",
             by_number ? "the rule has both number and name (expected exactly one of them)"
                       : "the rule matches nothing (expected number or name)");
    bool has_pin = t.contains("pin");
    if (has_ignore && has_pin)
      r_.add(rule.where, "irq", "the rule both ignores and pins (expected ignore = true or pin, not both)");
    if (!t.contains("ignore") && !has_pin)
      r_.add(rule.where, "irq", "the rule does nothing (expected ignore = true or pin = \"cpulist\")");
    bad |= by_number == by_name || (has_ignore && has_pin) || (!t.contains("ignore") && !has_pin);
    if (!bad) r_.config.irq_rules.push_back(std::move(rule));
  }

  const std::string& file_;
  const ReadOptions& opts_;
  LoadResult& r_;
};

}  // namespace

void read_toml(std::string_view text, const std::string& file, const ReadOptions& opts, LoadResult& into) {
  std::string safe(text);
  const bool sanitized = replace_unsafe_code_points(safe);
  toml::table root;
  try {
    root = toml::parse(safe, file);
  } catch (const toml::parse_error& e) {
    // toml++ stops at its first syntax error; nothing of a malformed document is used.
    const auto& b = e.source().begin;
    std::string what(e.description());
    if (sanitized) what = without_stand_ins(what);  // do not show them as if they were in the file
    into.add({file, static_cast<int>(b.line), static_cast<int>(b.column)}, "", fmt::format("TOML syntax error: {}", what));
    return;
  }
  Reader(file, opts, into).document(root);
}

void read_settings(const std::vector<Setting>& settings, const std::string& origin, const ReadOptions& opts,
                   LoadResult& into) {
  toml::table root, device;
  for (const auto& s : settings) {
    if (s.section == "device") {
      device.insert_or_assign(s.key, s.value);
      continue;
    }
    if (!root.contains(s.section)) root.insert(s.section, toml::table{});
    root[s.section].as_table()->insert_or_assign(s.key, s.value);
  }
  if (!device.empty()) {
    device.insert_or_assign("name", "*");
    toml::array rules;
    rules.push_back(std::move(device));
    root.insert("device", std::move(rules));
  }
  Reader(origin, opts, into).document(root);
}

}  // namespace irqd::config
