// OriginalStore: JSON file {"schema":1,"knobs":{"<path>":"<value>",...}}.
#include "irqd/engine/originals.hpp"

#include "irqd/engine/napi_knob_path.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "irqd/engine/atomic_file.hpp"
#include "sysfs/device_napi.hpp"
#include "sysfs/error.hpp"

namespace irqd {

namespace fs = std::filesystem;

namespace {
// restore() writes to every path in the file: accept only the knobs irqd itself changes, so a
// tampered file cannot make it write elsewhere.
bool is_knob_path(const std::string& p) {
  if (p.find("..") != std::string::npos || p.find("//") != std::string::npos || p.empty() || p[0] == '/') return false;
  auto leaf = p.substr(p.rfind('/') + 1);
  if (p.rfind("proc/irq/", 0) == 0) return leaf == "smp_affinity_list" || leaf == "smp_affinity";
  if (p == "proc/sys/net/core/rps_sock_flow_entries") return true;
  if (p.rfind("sys/", 0) == 0 && p.find("/queues/") != std::string::npos)
    return leaf == "rps_cpus" || leaf == "rps_flow_cnt" || leaf == "xps_cpus" || leaf == "xps_rxqs";
  // A netdev's device-wide NAPI files: "sys/.../net/<dev>/threaded" and the like.
  if (p.rfind("sys/", 0) == 0) return sysfs::is_device_napi_path(p);
  // NapiKnobIo's: "netdev/napi/<id>/<attribute>", "task/<pid>/cpus".
  if (auto k = parse_napi_knob_path(p)) return k->napi ? is_napi_attribute(k->leaf) : k->leaf == "cpus";
  return false;
}
}  // namespace

OriginalStore::OriginalStore(fs::path file) : file_(std::move(file)) {}

bool OriginalStore::exists() const {
  std::error_code ec;
  return fs::exists(file_, ec);
}

void OriginalStore::load() {
  values_.clear();
  std::ifstream in(file_);
  if (!in) return;
  std::ostringstream ss;
  ss << in.rdbuf();
  try {
    auto j = nlohmann::json::parse(ss.str());
    // is_number_integer first: value<int>() on 1e22 or 1.5 would convert (UB / silently).
    if (!j.is_object() || !j.contains("schema") || !j["schema"].is_number_integer() || j["schema"] != 1 ||
        !j.contains("knobs") || !j["knobs"].is_object())
      throw std::runtime_error("not an irqd original-values file (schema 1)");
    std::map<std::string, std::string> loaded;
    for (const auto& [k, v] : j["knobs"].items()) {
      if (!v.is_string()) throw std::runtime_error(fmt::format("value of '{}' is not a string", k));
      if (!is_knob_path(k)) throw std::runtime_error(fmt::format("'{}' is not a knob irqd writes", k));
      loaded[k] = v.get<std::string>();
    }
    values_ = std::move(loaded);
  } catch (const std::exception& e) {
    throw std::runtime_error(fmt::format("{}: corrupt: {}", file_.string(), e.what()));
  }
}

void OriginalStore::record(const std::string& path, const std::string& value) { values_.try_emplace(path, value); }

void OriginalStore::save() const {
  nlohmann::json j = {{"schema", 1}, {"knobs", values_}};
  write_file_atomic(file_, j.dump(2) + "\n");
}

RestoreResult OriginalStore::restore(sysfs::KnobIo& io) {
  RestoreResult r;
  std::map<std::string, std::string> left;
  for (const auto& entry : values_) {
    // Plain references: clang < 16 cannot capture structured bindings in the lambda below.
    const std::string& path = entry.first;
    const std::string& value = entry.second;
    // A read or write finding no knob (ENOENT, ENODEV; read_line says nullopt): the NIC, queue
    // or IRQ went away since the value was recorded, and took the knob with it.
    auto vanish = [&] {
      ++r.vanished;
      r.gone.push_back(path);
    };
    try {
      if (!io.read_line(path)) {
        vanish();
        continue;
      }
      io.write(path, value);
      auto back = io.read_line(path);
      if (!back) {
        vanish();
        continue;
      }
      if (!sysfs::knob_equal(sysfs::knob_kind(path), *back, value)) {
        ++r.failed;
        left.emplace(path, value);
        r.errors.push_back(fmt::format("{}: wrote '{}', kernel shows '{}'", io.display(path), value, *back));
        continue;
      }
      ++r.restored;
    } catch (const sysfs::IoError& e) {
      if (e.error_code() == ENOENT || e.error_code() == ENODEV) {
        vanish();
        continue;
      }
      ++r.failed;
      left.emplace(path, value);
      r.errors.push_back(e.what());
    }
  }
  values_ = std::move(left);
  std::error_code ec;
  if (values_.empty()) fs::remove(file_, ec);
  else save();  // keep what could not be restored for the next attempt
  return r;
}

std::string describe_vanished(const std::vector<std::string>& paths) {
  constexpr std::size_t kFirst = 8;  // of each kind, then "and N more"
  std::map<std::string, int> devices;  // NIC -> queue knobs
  std::map<std::string, int> device_wide;  // NIC -> its device-wide NAPI files
  std::set<int> irqs;
  std::vector<std::string> other;
  for (const auto& p : paths) {
    if (p.rfind("proc/irq/", 0) == 0) {
      irqs.insert(std::atoi(p.c_str() + 9));
      continue;
    }
    // sys/.../net/<dev>/queues/<queue>/<knob>
    auto q = p.find("/queues/");
    auto net = q == std::string::npos ? std::string::npos : p.rfind("/net/", q);
    if (net != std::string::npos) {
      ++devices[p.substr(net + 5, q - net - 5)];
    } else if (sysfs::is_device_napi_path(p)) {  // sys/.../net/<dev>/threaded
      const auto leaf = p.rfind('/');
      const auto dev = p.rfind('/', leaf - 1);
      ++device_wide[p.substr(dev + 1, leaf - dev - 1)];
    } else {
      other.push_back(p);
    }
  }
  auto more = [&](std::size_t n) { return n > kFirst ? fmt::format(" and {} more", n - kFirst) : std::string(); };
  std::vector<std::string> parts;
  std::vector<std::string> devs;
  for (const auto& [dev, n] : device_wide) devices.try_emplace(dev, 0);
  for (const auto& [dev, n] : devices) {
    if (devs.size() >= kFirst) break;
    std::vector<std::string> kinds;
    if (n > 0) kinds.push_back(fmt::format("{} queue knob{}", n, n == 1 ? "" : "s"));
    if (auto w = device_wide.find(dev); w != device_wide.end())
      kinds.push_back(fmt::format("{} device-wide NAPI file{}", w->second, w->second == 1 ? "" : "s"));
    devs.push_back(fmt::format("{} ({})", dev, fmt::join(kinds, ", ")));
  }
  if (!devs.empty()) parts.push_back(fmt::format("{}{}", fmt::join(devs, ", "), more(devices.size())));
  std::vector<int> first(irqs.begin(), std::next(irqs.begin(), static_cast<long>(std::min(irqs.size(), kFirst))));
  if (!first.empty())
    parts.push_back(fmt::format("IRQ{} {}{}", irqs.size() == 1 ? "" : "s", fmt::join(first, ", "), more(irqs.size())));
  if (!other.empty())
    parts.push_back(fmt::format("{}{}", fmt::join(other.begin(), other.begin() + static_cast<long>(std::min(other.size(), kFirst)), ", "),
                                more(other.size())));
  return fmt::format("{}", fmt::join(parts, "; "));
}

}  // namespace irqd
