// Discovery cache: when to discover from scratch, and the bounded per-cycle re-reads otherwise.
#include "irqd/engine/discovery_cache.hpp"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>

#include "sysfs/device_napi.hpp"
#include "sysfs/irq_files.hpp"
#include "sysfs/net_devices.hpp"

namespace irqd {

bool DiscoveryCache::same_shape(const sysfs::SysRoot& root, const sysfs::InterruptTable& table) {
  if (table.cpus != cpus_) return false;
  std::size_t n = 0;
  for (const auto& row : table.rows) {
    if (row.irq < 0) continue;
    if (n == irqs_.size() || irqs_[n] != row.irq || names_[n] != row.name) return false;
    ++n;
  }
  if (n != irqs_.size()) return false;
  // A netdev without IRQs (veth, a new VF before its vectors) changes only this listing.
  return root.list("sys/class/net") == netdevs_;
}

void DiscoveryCache::remember_shape(const sysfs::InterruptTable& table) {
  irqs_.clear();
  names_.clear();
  for (const auto& row : table.rows)
    if (row.irq >= 0) {
      irqs_.push_back(row.irq);
      names_.push_back(row.name);
    }
  cpus_ = table.cpus;
}

void DiscoveryCache::index_items(const sysfs::SysRoot& root, const sysfs::InterruptTable& table) {
  items_.clear();
  irq_item_.clear();
  queue_item_.clear();
  queues_.clear();
  cursor_ = 0;
  proc_irq_ = root.at("proc/irq");
  std::unordered_map<int, std::ptrdiff_t> row_of;
  std::ptrdiff_t pos = 0;
  for (const auto& row : table.rows)
    if (row.irq >= 0) row_of.emplace(row.irq, pos++);
  const auto& inv = disc_->inventory;
  std::size_t queues = 0;  // sized once: on a big machine these are thousands of items
  for (const auto& nic : inv.nics) queues += nic.rx.size() + nic.tx.size();
  items_.reserve(inv.irqs.size() + queues);
  queue_item_.reserve(queues);
  // IRQs of NICs only: the rest are never planned or diffed, so their current affinity does not
  // matter to a cycle. An IRQ whose files could not be read stays unplaced until rediscovery.
  for (std::size_t i = 0; i < inv.irqs.size(); ++i) {
    const auto& irq = inv.irqs[i];
    if (irq.device.empty() || !irq.error.empty()) continue;
    Item it;
    it.irq = i;
    if (auto r = row_of.find(irq.irq); r != row_of.end()) it.row = r->second;
    irq_item_.emplace(irq.irq, items_.size());
    items_.push_back(std::move(it));
  }
  for (std::size_t n = 0; n < inv.nics.size(); ++n) {
    const auto& nic = inv.nics[n];
    queues_.push_back(nic.path.empty() ? root : root.at(nic.path + "/queues"));
    if (nic.path.empty()) continue;
    for (bool rx : {true, false}) {
      const auto& qs = rx ? nic.rx : nic.tx;
      for (std::size_t q = 0; q < qs.size(); ++q) {
        Item it;
        it.nic = n;
        it.rx = rx;
        it.queue = q;
        it.dir = fmt::format("{}-{}", rx ? "rx" : "tx", qs[q].index);
        queue_item_.push_back({queue_key(n, rx, qs[q].index), items_.size()});
        items_.push_back(std::move(it));
      }
    }
  }
  std::sort(queue_item_.begin(), queue_item_.end());
}

bool DiscoveryCache::suspect(const Item& it, const Sampler* sampler, std::size_t numbered) const {
  if (sampler == nullptr || it.dir.size() > 0 || it.row < 0) return false;
  const auto& fired = sampler->fired();
  if (fired.size() != numbered) return false;  // the sampler has no delta for this reading
  const FiredOn& on = fired[static_cast<std::size_t>(it.row)];
  if (on.ncpus == 0) return false;
  const auto& irq = disc_->inventory.irqs[it.irq];
  const auto& where = irq.effective && !irq.effective->empty() ? irq.effective : irq.affinity;
  if (!where) return true;
  return !where->test(on.first_cpu) || on.ncpus > where->count();
}

Discovery& DiscoveryCache::own() {
  // The last plan may hold this discovery (shared()): change a copy, never what it reads.
  if (disc_.use_count() > 1) disc_ = std::make_shared<Discovery>(*disc_);
  changed_ = true;
  return *disc_;
}

bool DiscoveryCache::reread(Item& it, bool effective) {
  it.pending = false;
  try {
    if (it.dir.empty()) {
      const auto& irq = disc_->inventory.irqs[it.irq];
      auto now = sysfs::read_irq_current_in(*proc_irq_, irq.irq, effective);
      if (!now.present) return false;  // the IRQ went away: its NIC is changing
      // Moved by someone else: where it is delivered now changed too.
      if (!effective && !(irq.affinity && *irq.affinity == *now.affinity))
        now = sysfs::read_irq_current_in(*proc_irq_, irq.irq, true), effective = true;
      if (irq.affinity == now.affinity && (!effective || irq.effective == now.effective)) return true;
      auto& mut = own().inventory.irqs[it.irq];
      mut.affinity = std::move(now.affinity);
      if (effective) mut.effective = std::move(now.effective);
      return true;
    }
    const auto& nic = disc_->inventory.nics[it.nic];
    const auto& q = (it.rx ? nic.rx : nic.tx)[it.queue];
    std::vector<std::string> errors;
    auto now = sysfs::read_queue(queues_[it.nic], it.dir, q.index, it.rx, errors);
    if (!errors.empty()) return false;  // a full discovery reports it as a warning
    if (q.rps_cpus == now.rps_cpus && q.rps_flow_cnt == now.rps_flow_cnt && q.xps_cpus == now.xps_cpus &&
        q.xps_rxqs == now.xps_rxqs)
      return true;
    auto& mnic = own().inventory.nics[it.nic];
    auto& mq = (it.rx ? mnic.rx : mnic.tx)[it.queue];
    mq.rps_cpus = std::move(now.rps_cpus);
    mq.rps_flow_cnt = now.rps_flow_cnt;
    mq.xps_cpus = std::move(now.xps_cpus);
    mq.xps_rxqs = std::move(now.xps_rxqs);
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

const Discovery& DiscoveryCache::get(const sysfs::SysRoot& root, const sysfs::InterruptTable& table,
                                     const DiscoverOptions& opts, const Sampler* sampler) {
  last_reads_ = 0;
  if (disc_ && same_shape(root, table)) {
    const std::size_t numbered = irqs_.size();
    const std::size_t n = items_.size();
    const std::size_t share = std::max(kMinPerCycle, (n + kSweepCycles - 1) / kSweepCycles);
    bool ok = true;
    // Written and suspect items first (with the effective affinity), then the rotating share.
    for (auto& it : items_) {
      if (!it.pending && !suspect(it, sampler, numbered)) continue;
      ++last_reads_;
      if (!(ok = reread(it, true))) break;
    }
    for (std::size_t k = 0; ok && k < std::min(share, n); ++k) {
      Item& it = items_[cursor_];
      cursor_ = cursor_ + 1 == n ? 0 : cursor_ + 1;
      ++last_reads_;
      ok = reread(it, false);
    }
    if (ok) {
      // The RFS table size: one small file, read every cycle (the diff reads no file itself).
      sysfs::Inventory probe;
      probe.rps_sock_flow_entries = disc_->inventory.rps_sock_flow_entries;
      probe.rps_sock_flow_note = disc_->inventory.rps_sock_flow_note;
      if (read_rfs_table(root, probe)) {
        ++last_reads_;
        auto& inv = own().inventory;
        inv.rps_sock_flow_entries = std::move(probe.rps_sock_flow_entries);
        inv.rps_sock_flow_note = std::move(probe.rps_sock_flow_note);
      }
      last_full_ = false;
      if (changed_) disc_->version = ++version_;
      changed_ = false;
      return *disc_;
    }
  }
  disc_.reset();
  disc_ = std::make_shared<Discovery>(discover(root, table, opts));
  disc_->version = ++version_;
  changed_ = false;
  ++full_;
  last_full_ = true;
  remember_shape(table);
  netdevs_ = root.list("sys/class/net");
  index_items(root, table);
  return *disc_;
}

bool DiscoveryCache::take_read_back(const Item& it, std::string_view leaf, const std::string& text) {
  try {
    const auto& q = (it.rx ? disc_->inventory.nics[it.nic].rx : disc_->inventory.nics[it.nic].tx)[it.queue];
    auto queue = [&]() -> sysfs::QueueInfo& {
      auto& n = own().inventory.nics[it.nic];
      return (it.rx ? n.rx : n.tx)[it.queue];
    };
    if (leaf == "rps_flow_cnt") {
      const long v = std::stol(text);
      if (q.rps_flow_cnt != v) queue().rps_flow_cnt = v;
      return true;
    }
    std::optional<sysfs::CpuSet> sysfs::QueueInfo::*field = leaf == "rps_cpus"   ? &sysfs::QueueInfo::rps_cpus
                                                           : leaf == "xps_cpus" ? &sysfs::QueueInfo::xps_cpus
                                                           : leaf == "xps_rxqs" ? &sysfs::QueueInfo::xps_rxqs
                                                                                : nullptr;
    if (field == nullptr) return false;
    auto v = sysfs::CpuSet::parse_mask(text);
    if (q.*field != v) queue().*field = std::move(v);
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

void DiscoveryCache::written(const std::vector<KnobChange>& knobs,
                             const std::map<std::string, std::string>& read_back) {
  for (const auto& k : knobs) {
    // NAPI settings and kthread CPUs live in the netdev family and the scheduler, which only a
    // full discovery asks (napi-get, proc/<pid>/status), and only it reads a netdev's
    // device-wide NAPI files: the next cycle discovers from scratch, and sees a thread that
    // threading on (per NAPI or device-wide) just started.
    if (k.path.starts_with("netdev/napi/") || k.path.starts_with("task/") || sysfs::is_device_napi_path(k.path)) {
      invalidate();
      return;
    }
    if (k.irq >= 0) {
      if (auto it = irq_item_.find(k.irq); it != irq_item_.end()) items_[it->second].pending = true;
      continue;
    }
    auto slash = k.path.rfind('/');
    if (slash == std::string::npos) continue;
    // "<nic path>/queues/rx-5/rps_cpus": the NIC by its path, the queue by its directory name.
    const std::string_view dir = std::string_view(k.path).substr(0, slash);
    const auto name_at = dir.rfind('/');
    if (name_at == std::string_view::npos || !dir.substr(0, name_at).ends_with("/queues")) continue;
    const std::string_view nic_path = dir.substr(0, name_at - 7), name = dir.substr(name_at + 1);
    const bool rx = name.starts_with("rx-");
    if (!rx && !name.starts_with("tx-")) continue;
    int index = -1;
    if (std::from_chars(name.data() + 3, name.data() + name.size(), index).ec != std::errc{}) continue;
    const auto& nics = disc_->inventory.nics;
    for (std::size_t n = 0; n < nics.size(); ++n) {
      if (nics[n].path != nic_path) continue;
      const std::uint64_t key = queue_key(n, rx, index);
      auto it = std::lower_bound(queue_item_.begin(), queue_item_.end(), key,
                                 [](const auto& e, std::uint64_t v) { return e.first < v; });
      if (it == queue_item_.end() || it->first != key) continue;
      Item& item = items_[it->second];
      auto back = read_back.find(k.path);
      if (back == read_back.end() || !take_read_back(item, std::string_view(k.path).substr(slash + 1), back->second))
        item.pending = true;
    }
  }
}

}  // namespace irqd
