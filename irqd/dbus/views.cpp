// D-Bus reply builders.
#include "irqd/dbus/views.hpp"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>

#include "config/arguments.hpp"
#include "config/napi_settings.hpp"
#include "irqd/daemon/control.hpp"
#include "sysfs/utf8.hpp"

namespace irqd::dbus {

namespace {
using sysfs::CpuSet;

// D-Bus strings must be valid UTF-8 (sd-bus refuses a reply otherwise), but IRQ, device and driver
// names come from kernel files: bad bytes become U+FFFD, so one odd name cannot fail a whole reply.
std::string utf8(std::string_view in) { return sysfs::valid_utf8(in); }

std::string list_of(const std::optional<CpuSet>& c) { return c ? c->to_list() : ""; }

std::string leaf_of(const std::string& path) { return path.substr(path.rfind('/') + 1); }

// A knob's text as a cpulist (masks converted); "" when it does not parse.
std::string as_cpulist(const std::string& leaf, const std::string& text) {
  try {
    if (leaf == "smp_affinity_list") return CpuSet::parse_list(text).to_list();
    if (leaf == "smp_affinity" || leaf == "rps_cpus" || leaf == "xps_cpus" || leaf == "xps_rxqs")
      return CpuSet::parse_mask(text).to_list();
  } catch (const std::invalid_argument&) {
    return "";
  }
  return text;
}

// The value of a knob after the last cycle: re-read when it was written, else as discovered.
std::string current(const StateView& s, const std::string& path, const std::string& discovered) {
  auto it = s.now.find(path);
  return it == s.now.end() ? discovered : as_cpulist(leaf_of(path), it->second);
}

const char* irq_class(const sysfs::IrqInfo& irq) {
  if (irq.cls != sysfs::IrqClass::kQueue) return sysfs::to_string(irq.cls);
  switch (irq.role) {
    case sysfs::QueueRole::kRx:
      return "rx";
    case sysfs::QueueRole::kTx:
      return "tx";
    case sysfs::QueueRole::kCombined:
      return "combined";
    case sysfs::QueueRole::kNone:
      break;
  }
  return "queue";
}

}  // namespace

std::vector<IrqRow> irq_rows(const StateView& s) {
  const auto& inv = s.plan.discovery->inventory;
  std::map<int, std::string> written;  // IRQ -> the affinity file the last cycle wrote
  for (const auto& k : s.plan.diff.knobs)
    if (k.irq >= 0) written[k.irq] = k.path;
  double total = 0.0;
  for (const auto& [irq, l] : s.load.irqs) total += l.cost;
  std::map<int, std::string> reasons;  // the diff's rows: NIC IRQs, planned or not, and other IRQs planned
  for (const auto* rows : {&s.plan.diff.irqs, &s.plan.diff.others})
    for (const auto& d : *rows)
      if (d.irq != nullptr) reasons[d.irq->irq] = d.reason();
  std::vector<IrqRow> rows;
  rows.reserve(inv.irqs.size());
  for (const auto& irq : inv.irqs) {
    std::string cur = list_of(irq.affinity);
    if (auto w = written.find(irq.irq); w != written.end()) cur = current(s, w->second, cur);
    const auto* planned = s.plan.plan->irq(irq.irq);
    auto load = s.load.irqs.find(irq.irq);
    double rate = load == s.load.irqs.end() ? 0.0 : load->second.rate;
    double cost = load == s.load.irqs.end() ? 0.0 : load->second.cost;
    bool managed = irq.cls == sysfs::IrqClass::kManaged || s.unchangeable.count(irq.irq) > 0;
    More more;
    if (auto r = reasons.find(irq.irq); r != reasons.end()) more["reason"] = sdbus::Variant(utf8(r->second));
    if (load != s.load.irqs.end()) {
      more["load_source"] = sdbus::Variant(std::string(policies::to_string(load->second.source)));
      if (load->second.rps > 0) more["rps_cost"] = sdbus::Variant(load->second.rps);
    }
    rows.emplace_back(static_cast<std::uint32_t>(irq.irq), utf8(irq.name), utf8(irq.device),
                      sysfs::queue_name(irq), irq_class(irq), static_cast<std::int32_t>(irq.node), cur,
                      planned ? planned->cpus.to_list() : std::string(),
                      static_cast<std::int32_t>(
                          irq.effective && !irq.effective->empty() ? irq.effective->first() : -1),
                      rate, cost, total > 0.0 ? cost / total : 0.0,
                      s.effective.irq_pins.count(irq.irq) > 0, managed, std::move(more));
  }
  return rows;
}

namespace {
// A NAPI number after the last cycle: read back when the cycle wrote it (napi-get), else as
// discovered at its start.
std::optional<std::uint64_t> napi_now(const StateView& s, int napi_id, const char* attr,
                                      std::optional<std::uint64_t> discovered) {
  auto it = s.now.find(fmt::format("netdev/napi/{}/{}", napi_id, attr));
  std::uint64_t v = 0;
  if (it == s.now.end()) return discovered;
  const std::string& t = it->second;
  if (std::from_chars(t.data(), t.data() + t.size(), v).ec != std::errc{}) return discovered;
  return v;
}

// A queue's NAPI as napi-get shows it after the last cycle: its id, parameters the kernel reports,
// and its kthread (pid, CPUs) while threaded. Nothing when the queue has no NAPI.
More napi_more(const StateView& s, const sysfs::NicInfo& nic, int napi_id) {
  More more;
  if (napi_id < 0) return more;
  more["napi_id"] = sdbus::Variant(static_cast<std::int32_t>(napi_id));
  auto n = std::find_if(nic.napis.begin(), nic.napis.end(), [napi_id](const auto& x) { return x.id == napi_id; });
  if (n == nic.napis.end()) return more;
  auto number = [&](const char* key, const char* attr, std::optional<std::uint64_t> discovered) {
    if (auto v = napi_now(s, napi_id, attr, discovered)) more[key] = sdbus::Variant(*v);
  };
  number("napi_defer_hard_irqs", "defer-hard-irqs", n->defer_hard_irqs);
  number("napi_gro_flush_timeout", "gro-flush-timeout", n->gro_flush_timeout);
  number("napi_irq_suspend_timeout", "irq-suspend-timeout", n->irq_suspend_timeout);
  std::optional<std::uint64_t> threaded;
  if (n->threaded || n->pid > 0) threaded = n->threaded.value_or(n->pid > 0);
  if (auto t = napi_now(s, napi_id, "threaded", threaded)) more["napi_threaded"] = sdbus::Variant(*t != 0);
  if (n->pid > 0) {
    more["napi_thread_pid"] = sdbus::Variant(static_cast<std::int32_t>(n->pid));
    std::string cpus = current(s, fmt::format("task/{}/cpus", n->pid), list_of(n->thread_cpus));
    if (!cpus.empty()) more["napi_thread_cpus"] = sdbus::Variant(cpus);
  }
  return more;
}
}  // namespace

std::vector<DeviceRow> device_rows(const StateView& s) {
  std::vector<DeviceRow> rows;
  for (const auto& nic : s.plan.discovery->inventory.nics) {
    std::vector<QueueRow> queues;
    for (const auto* qs : {&nic.rx, &nic.tx}) {
      for (const auto& q : *qs) {
        std::string dir = fmt::format("{}/queues/{}", nic.path, config::queue_name(q.rx, q.index));
        long flows = q.rps_flow_cnt.value_or(0);
        std::string flows_now = current(s, dir + "/rps_flow_cnt", std::to_string(flows));
        try {
          flows = std::stol(flows_now);
        } catch (const std::exception&) {
        }
        queues.emplace_back(config::queue_name(q.rx, q.index),
                            static_cast<std::int32_t>(q.irqs.empty() ? -1 : q.irqs.front()),
                            current(s, dir + "/rps_cpus", list_of(q.rps_cpus)),
                            static_cast<std::uint32_t>(flows < 0 ? 0 : flows),
                            current(s, dir + "/xps_cpus", list_of(q.xps_cpus)),
                            current(s, dir + "/xps_rxqs", list_of(q.xps_rxqs)), napi_more(s, nic, q.napi_id));
      }
    }
    const config::DeviceSettings& settings = s.effective.device(nic.name);
    const std::string& policy = settings.policy;
    More more;
    more["numa_source"] = sdbus::Variant(std::string(sysfs::to_string(nic.numa_source)));
    more["napi_settings"] = sdbus::Variant(config::napi_settings(settings));
    // Every NAPI, also those no queue names (veth links none): the queue's NAPI fields and its IRQ.
    std::vector<More> napis;
    for (const auto& n : nic.napis) {
      napis.push_back(napi_more(s, nic, n.id));
      napis.back()["napi_irq"] = sdbus::Variant(static_cast<std::int32_t>(n.irq));
    }
    if (!napis.empty()) more["napis"] = sdbus::Variant(napis);
    rows.emplace_back(
        utf8(nic.name), utf8(nic.driver), utf8(nic.pci), static_cast<std::int32_t>(nic.numa_node),
        static_cast<std::uint32_t>(nic.rx.size()), static_cast<std::uint32_t>(nic.tx.size()),
        policy.empty() ? s.effective.policy : policy, std::move(queues), std::move(more));
  }
  return rows;
}

std::vector<ChangeRow> change_rows(const Diff& d) {
  std::map<int, const IrqDiff*> by_irq;
  for (const auto& x : d.irqs)
    if (x.irq != nullptr && x.change) by_irq[x.irq->irq] = &x;
  std::vector<ChangeRow> rows;
  for (const auto& k : d.knobs) {
    std::string leaf = leaf_of(k.path);
    std::string kind = k.irq >= 0 ? "affinity" : leaf;
    std::string subject;
    if (k.irq >= 0) {
      subject = fmt::format("irq {}", k.irq);
    } else if (auto q = k.path.find("/queues/"); q != std::string::npos) {
      // ".../net/eth0/queues/rx-0/rps_cpus" -> "eth0 rx-0"
      std::string dir = k.path.substr(0, q);
      std::string queue = k.path.substr(q + 8, k.path.size() - q - 8 - leaf.size() - 1);
      subject = fmt::format("{} {}", dir.substr(dir.rfind('/') + 1), queue);
    } else {
      subject = "system";
    }
    More more;
    if (auto it = by_irq.find(k.irq); k.irq >= 0 && it != by_irq.end())
      more["reason"] = sdbus::Variant(utf8(it->second->reason()));
    rows.emplace_back(utf8(kind), utf8(subject), utf8(k.path), utf8(as_cpulist(leaf, k.current)),
                      utf8(as_cpulist(leaf, k.value)), std::move(more));
  }
  return rows;
}

OverridesReply overrides_reply(const Overrides& o) {
  OverridesReply r;
  for (const auto& [irq, cpus] : o.irq_pins)
    std::get<0>(r).emplace_back(static_cast<std::uint32_t>(irq), cpus.to_list());
  for (const auto& [k, cpus] : o.queue_pins)
    std::get<1>(r).emplace_back(utf8(k.device), config::queue_name(k.rx, k.index), cpus.to_list());
  std::get<2>(r) = o.banned_cpus.to_list();
  for (const auto& [dev, p] : o.device_policies) std::get<3>(r).emplace_back(utf8(dev), utf8(p));
  return r;
}

std::vector<NapiOverrideRow> napi_override_rows(const Overrides& o) {
  std::vector<NapiOverrideRow> rows;
  for (const auto& [dev, p] : o.device_napi) rows.emplace_back(utf8(dev), config::napi_settings(p));
  return rows;
}

std::vector<std::string> device_signature(const PlanResult& plan) {
  std::vector<std::string> sig;
  for (const auto& nic : plan.discovery->inventory.nics)
    sig.push_back(fmt::format("{} rx={} tx={}", utf8(nic.name), nic.rx.size(), nic.tx.size()));
  return sig;
}


std::vector<TopologyRow> topology_rows(const topology::Machine& m) {
  std::vector<TopologyRow> out;
  sysfs::CpuSet avoided = m.isolated | m.nohz_full;
  for (const auto& pu : m.pus) {
    if (!m.online.test(pu.cpu)) continue;
    More more;
    int package = -1;
    if (pu.package >= 0 && static_cast<std::size_t>(pu.package) < m.packages.size())
      package = m.packages[static_cast<std::size_t>(pu.package)].os_index;
    more["package"] = sdbus::Variant(static_cast<std::int32_t>(package));
    more["smt_rank"] = sdbus::Variant(static_cast<std::int32_t>(pu.smt_rank));
    more["isolated"] = sdbus::Variant(avoided.test(pu.cpu));
    out.emplace_back(pu.cpu, pu.node, pu.core, std::move(more));
  }
  return out;
}

}  // namespace irqd::dbus
