// NapiKnobIo: NAPI attributes through the netdev family, kthread CPUs through the scheduler.
#include "irqd/engine/napi_knob_io.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <charconv>

#include "sysfs/error.hpp"
#include "sysfs/task_cpus.hpp"

namespace irqd {

namespace {

constexpr std::string_view kNapi = "netdev/napi/", kTask = "task/";

// "<number>/<rest>" after `prefix`: the number and the rest; nullopt when it is not one.
std::optional<std::pair<long, std::string_view>> split(std::string_view rel, std::string_view prefix) {
  if (!rel.starts_with(prefix)) return std::nullopt;
  rel.remove_prefix(prefix.size());
  const auto slash = rel.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  long n = 0;
  if (std::from_chars(rel.data(), rel.data() + slash, n).ec != std::errc{} || n < 0) return std::nullopt;
  return std::make_pair(n, rel.substr(slash + 1));
}

long number(std::string_view rel, std::string_view v) {
  while (!v.empty() && (v.back() == '\n' || v.back() == ' ')) v.remove_suffix(1);
  long n = 0;
  if (v.empty() || std::from_chars(v.data(), v.data() + v.size(), n).ec != std::errc{} || n < 0)
    throw sysfs::IoError(std::string(rel), EINVAL, "write", fmt::format("'{}' is not a non-negative integer", v));
  return n;
}

}  // namespace

void NapiKnobIo::write(std::string_view rel, std::string_view value) {
  if (auto napi = split(rel, kNapi)) {
    const auto [id, attr] = *napi;
    if (netdev_ == nullptr) throw sysfs::IoError(display(rel), EOPNOTSUPP, "napi-set", "no netdev genetlink family");
    netlink::NapiSettings s;
    const long v = number(rel, value);
    if (attr == "defer-hard-irqs") s.defer_hard_irqs = static_cast<std::uint32_t>(v);
    else if (attr == "gro-flush-timeout") s.gro_flush_timeout = static_cast<std::uint64_t>(v);
    else if (attr == "irq-suspend-timeout") s.irq_suspend_timeout = static_cast<std::uint64_t>(v);
    else if (attr == "threaded") s.threaded = v != 0;
    else throw sysfs::IoError(display(rel), EINVAL, "napi-set", fmt::format("unknown NAPI attribute '{}'", attr));
    napis_.reset();
    try {
      netdev_->set_napi(static_cast<int>(id), s);
    } catch (const netlink::NetlinkError& e) {
      // A NAPI that went away (its device or queue was removed) reads back as absent: ENOENT.
      throw sysfs::IoError(display(rel), std::string_view(e.what()).find("No such") != std::string_view::npos ? ENOENT : EIO,
                           "napi-set", e.what());
    }
    return;
  }
  if (auto task = split(rel, kTask); task && task->second == "cpus") {
    sysfs::set_task_cpus(root_, static_cast<int>(task->first), sysfs::CpuSet::parse_list(value));
    return;
  }
  files_.write(rel, value);
}

std::optional<std::string> NapiKnobIo::read_line(std::string_view rel) {
  if (auto napi = split(rel, kNapi)) {
    const auto [id, attr] = *napi;
    if (netdev_ == nullptr) return std::nullopt;
    try {
      if (!napis_) napis_ = netdev_->napis().value_or(std::vector<netlink::NapiInfo>{});
    } catch (const netlink::NetlinkError& e) {
      throw sysfs::IoError(display(rel), EIO, "napi-get", e.what());
    }
    auto it = std::find_if(napis_->begin(), napis_->end(), [id = id](const auto& n) { return n.id == id; });
    if (it == napis_->end()) return std::nullopt;
    auto text = [](const auto& v) -> std::optional<std::string> {
      if (!v) return std::nullopt;
      return std::to_string(*v);
    };
    if (attr == "defer-hard-irqs") return text(it->defer_hard_irqs);
    if (attr == "gro-flush-timeout") return text(it->gro_flush_timeout);
    if (attr == "irq-suspend-timeout") return text(it->irq_suspend_timeout);
    if (attr == "threaded") {
      if (!it->threaded) return std::nullopt;
      return std::string(*it->threaded ? "1" : "0");
    }
    return std::nullopt;
  }
  if (auto task = split(rel, kTask); task && task->second == "cpus") {
    auto cpus = sysfs::read_task_cpus(root_, static_cast<int>(task->first));
    if (!cpus) return std::nullopt;
    return cpus->to_list();
  }
  return files_.read_line(rel);
}

std::string NapiKnobIo::display(std::string_view rel) const {
  if (auto napi = split(rel, kNapi)) return fmt::format("NAPI {} {}", napi->first, napi->second);
  if (auto task = split(rel, kTask)) return fmt::format("pid {} CPUs", task->first);
  return files_.display(rel);
}

}  // namespace irqd
