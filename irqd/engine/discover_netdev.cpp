// Discovery's use of the netdev family: ask, note what is missing (once per discovery; the
// daemon logs only warnings it has not logged before), record NAPIs in the inventory.
#include "irqd/engine/discover_netdev.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>
#include <memory>

#include "netlink/kernel_netdev_source.hpp"
#include "netlink/netdev_replies.hpp"

namespace irqd {

std::vector<std::string> missing_netdev_notes(const netlink::NetdevFeatures& f) {
  if (!f.family) {
    return {
        "netdev genetlink: no netdev family (Linux 6.2+; queue-get and napi-get 6.8+): queue IRQs "
        "from "
        "msi_irqs and IRQ names, queue load from interrupt counts, NAPI threads and parameters "
        "unknown"};
  }
  std::vector<std::string> notes;
  if (!f.queue_get)
    notes.emplace_back(
        "netdev genetlink: no queue-get (Linux 6.8+): queue IRQs from msi_irqs and IRQ names");
  if (!f.napi_get)
    notes.emplace_back(
        "netdev genetlink: no napi-get (Linux 6.8+): queue IRQs from msi_irqs and IRQ names, NAPI "
        "threads unknown");
  if (!f.qstats_get)
    notes.emplace_back(
        "netdev genetlink: no qstats-get (Linux 6.9+): queue load from interrupt counts");
  if (!f.napi_set) {
    notes.emplace_back(
        "netdev genetlink: no napi-set (Linux 6.13+): NAPI defer-hard-irqs and gro-flush-timeout "
        "set device-wide (/sys/class/net/<dev>/napi_defer_hard_irqs, gro_flush_timeout), "
        "irq-suspend-timeout not at all");
  } else if (!f.napi_irq_suspend_timeout) {
    notes.emplace_back(
        "netdev genetlink: napi-set without irq-suspend-timeout (Linux 6.13+): IRQ suspension "
        "unavailable");
  }
  if (!f.napi_threaded) {
    notes.emplace_back(
        "netdev genetlink: no per-NAPI threaded (Linux 6.17+): threaded NAPI set device-wide "
        "(/sys/class/net/<dev>/threaded)");
  }
  return notes;
}

NetdevAnswer ask_netdev(netlink::NetdevSource* source, std::vector<std::string>& warnings) {
  NetdevAnswer answer;
  const auto fall_back = [&warnings](const std::exception& e) {
    warnings.push_back(
        fmt::format("netdev genetlink: {} (falling back to msi_irqs and IRQ names)", e.what()));
  };
  std::unique_ptr<netlink::NetdevSource> own;
  try {
    if (source == nullptr) {
      own = std::make_unique<netlink::KernelNetdevSource>();
      source = own.get();
    }
    answer.features = source->features();
  } catch (const std::exception& e) {
    fall_back(e);
    return answer;
  }
  answer.asked = true;
  for (auto& note : missing_netdev_notes(answer.features)) warnings.push_back(std::move(note));
  std::optional<std::vector<netlink::QueueIrq>> queues;
  try {
    queues = source->queues();
  } catch (const std::exception& e) {
    fall_back(e);
  }
  try {
    // Without napi-get, the queues are kept without their NAPIs' IRQs.
    if (auto napis = source->napis()) {
      answer.napis = std::move(*napis);
      answer.napis_listed = true;
    }
  } catch (const std::exception& e) {
    warnings.push_back(fmt::format(
        "netdev genetlink: {} (queues without their NAPIs' IRQs and threads; falling back "
        "to msi_irqs and IRQ names)",
        e.what()));
  }
  if (queues) answer.queues = netlink::join_queue_irqs(std::move(*queues), answer.napis);
  return answer;
}

std::shared_ptr<netlink::NetdevSource> kernel_netdev(const sysfs::SysRoot& root, bool use) {
  if (!use || !root.is_live()) return nullptr;
  try {
    return std::make_shared<netlink::KernelNetdevSource>();
  } catch (const std::exception& e) {
    spdlog::warn("netdev genetlink: {} (no per-queue counters, no napi-set)", e.what());
    return nullptr;
  }
}

void record_napis(const NetdevAnswer& answer, std::vector<sysfs::NicInfo>& nics) {
  std::map<int, sysfs::NicInfo*> by_ifindex;
  for (auto& nic : nics)
    if (nic.ifindex > 0) by_ifindex[nic.ifindex] = &nic;
  for (const auto& n : answer.napis) {
    auto it = by_ifindex.find(n.ifindex);
    if (it == by_ifindex.end()) continue;
    it->second->napis.push_back({.id = n.id, .irq = n.irq, .pid = n.pid, .threaded = n.threaded,
                                 .defer_hard_irqs = n.defer_hard_irqs, .gro_flush_timeout = n.gro_flush_timeout,
                                 .irq_suspend_timeout = n.irq_suspend_timeout, .thread_cpus = std::nullopt});
  }
  for (const auto& q : answer.queues) {
    auto it = by_ifindex.find(q.ifindex);
    if (it == by_ifindex.end() || q.napi_id < 0) continue;
    auto& queues = q.rx ? it->second->rx : it->second->tx;
    auto found = std::find_if(queues.begin(), queues.end(),
                              [&q](const sysfs::QueueInfo& info) { return info.index == q.queue; });
    if (found != queues.end()) found->napi_id = q.napi_id;
  }
  for (auto& nic : nics) {
    std::sort(nic.napis.begin(), nic.napis.end(),
              [](const auto& a, const auto& b) { return a.id < b.id; });
  }
}

}  // namespace irqd
