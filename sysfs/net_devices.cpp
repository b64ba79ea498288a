// Network device discovery under /sys. Works on a live machine and on captured trees, which lack
// some links (class/net or bus/pci may be missing), so each fact has a fallback.
#include "sysfs/net_devices.hpp"

#include <algorithm>
#include <charconv>
#include <stdexcept>

#include <fmt/format.h>

#include "sysfs/error.hpp"

namespace irqd::sysfs {

namespace {

std::optional<long> parse_long(std::string_view s) {
  long v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || p != s.data() + s.size()) return std::nullopt;
  return v;
}

// A non-negative decimal knob ("0", "20000").
long count_of(const std::string& s) {
  auto v = parse_long(s);
  if (!v || *v < 0) throw std::invalid_argument(fmt::format("'{}' is not a count", s));
  return *v;
}

std::string basename_of(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string parent_of(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == std::string::npos ? std::string{} : path.substr(0, slash);
}

// "KEY=value" from a uevent file.
std::string uevent_value(const SysRoot& root, const std::string& dir, std::string_view key) {
  auto text = root.read_if_exists(dir + "/uevent");
  if (!text) return {};
  std::string_view s = *text;
  while (!s.empty()) {
    auto nl = s.find('\n');
    std::string_view line = s.substr(0, nl);
    if (line.size() > key.size() && line.substr(0, key.size()) == key && line[key.size()] == '=')
      return std::string(line.substr(key.size() + 1));
    if (nl == std::string_view::npos) break;
    s.remove_prefix(nl + 1);
  }
  return {};
}

std::string driver_of(const SysRoot& root, const std::string& dir) {
  if (auto link = root.resolve(dir + "/driver")) return basename_of(*link);
  return uevent_value(root, dir, "DRIVER");
}

// Reads an optional knob; a present but unreadable/malformed file is recorded, not fatal, so one
// odd queue does not hide the rest of the device.
template <typename T, typename Parse>
std::optional<T> knob(const SysRoot& root, const std::string& rel, Parse parse,
                      std::vector<std::string>& errors) {
  try {
    auto line = root.read_line(rel);
    if (!line) return std::nullopt;
    return parse(*line);
  } catch (const IoError& e) {
    // xps_cpus returns EINVAL/ENOENT on some single-queue or TC-configured devices.
    errors.push_back(e.what());
  } catch (const std::invalid_argument& e) {
    errors.push_back(fmt::format("{}: {}", root.display(rel), e.what()));
  }
  return std::nullopt;
}

std::vector<int> read_msi_irqs(const SysRoot& root, const std::string& dir) {
  std::vector<int> out;
  for (const auto& e : root.list(dir + "/msi_irqs"))
    if (auto v = parse_long(e); v && *v >= 0 && *v < (1 << 24)) out.push_back(static_cast<int>(*v));
  std::sort(out.begin(), out.end());
  return out;
}

void collect_net_dirs(const SysRoot& root, const std::string& dir, int depth,
                      std::vector<std::string>& out) {
  if (depth > 8) return;
  for (const auto& e : root.list(dir)) {
    std::string child = dir + "/" + e;
    if (e == "net") {
      for (const auto& n : root.list(child))
        if (root.is_dir(child + "/" + n + "/queues")) out.push_back(child + "/" + n);
      continue;
    }
    if (e == "subsystem" || e == "driver" || e == "power" || e == "firmware_node") continue;
    // Only walk real directories: following links would loop through sysfs.
    std::error_code ec;
    auto st = std::filesystem::symlink_status(root.path(child), ec);
    if (!ec && std::filesystem::is_directory(st)) collect_net_dirs(root, child, depth + 1, out);
  }
}

}  // namespace

bool is_pci_address(std::string_view s) {
  // DDDD:BB:DD.F
  if (s.size() != 12 || s[4] != ':' || s[7] != ':' || s[10] != '.') return false;
  for (std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u, 11u}) {
    char c = s[i];
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) return false;
  }
  return true;
}

std::optional<PciDevice> read_pci_device(const SysRoot& root, const std::string& address) {
  std::string dir = address.find('/') == std::string::npos ? "sys/bus/pci/devices/" + address : address;
  auto resolved = root.resolve(dir);
  if (!resolved) return std::nullopt;
  PciDevice d;
  d.path = *resolved;
  d.address = basename_of(*resolved);
  d.driver = driver_of(root, d.path);
  if (auto n = root.read_line(d.path + "/numa_node"); n)
    if (auto v = parse_long(*n)) d.numa_node = static_cast<int>(*v);
  std::vector<std::string> ignored;
  d.local_cpus = knob<CpuSet>(root, d.path + "/local_cpulist", CpuSet::parse_list, ignored);
  if (!d.local_cpus) d.local_cpus = knob<CpuSet>(root, d.path + "/local_cpus", CpuSet::parse_mask, ignored);
  d.msi_irqs = read_msi_irqs(root, d.path);
  if (auto cls = root.read_line(d.path + "/class")) d.is_network = cls->rfind("0x02", 0) == 0;
  return d;
}

