// Report rows shared by the text and JSON reports: NAPIs, device-wide NAPI files and the --summary
// roll-up.
#include "irqd/engine/report_rows.hpp"

#include <algorithm>
#include <map>
#include <string_view>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace irqd {

std::vector<NapiRow> napi_rows(const PlanResult& r) {
  std::vector<NapiRow> out;
  const auto& plan = *r.plan;
  auto written = [&](const sysfs::NicNapi& n) {
    const std::string napi = fmt::format("netdev/napi/{}/", n.id);
    const std::string task = fmt::format("task/{}/cpus", n.pid);
    for (const auto& k : r.diff.knobs)
      if (k.path.starts_with(napi) || (n.pid > 0 && k.path == task)) return true;
    return false;
  };
  for (const auto& nic : r.discovery->inventory.nics)
    for (const auto& n : nic.napis) {
      NapiRow row{&nic, &n, nullptr, false};
      for (const auto& p : plan.napis)
        if (p.device == nic.name && p.napi_id == n.id) row.planned = &p;
      row.change = written(n);
      out.push_back(row);
    }
  return out;
}

std::vector<DeviceNapiRow> device_napi_rows(const PlanResult& r) {
  std::vector<DeviceNapiRow> out;
  for (const auto& s : r.plan->device_napi) {
    DeviceNapiRow row{&s, std::nullopt, false};
    if (const auto* nic = r.discovery->inventory.nic(s.device)) row.current = nic->device_napi.of(s.file);
    row.change = row.current != s.value;
    out.push_back(row);
  }
  return out;
}

ReportSummary summarize(const PlanResult& r) {
  ReportSummary s;
  std::map<std::string_view, std::size_t> nic_at;
  for (const auto& nic : r.discovery->inventory.nics) {
    nic_at.emplace(nic.name, s.nics.size());
    s.nics.push_back({nic.name, 0, {}, 0});
  }
  std::map<int, std::map<std::string_view, int>> per_cpu;  // CPU -> device -> IRQs
  for (const auto& d : r.diff.irqs) {
    if (d.irq->cls != sysfs::IrqClass::kQueue) continue;
    const sysfs::CpuSet cpus = d.planned ? d.planned->cpus : d.irq->affinity.value_or(sysfs::CpuSet{});
    if (auto at = nic_at.find(d.irq->device); at != nic_at.end()) {
      auto& n = s.nics[at->second];
      ++n.queue_irqs;
      n.planned |= cpus;
      n.changes += d.change ? 1 : 0;
    }
    // An IRQ allowed on several CPUs counts on none of them alone.
    if (cpus.count() == 1) ++per_cpu[cpus.first()][d.irq->device];
  }
  for (int c : r.machine->online.to_vector()) {
    int irqs = 0;
    std::vector<std::string> devices;
    if (auto it = per_cpu.find(c); it != per_cpu.end())
      for (const auto& [dev, n] : it->second) {
        irqs += n;
        devices.emplace_back(dev);
      }
    auto alike = std::find_if(s.cpus.begin(), s.cpus.end(),
                              [&](const CpuSummary& x) { return x.irqs == irqs && x.devices == devices; });
    if (alike != s.cpus.end()) alike->cpus.set(c);
    else s.cpus.push_back({sysfs::CpuSet::of({c}), irqs, std::move(devices)});
  }
  return s;
}

std::string netdev_features_text(const netlink::NetdevFeatures& f) {
  if (!f.family) return "none (no netdev genetlink family: Linux < 6.2, or not asked)";
  std::vector<std::string> have{"family"};
  if (f.queue_get) have.emplace_back("queue-get");
  if (f.napi_get) have.emplace_back("napi-get");
  if (f.qstats_get) have.emplace_back("qstats-get");
  if (f.napi_set) have.emplace_back("napi-set");
  if (f.napi_irq_suspend_timeout) have.emplace_back("irq-suspend-timeout");
  if (f.napi_threaded) have.emplace_back("per-NAPI threaded");
  return fmt::format("{}", fmt::join(have, ", "));
}

}  // namespace irqd
