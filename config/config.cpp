// Config defaults, lookups, value parsers and description.
#include "config/config.hpp"

#include <stdexcept>

#include <fmt/format.h>

namespace irqd::config {

const DeviceSettings& Config::device(const std::string& name) const {
  auto it = devices.find(name);
  return it == devices.end() ? device_defaults : it->second;
}

RpsMode parse_rps(const std::string& v, sysfs::CpuSet* list) {
  if (v == "auto") return RpsMode::kAuto;
  if (v == "off") return RpsMode::kOff;
  try {
    sysfs::CpuSet s = sysfs::CpuSet::parse_list(v);
    if (s.empty()) throw std::invalid_argument("empty");
    if (list) *list = s;
    return RpsMode::kList;
  } catch (const std::invalid_argument&) {
    throw std::invalid_argument(fmt::format("rps '{}': expected auto, off or a cpulist such as 0-3,8", v));
  }
}

RfsMode parse_rfs(const std::string& v) {
  if (v == "auto") return RfsMode::kAuto;
  if (v == "off") return RfsMode::kOff;
  throw std::invalid_argument(fmt::format("rfs '{}': expected auto or off", v));
}

XpsMode parse_xps(const std::string& v) {
  if (v == "auto") return XpsMode::kAuto;
  if (v == "cpus") return XpsMode::kCpus;
  if (v == "rxqs") return XpsMode::kRxqs;
  if (v == "off") return XpsMode::kOff;
  throw std::invalid_argument(fmt::format("xps '{}': expected auto, cpus, rxqs or off", v));
}

NapiThreaded parse_napi_threaded(const std::string& v) {
  if (v == "keep") return NapiThreaded::kKeep;
  if (v == "on") return NapiThreaded::kOn;
  if (v == "off") return NapiThreaded::kOff;
  throw std::invalid_argument(fmt::format("napi_threaded '{}': expected keep, on or off", v));
}

const char* to_string(NapiThreaded m) {
  return m == NapiThreaded::kOn ? "on" : m == NapiThreaded::kOff ? "off" : "keep";
}

NapiThreadCpus parse_napi_thread_cpus(const std::string& v) {
  if (v == "sibling") return NapiThreadCpus::kSibling;
  if (v == "same-cpu") return NapiThreadCpus::kSameCpu;
  if (v == "same-core") return NapiThreadCpus::kSameCore;
  if (v == "same-l3") return NapiThreadCpus::kSameL3;
  throw std::invalid_argument(fmt::format("napi_thread_cpus '{}': expected sibling, same-cpu, same-core or same-l3", v));
}

const char* to_string(NapiThreadCpus m) {
  switch (m) {
    case NapiThreadCpus::kSameCpu: return "same-cpu";
    case NapiThreadCpus::kSameCore: return "same-core";
    case NapiThreadCpus::kSameL3: return "same-l3";
    case NapiThreadCpus::kSibling: break;
  }
  return "sibling";
}

OtherIrqs parse_other_irqs(const std::string& v) {
  if (v == "place") return OtherIrqs::kPlace;
  if (v == "keep-off-isolated") return OtherIrqs::kKeepOffIsolated;
  if (v == "ignore") return OtherIrqs::kIgnore;
  throw std::invalid_argument(fmt::format("other_irqs '{}': expected place, keep-off-isolated or ignore", v));
}

const char* to_string(OtherIrqs m) {
  return m == OtherIrqs::kIgnore ? "ignore" : m == OtherIrqs::kKeepOffIsolated ? "keep-off-isolated" : "place";
}

const char* to_string(XpsMode m) {
  switch (m) {
    case XpsMode::kAuto: return "auto";
    case XpsMode::kCpus: return "cpus";
    case XpsMode::kRxqs: return "rxqs";
    case XpsMode::kOff: return "off";
  }
  return "?";
}

std::string to_string(RpsMode m, const sysfs::CpuSet& list) {
  switch (m) {
    case RpsMode::kAuto: return "auto";
    case RpsMode::kOff: return "off";
    case RpsMode::kList: return list.to_list();
  }
  return "?";
}

const char* to_string(RfsMode m) { return m == RfsMode::kOff ? "off" : "auto"; }

std::string SourceLocation::to_string() const {
  if (line <= 0) return file;
  return fmt::format("{}:{}:{}", file, line, column);
}

void DevicePatch::apply_to(DeviceSettings& s) const {
  if (policy) s.policy = *policy;
  if (rps) {
    s.rps = *rps;
    s.rps_cpus = rps == RpsMode::kList ? rps_cpus : sysfs::CpuSet();
  }
  if (rfs) s.rfs = *rfs;
  if (xps) s.xps = *xps;
  if (allowed_cpus) s.allowed_cpus = *allowed_cpus;
  if (napi_threaded) s.napi_threaded = *napi_threaded;
  if (napi_thread_cpus) s.napi_thread_cpus = *napi_thread_cpus;
  if (napi_defer_hard_irqs) s.napi_defer_hard_irqs = napi_defer_hard_irqs;
  if (gro_flush_timeout) s.gro_flush_timeout = gro_flush_timeout;
  if (irq_suspend_timeout) s.irq_suspend_timeout = irq_suspend_timeout;
  if (ignore) s.ignore = *ignore;
}

namespace {

// A TOML basic string.
std::string quote(const std::string& v) {
  std::string out = "\"";
  for (char ch : v) {
    auto u = static_cast<unsigned char>(ch);
    if (ch == '"' || ch == '\\') {
      out += '\\';
      out += ch;
    } else if (u < 0x20 || u == 0x7f) {
      out += fmt::format("\\u{:04X}", static_cast<unsigned>(u));
    } else {
      out += ch;
    }
  }
  return out + "\"";
}

// A TOML float that reads back as the same double.
std::string number(double v) {
  std::string s = fmt::format("{}", v);
  if (s.find_first_of(".eEn") == std::string::npos) s += ".0";
  return s;
}

void describe_patch(std::string& out, const DevicePatch& p) {
  if (p.policy) out += fmt::format("policy = {}\n", quote(*p.policy));
  if (p.allowed_cpus) out += fmt::format("allowed_cpus = {}\n", quote(p.allowed_cpus->to_list()));
  if (p.rps) out += fmt::format("rps = {}\n", quote(to_string(*p.rps, p.rps_cpus)));
  if (p.rfs) out += fmt::format("rfs = {}\n", quote(to_string(*p.rfs)));
  if (p.xps) out += fmt::format("xps = {}\n", quote(to_string(*p.xps)));
  if (p.napi_threaded) out += fmt::format("napi_threaded = {}\n", quote(to_string(*p.napi_threaded)));
  if (p.napi_thread_cpus) out += fmt::format("napi_thread_cpus = {}\n", quote(to_string(*p.napi_thread_cpus)));
  if (p.napi_defer_hard_irqs) out += fmt::format("napi_defer_hard_irqs = {}\n", *p.napi_defer_hard_irqs);
  if (p.gro_flush_timeout) out += fmt::format("gro_flush_timeout = {}\n", *p.gro_flush_timeout);
  if (p.irq_suspend_timeout) out += fmt::format("irq_suspend_timeout = {}\n", *p.irq_suspend_timeout);
  if (p.ignore) out += fmt::format("ignore = {}\n", *p.ignore);
}

// A TOML array of basic strings.
std::string quote_all(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + quote(s);
  return "[" + out + "]";
}

}  // namespace

DevicePatch patch_of(const DeviceSettings& s) {
  DevicePatch p;
  DeviceSettings d;
  if (s.policy != d.policy) p.policy = s.policy;
  if (s.rps != d.rps) {
    p.rps = s.rps;
    p.rps_cpus = s.rps_cpus;
  }
  if (s.rfs != d.rfs) p.rfs = s.rfs;
  if (s.xps != d.xps) p.xps = s.xps;
  if (!(s.allowed_cpus == d.allowed_cpus)) p.allowed_cpus = s.allowed_cpus;
  if (s.napi_threaded != d.napi_threaded) p.napi_threaded = s.napi_threaded;
  if (s.napi_thread_cpus != d.napi_thread_cpus) p.napi_thread_cpus = s.napi_thread_cpus;
  p.napi_defer_hard_irqs = s.napi_defer_hard_irqs;
  p.gro_flush_timeout = s.gro_flush_timeout;
  p.irq_suspend_timeout = s.irq_suspend_timeout;
  if (s.ignore) p.ignore = true;
  return p;
}

std::string describe(const Config& c) {
  std::string out;
  if (c.sources.empty())
    out += "# no configuration file: built-in defaults and command-line options\n";
  else
    out += fmt::format("# read from: {}\n", fmt::join(c.sources, ", "));
  out += "\n[daemon]\n";
  out += fmt::format("interval = {}\npolicy = {}\nbanned_cpus = {}\n", number(c.interval_seconds), quote(c.policy),
                     quote(c.banned_cpus.to_list()));
  out += fmt::format("honour_isolcpus = {}\nhonour_nohz_full = {}\nrestore_on_exit = {}\nignore_irqbalance = {}\n",
                     c.honour_isolcpus, c.honour_nohz_full, c.restore_on_exit, c.ignore_irqbalance);
  out += fmt::format("honour_default_smp_affinity = {}\n", c.honour_default_smp_affinity);
  out += fmt::format("other_irqs = {}\n", quote(to_string(c.other_irqs)));
  out += fmt::format("state_dir = {}\nrun_dir = {}\nlog_level = {}\nrps_sock_flow_entries = {}\n", quote(c.state_dir),
                     quote(c.run_dir), quote(c.log_level), c.rps_sock_flow_entries);
  if (!c.only_devices.empty()) out += fmt::format("devices = {}\n", quote_all(c.only_devices));
  if (!c.exclude_devices.empty()) out += fmt::format("exclude_devices = {}\n", quote_all(c.exclude_devices));
  if (!c.plan_down_devices.empty()) out += fmt::format("plan_down_devices = {}\n", quote_all(c.plan_down_devices));
  out += fmt::format("\n[balance]\nmargin = {}\nmax_moves = {}\ncooldown_cycles = {}\n", number(c.balance.margin),
                     c.balance.max_moves, c.balance.cooldown_cycles);
  if (!c.metrics_textfile.empty()) out += fmt::format("\n[metrics]\ntextfile = {}\n", quote(c.metrics_textfile));
  DevicePatch defaults = patch_of(c.device_defaults);
  std::string body;
  describe_patch(body, defaults);
  if (!body.empty()) out += "\n# every device (command line)\n[[device]]\nname = \"*\"\n" + body;
  for (const auto& r : c.device_rules) {
    out += r.where.file.empty() ? "\n[[device]]\n" : fmt::format("\n# {}\n[[device]]\n", r.where.to_string());
    if (!r.name.empty()) out += fmt::format("name = {}\n", quote(r.name));
    if (!r.driver.empty()) out += fmt::format("driver = {}\n", quote(r.driver));
    if (!r.pci.empty()) out += fmt::format("pci = {}\n", quote(r.pci));
    if (!r.mac.empty()) out += fmt::format("mac = {}\n", quote(r.mac));
    describe_patch(out, r.set);
  }
  auto run_time = [&out](const std::string& name, const DevicePatch& p) {
    std::string fields;
    describe_patch(fields, p);
    if (!fields.empty()) out += fmt::format("\n# run-time override\n[[device]]\nname = {}\n{}", quote(name), fields);
  };
  for (const auto& [name, s] : c.devices) run_time(name, patch_of(s));
  for (const auto& [name, p] : c.device_overrides) run_time(name, p);
  for (const auto& r : c.irq_rules) {
    out += r.where.file.empty() ? "\n[[irq]]\n" : fmt::format("\n# {}\n[[irq]]\n", r.where.to_string());
    if (r.number >= 0) out += fmt::format("number = {}\n", r.number);
    if (!r.name.empty()) out += fmt::format("name = {}\n", quote(r.name));
    if (r.ignore) out += "ignore = true\n";
    if (r.pin) out += fmt::format("pin = {}\n", quote(r.pin->to_list()));
  }
  for (const auto& [irq, cpus] : c.irq_pins)
    out += fmt::format("\n# run-time pin\n[[irq]]\nnumber = {}\npin = {}\n", irq, quote(cpus.to_list()));
  for (const auto& [q, cpus] : c.queue_pins)
    out += fmt::format("\n# run-time pin: {} {}-{} -> {}\n", q.device, q.rx ? "rx" : "tx", q.index, cpus.to_list());
  return out;
}

}  // namespace irqd::config
