// OriginalStore: JSON file {"schema":1,"knobs":{"<path>":"<value>",...}}.
#include "irqd/engine/originals.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "irqd/engine/atomic_file.hpp"
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
  for (const auto& [path, value] : values_) {
    try {
      if (!io.read_line(path)) {
        // The device is gone; its knobs went with it. Nothing to restore, nothing to keep.
        ++r.restored;
        continue;
      }
      io.write(path, value);
      auto back = io.read_line(path);
      if (!back || !sysfs::knob_equal(sysfs::knob_kind(path), *back, value)) {
        ++r.failed;
        left.emplace(path, value);
        r.errors.push_back(fmt::format("{}: wrote '{}', kernel shows '{}'", io.display(path), value, back.value_or("")));
        continue;
      }
      ++r.restored;
    } catch (const sysfs::IoError& e) {
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

}  // namespace irqd
