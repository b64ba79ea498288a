// Discovery. Which IRQ serves which queue is taken from three sources in order of trust: the
// netdev genetlink family (the kernel says so), the device's msi_irqs (the IRQ is the device's;
// the name says which queue), then the IRQ name alone (driver conventions, with the PCI address
// in the chip column or the name to find the device). A NIC's NUMA node comes from its PCI
// function, else from the /proc/irq/N/node most of its queue IRQs report.
#include "irqd/engine/discover.hpp"

#include <algorithm>
#include <cerrno>
#include <map>
#include <set>

#include <fmt/format.h>

#include "irqd/engine/discover_netdev.hpp"
#include "sysfs/task_cpus.hpp"
#include "sysfs/error.hpp"
#include "sysfs/irq_files.hpp"
#include "sysfs/net_devices.hpp"

namespace irqd {

using sysfs::IrqClass;
using sysfs::IrqInfo;
using sysfs::MappingSource;
using sysfs::NameKind;
using sysfs::NicInfo;
using sysfs::QueueRole;

namespace {

NicInfo from_device(const sysfs::NetDevice& d) {
  NicInfo n;
  n.name = d.name;
  n.ifindex = d.ifindex;
  n.path = d.path;
  n.driver = d.driver;
  n.mac = d.mac;
  n.is_virtual = d.is_virtual;
  n.up = d.up;
  n.errors = d.errors;
  n.device_napi = d.napi;
  if (d.pci) {
    n.pci = d.pci->address;
    n.numa_node = d.pci->numa_node;
    if (n.numa_node >= 0) n.numa_source = sysfs::NumaSource::kDevice;
    n.local_cpus = d.pci->local_cpus;
  }
  for (const auto& q : d.rx) n.rx.push_back({q.index, true, q.rps_cpus, q.rps_flow_cnt, {}, {}, {}});
  for (const auto& q : d.tx) n.tx.push_back({q.index, false, {}, {}, q.xps_cpus, q.xps_rxqs, {}});
  return n;
}

// Index of NICs by the keys IRQ names and chip columns carry.
class NicIndex {
 public:
  explicit NicIndex(std::vector<NicInfo>& nics) : nics_(nics) { rebuild(); }

  void rebuild() {
    by_name_.clear();
    by_pci_.clear();
    by_ifindex_.clear();  // by_virtio_ holds indexes that appending NICs does not move
    for (std::size_t i = 0; i < nics_.size(); ++i) {
      by_name_[nics_[i].name] = i;
      if (!nics_[i].pci.empty()) by_pci_.emplace(nics_[i].pci, i);  // first port wins for shared functions
      if (nics_[i].ifindex > 0) by_ifindex_[nics_[i].ifindex] = i;
    }
  }
  void add_virtio(const std::string& virtio, std::size_t i) { by_virtio_[virtio] = i; }

  std::optional<std::size_t> name(const std::string& s) const { return find(by_name_, s); }
  std::optional<std::size_t> pci(const std::string& s) const { return find(by_pci_, s); }
  std::optional<std::size_t> virtio(const std::string& s) const { return find(by_virtio_, s); }
  std::optional<std::size_t> ifindex(int i) const {
    auto it = by_ifindex_.find(i);
    return it == by_ifindex_.end() ? std::nullopt : std::optional(it->second);
  }