NetQueue read_queue(const SysRoot& root, const std::string& qdir, int index, bool rx,
                    std::vector<std::string>& errors) {
  NetQueue q;
  q.index = index;
  q.rx = rx;
  if (rx) {
    q.rps_cpus = knob<CpuSet>(root, qdir + "/rps_cpus", CpuSet::parse_mask, errors);
    q.rps_flow_cnt = knob<long>(root, qdir + "/rps_flow_cnt", count_of, errors);
  } else {
    q.xps_cpus = knob<CpuSet>(root, qdir + "/xps_cpus", CpuSet::parse_mask, errors);
    q.xps_rxqs = knob<CpuSet>(root, qdir + "/xps_rxqs", CpuSet::parse_mask, errors);
  }
  return q;
}

namespace {
// IFF_UP (0x1) of the flags file ("0x1003"); operstate where flags is missing or unreadable.
std::optional<bool> read_up(const SysRoot& root, const std::string& dir) {
  if (auto flags = root.read_line(dir + "/flags")) {
    std::string_view f = *flags;
    if (f.starts_with("0x")) f.remove_prefix(2);
    unsigned long v = 0;
    auto [end, ec] = std::from_chars(f.data(), f.data() + f.size(), v, 16);
    if (ec == std::errc() && end == f.data() + f.size() && !f.empty()) return (v & 0x1UL) != 0;
  }
  if (auto state = root.read_line(dir + "/operstate")) {
    if (*state == "up") return true;
    if (*state == "down") return false;
  }
  return std::nullopt;
}
}  // namespace

std::optional<NetDevice> read_net_device(const SysRoot& root, const std::string& dir) {
  auto resolved = root.resolve(dir);
  if (!resolved || !root.is_dir(*resolved + "/queues")) return std::nullopt;
  NetDevice d;
  d.path = *resolved;
  d.name = basename_of(d.path);
  if (auto idx = root.read_line(d.path + "/ifindex"); idx && parse_long(*idx))
    d.ifindex = static_cast<int>(*parse_long(*idx));
  else if (auto v = parse_long(uevent_value(root, d.path, "IFINDEX")))
    d.ifindex = static_cast<int>(*v);
  d.is_virtual = d.path.rfind("sys/devices/virtual/", 0) == 0;
  if (auto mac = root.read_line(d.path + "/address")) d.mac = *mac;
  d.up = read_up(root, d.path);
  auto device_napi = [&](std::string_view file) {
    return knob<long>(root, d.path + "/" + std::string(file), count_of, d.errors);
  };
  d.napi.threaded = device_napi(kThreadedFile);
  d.napi.napi_defer_hard_irqs = device_napi(kDeferHardIrqsFile);
  d.napi.gro_flush_timeout = device_napi(kGroFlushTimeoutFile);

  // The device directory is the parent of ".../net/<name>"; walk up to the PCI function.
  std::string devdir = parent_of(parent_of(d.path));
  if (!d.is_virtual && !devdir.empty()) {
    d.driver = driver_of(root, devdir);
    std::string base = basename_of(devdir);
    if (base.rfind("virtio", 0) == 0) d.virtio = base;
    for (std::string p = devdir; !p.empty() && p != "sys/devices"; p = parent_of(p)) {
      if (is_pci_address(basename_of(p))) {
        d.pci = read_pci_device(root, p);
        break;
      }
    }
    if (d.driver.empty() && d.pci) d.driver = d.pci->driver;
  }

  std::vector<std::pair<int, std::string>> rx, tx;
  for (const auto& e : root.list(d.path + "/queues")) {
    bool is_rx = e.rfind("rx-", 0) == 0;
    if (!is_rx && e.rfind("tx-", 0) != 0) continue;
    auto n = parse_long(std::string_view(e).substr(3));
    if (!n || *n < 0 || *n > 65535) continue;
    (is_rx ? rx : tx).emplace_back(static_cast<int>(*n), e);
  }
  std::sort(rx.begin(), rx.end());
  std::sort(tx.begin(), tx.end());
  for (const auto& [i, name] : rx) d.rx.push_back(read_queue(root, d.path + "/queues/" + name, i, true, d.errors));
  for (const auto& [i, name] : tx) d.tx.push_back(read_queue(root, d.path + "/queues/" + name, i, false, d.errors));
  return d;
}

std::vector<NetDevice> read_net_devices(const SysRoot& root) {
  std::vector<std::string> dirs;
  if (root.is_dir("sys/class/net")) {
    for (const auto& n : root.list("sys/class/net")) dirs.push_back("sys/class/net/" + n);
  } else {
    collect_net_dirs(root, "sys/devices", 0, dirs);
  }
  std::vector<NetDevice> out;
  for (const auto& dir : dirs) {
    if (basename_of(dir) == "lo") continue;
    if (auto d = read_net_device(root, dir)) out.push_back(std::move(*d));
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  out.erase(std::unique(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.name == b.name; }), out.end());
  return out;
}

}  // namespace irqd::sysfs
