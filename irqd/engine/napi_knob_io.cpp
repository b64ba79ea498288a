// NapiKnobIo: NAPI attributes through the netdev family, kthread CPUs through the scheduler.
#include "irqd/engine/napi_knob_io.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <charconv>

#include "irqd/engine/napi_knob_path.hpp"
#include "sysfs/error.hpp"
#include "sysfs/task_cpus.hpp"

namespace irqd {

namespace {

long number(std::string_view rel, std::string_view v) {
  while (!v.empty() && (v.back() == '\n' || v.back() == ' ')) v.remove_suffix(1);
  long n = 0;
  if (v.empty() || std::from_chars(v.data(), v.data() + v.size(), n).ec != std::errc{} || n < 0)
    throw sysfs::IoError(std::string(rel), EINVAL, "write", fmt::format("'{}' is not a non-negative integer", v));
  return n;
}

}  // namespace

void NapiKnobIo::write(std::string_view rel, std::string_view value) {
  const auto path = parse_napi_knob_path(rel);
  if (path && path->napi) {
    const long id = path->id;
    const std::string_view attr = path->leaf;
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
  if (path && path->leaf == "cpus") {
    sysfs::set_task_cpus(root_, static_cast<int>(path->id), sysfs::CpuSet::parse_list(value));
    return;
  }
  files_.write(rel, value);
}

std::optional<std::string> NapiKnobIo::read_line(std::string_view rel) {
  const auto path = parse_napi_knob_path(rel);
  if (path && path->napi) {
    const long id = path->id;
    const std::string_view attr = path->leaf;
    if (netdev_ == nullptr) return std::nullopt;
    try {
      if (!napis_) napis_ = netdev_->napis().value_or(std::vector<netlink::NapiInfo>{});
    } catch (const netlink::NetlinkError& e) {
      throw sysfs::IoError(display(rel), EIO, "napi-get", e.what());
    }
    auto it = std::find_if(napis_->begin(), napis_->end(), [id](const auto& n) { return n.id == id; });
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
  if (path && path->leaf == "cpus") {
    auto cpus = sysfs::read_task_cpus(root_, static_cast<int>(path->id));
    if (!cpus) return std::nullopt;
    return cpus->to_list();
  }
  return files_.read_line(rel);
}

std::string NapiKnobIo::display(std::string_view rel) const {
  if (auto path = parse_napi_knob_path(rel))
    return path->napi ? fmt::format("NAPI {} {}", path->id, path->leaf) : fmt::format("pid {} CPUs", path->id);
  return files_.display(rel);
}

}  // namespace irqd