 private:
  static std::optional<std::size_t> find(const std::map<std::string, std::size_t>& m, const std::string& k) {
    auto it = m.find(k);
    return it == m.end() ? std::nullopt : std::optional(it->second);
  }
  std::vector<NicInfo>& nics_;
  std::map<std::string, std::size_t> by_name_, by_pci_, by_virtio_;
  std::map<int, std::size_t> by_ifindex_;
};

struct GenlQueue {
  std::size_t nic;
  int queue;
  QueueRole role;
};

// irq -> what the netdev family says it serves. An IRQ named for both RX and TX queue i serves a
// combined channel.
std::map<int, GenlQueue> netdev_genl_map(const NicIndex& index, const std::vector<netlink::QueueIrq>& queues) {
  std::map<int, GenlQueue> out;
  for (const auto& q : queues) {
    if (q.irq < 0) continue;
    auto nic = index.ifindex(q.ifindex);
    if (!nic) continue;
    QueueRole role = q.rx ? QueueRole::kRx : QueueRole::kTx;
    auto [it, inserted] = out.try_emplace(q.irq, GenlQueue{*nic, q.queue, role});
    if (!inserted && it->second.role != role) it->second.role = QueueRole::kCombined;
  }
  return out;
}

NicInfo inferred_nic(const sysfs::SysRoot& root, const std::string& name, const std::string& pci) {
  NicInfo n;
  n.name = name;
  n.from_sysfs = false;
  n.pci = pci;
  if (!pci.empty()) {
    if (auto dev = sysfs::read_pci_device(root, pci)) {
      n.numa_node = dev->numa_node;
      if (n.numa_node >= 0) n.numa_source = sysfs::NumaSource::kDevice;
      n.local_cpus = dev->local_cpus;
      n.driver = dev->driver;
    }
  }
  return n;
}

void attach_queue(NicInfo& nic, const IrqInfo& irq) {
  auto add = [&](std::vector<sysfs::QueueInfo>& qs, bool rx) {
    auto it = std::find_if(qs.begin(), qs.end(), [&](const auto& q) { return q.index == irq.queue; });
    if (it == qs.end()) {
      if (nic.from_sysfs) return;  // sysfs lists every queue the device has; don't invent one
      sysfs::QueueInfo q;
      q.index = irq.queue;
      q.rx = rx;
      qs.push_back(q);
      it = qs.end() - 1;
    }
    it->irqs.push_back(irq.irq);
  };
  if (irq.role == QueueRole::kRx || irq.role == QueueRole::kCombined) add(nic.rx, true);
  if (irq.role == QueueRole::kTx || irq.role == QueueRole::kCombined) add(nic.tx, false);
}

// The name an inferred NIC gets: the interface the IRQ name carries, else its virtio device,
// else its PCI address.
std::string inferred_key(const sysfs::IrqNameInfo& named, const std::string& chip_pci) {
  if (!named.iface.empty()) return named.iface;
  if (!named.virtio.empty()) return named.virtio;
  return !named.pci.empty() ? named.pci : chip_pci;
}

// A NIC whose device names no NUMA node (no numa_node file, or -1) takes the node most of its
// queue IRQs report (`irq_nodes`: node -> IRQs, -1 left out). IRQs that disagree are warned
// about; a tie gives no node, since nothing says which half is right.
void node_from_irqs(NicInfo& nic, const std::map<int, int>& irq_nodes, std::vector<std::string>& warnings) {
  if (nic.numa_node >= 0 || irq_nodes.empty()) return;
  int best = -1, best_count = 0;
  bool tie = false;
  for (const auto& [node, count] : irq_nodes) {
    if (count > best_count) {
      best = node;
      best_count = count;
      tie = false;
    } else if (count == best_count) {
      tie = true;
    }
  }
  if (irq_nodes.size() > 1) {
    std::vector<std::pair<int, int>> by_count(irq_nodes.begin(), irq_nodes.end());
    std::stable_sort(by_count.begin(), by_count.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
    std::string counts;
    for (const auto& [node, count] : by_count)
      counts += fmt::format("{}{} on node {}", counts.empty() ? "" : ", ", count, node);
    warnings.push_back(fmt::format("{}: the device gives no NUMA node and its queue IRQs' /proc/irq/N/node "
                                   "disagree ({}): {}",
                                   nic.name, counts, tie ? "no majority, no node" : fmt::format("using node {}", best)));
  }
  if (tie) return;
  nic.numa_node = best;
  nic.numa_source = sysfs::NumaSource::kIrq;
}

int mask_bits(const sysfs::SysRoot& root, const sysfs::InterruptTable& table) {
  if (auto possible = root.read_line("sys/devices/system/cpu/possible")) {
    try {
      return sysfs::CpuSet::parse_list(*possible).last() + 1;
    } catch (const std::invalid_argument&) {
    }
  }
  return table.cpus.empty() ? 1 : table.cpus.back() + 1;
}

}  // namespace

Discovery discover(const sysfs::SysRoot& root, const DiscoverOptions& opts) {
  // Read in chunks as the daemon's sampler does: the text is never held whole, only the table.
  sysfs::InterruptTable table;
  std::string chunk;
  if (!sysfs::read_interrupts(root, table, chunk)) {
    if (root.is_live()) throw sysfs::IoError(root.display("proc/interrupts"), ENOENT, "cannot open");
    // A captured tree without /proc/interrupts still shows devices and queues.
    Discovery d = discover(root, sysfs::InterruptTable{}, opts);
    d.warnings.push_back(fmt::format("{} is missing: no IRQs discovered", root.display("proc/interrupts")));
    return d;
  }
  chunk = std::string();
  return discover(root, table, opts);
}

Discovery discover(const sysfs::SysRoot& root, const sysfs::InterruptTable& table,
                   const DiscoverOptions& opts) {
  Discovery out;
  auto& inv = out.inventory;
  const auto devices = sysfs::read_net_devices(root);  // sorted by name, as inv.nics starts
  for (const auto& d : devices) {
    inv.nics.push_back(from_device(d));
    for (const auto& e : d.errors) out.warnings.push_back(e);
  }
  NicIndex index(inv.nics);
  for (std::size_t i = 0; i < devices.size(); ++i)
    if (!devices[i].virtio.empty()) index.add_virtio(devices[i].virtio, i);

  std::map<int, GenlQueue> genl;
  if (opts.use_netlink && (opts.netdev != nullptr || root.is_live())) {
    const NetdevAnswer answer = ask_netdev(opts.netdev, out.warnings);
    out.netdev = answer.features;
    inv.napis_listed = answer.napis_listed;
    genl = netdev_genl_map(index, answer.queues);
    record_napis(answer, inv.nics);
    for (auto& nic : inv.nics)
      for (auto& napi : nic.napis)
        if (napi.pid > 0) {
          try {
            napi.thread_cpus = sysfs::read_task_cpus(root, napi.pid);
          } catch (const std::exception& e) {
            out.warnings.push_back(fmt::format("{} NAPI {}: its thread's CPUs: {}", nic.name, napi.id, e.what()));
          }
        }
  }

  std::map<int, std::size_t> msi_owner;
  for (std::size_t i = 0; i < devices.size(); ++i)
    if (devices[i].pci)
      for (int irq : devices[i].pci->msi_irqs) msi_owner.emplace(irq, i);

  std::set<std::string> ifaces;
  for (const auto& n : inv.nics) ifaces.insert(n.name);
  auto is_iface = [&](std::string_view s) { return ifaces.count(std::string(s)) > 0; };

  // Keys (interface, virtio device or PCI address) that queue IRQs name but no netdev has. Only
  // trees without sys/class/net get NICs inferred from names: where the kernel lists netdevs
  // (always on a live machine), an IRQ of an unlisted device belongs to another network
  // namespace or to no netdev, and must not be placed.
  std::set<std::string> inferable;
  const bool may_infer = !root.is_dir("sys/class/net");
  for (const auto& row : table.rows) {
    if (!may_infer) break;
    if (row.irq < 0) continue;
    auto named = sysfs::classify_irq_name(row.name, ifaces.empty() ? std::function<bool(std::string_view)>{} : is_iface);
    if (named.kind == NameKind::kQueue && !genl.count(row.irq) && !msi_owner.count(row.irq)) {
      std::string key = inferred_key(named, row.chip_pci);
      if (!key.empty() && !index.name(key) && !(!named.pci.empty() && index.pci(named.pci)) &&
          !(!named.virtio.empty() && index.virtio(named.virtio)) && !(!row.chip_pci.empty() && index.pci(row.chip_pci)))
        inferable.insert(key);
    }
  }

  std::vector<std::pair<IrqInfo, std::optional<std::size_t>>> irqs;
  for (const auto& row : table.rows) {
    if (row.irq < 0) continue;
    if (row.cut)
      out.warnings.push_back(fmt::format("IRQ {}: {}:{}: description longer than {} bytes: only its start is kept",
                                         row.irq, root.display("proc/interrupts"), row.line, sysfs::kMaxDescription));
    IrqInfo info;
    info.irq = row.irq;
    info.name = row.name;
    info.chip = row.chip;
    auto named = sysfs::classify_irq_name(row.name, ifaces.empty() ? std::function<bool(std::string_view)>{} : is_iface);
    std::optional<std::size_t> owner;

    if (auto g = genl.find(row.irq); g != genl.end()) {
      owner = g->second.nic;
      info.cls = IrqClass::kQueue;
      info.queue = g->second.queue;
      info.role = g->second.role;
      info.source = MappingSource::kNetdevGenl;
    } else {
      if (auto m = msi_owner.find(row.irq); m != msi_owner.end()) {
        owner = m->second;
        info.source = MappingSource::kMsiIrqs;
      } else if (named.kind == NameKind::kQueue || named.kind == NameKind::kNetMisc) {
        if (!named.iface.empty()) owner = index.name(named.iface);
        if (!owner && !named.pci.empty()) owner = index.pci(named.pci);
        if (!owner && !named.virtio.empty()) owner = index.virtio(named.virtio);
        if (!owner && !row.chip_pci.empty()) owner = index.pci(row.chip_pci);
        if (!owner) owner = index.name(inferred_key(named, row.chip_pci));  // inferred earlier
        if (!owner && inferable.count(inferred_key(named, row.chip_pci))) {
          // Trees without sys/class/net: the name is all we know; make the NIC from it. Only
          // keys some queue IRQ carries qualify, so a virtio balloon's "virtio0-config" or an
          // HBA's misc vector never becomes a NIC.
          std::string nic_name = inferred_key(named, row.chip_pci);
          std::string pci = !named.pci.empty() ? named.pci : row.chip_pci;
          {
            inv.nics.push_back(inferred_nic(root, nic_name, pci));
            index.rebuild();
            ifaces.insert(nic_name);
            owner = inv.nics.size() - 1;
          }
        }
        if (owner) info.source = MappingSource::kIrqName;
      } else if (!row.chip_pci.empty()) {
        owner = index.pci(row.chip_pci);  // a NIC vector whose name follows no known convention
        if (owner) info.source = MappingSource::kMsiIrqs;
      }
      if (named.kind == NameKind::kManaged) {
        info.cls = IrqClass::kManaged;
      } else if (owner && named.kind == NameKind::kQueue) {
        info.cls = IrqClass::kQueue;
        info.queue = named.queue;
        info.role = named.role;
      } else if (owner) {
        info.cls = IrqClass::kNetMisc;
      }
    }
    if (owner) info.device = inv.nics[*owner].name;

    try {
      auto aff = sysfs::read_irq_affinity(root, row.irq);
      info.affinity = aff.affinity;
      info.affinity_list = aff.list || !aff.affinity;
      info.effective = aff.effective;
      info.node = aff.node;
      if (aff.managed) info.cls = IrqClass::kManaged;
      if (!aff.present) info.error = fmt::format("{} does not exist", root.display(fmt::format("proc/irq/{}", row.irq)));
    } catch (const std::exception& e) {
      info.error = e.what();
      out.warnings.push_back(fmt::format("IRQ {} ({}): {}", row.irq, row.name, e.what()));
    }
    irqs.emplace_back(std::move(info), owner);
  }

  std::vector<std::map<int, int>> irq_nodes(inv.nics.size());  // per NIC: node -> queue IRQs
  for (auto& [info, owner] : irqs) {
    if (owner) {
      NicInfo& nic = inv.nics[*owner];
      nic.irqs.push_back(info.irq);
      if (info.cls == IrqClass::kQueue) {
        attach_queue(nic, info);
        if (info.node >= 0) ++irq_nodes[*owner][info.node];
      }
    }
    inv.irqs.push_back(std::move(info));
  }
  for (std::size_t i = 0; i < inv.nics.size(); ++i) node_from_irqs(inv.nics[i], irq_nodes[i], out.warnings);
  for (auto& nic : inv.nics) {
    std::sort(nic.irqs.begin(), nic.irqs.end());
    auto by_index = [](const auto& a, const auto& b) { return a.index < b.index; };
    std::sort(nic.rx.begin(), nic.rx.end(), by_index);
    std::sort(nic.tx.begin(), nic.tx.end(), by_index);
  }
  std::sort(inv.nics.begin(), inv.nics.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  std::sort(inv.irqs.begin(), inv.irqs.end(), [](const auto& a, const auto& b) { return a.irq < b.irq; });
  inv.mask_bits = mask_bits(root, table);
  read_rfs_table(root, inv);
  return out;
}

}  // namespace irqd
