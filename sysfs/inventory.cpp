// Inventory lookups and enum names.
#include "sysfs/inventory.hpp"

#include <algorithm>

namespace irqd::sysfs {

std::string queue_name(const IrqInfo& irq) {
  if (irq.cls != IrqClass::kQueue || irq.queue < 0) return "";
  const char* prefix = irq.role == QueueRole::kTx ? "tx" : irq.role == QueueRole::kRx ? "rx" : "rxtx";
  return std::string(prefix) + "-" + std::to_string(irq.queue);
}

const char* to_string(IrqClass c) {
  switch (c) {
    case IrqClass::kQueue: return "queue";
    case IrqClass::kNetMisc: return "net-misc";
    case IrqClass::kManaged: return "managed";
    case IrqClass::kOther: return "other";
  }
  return "?";
}

const char* to_string(MappingSource s) {
  switch (s) {
    case MappingSource::kNone: return "none";
    case MappingSource::kNetdevGenl: return "netdev-genl";
    case MappingSource::kMsiIrqs: return "msi_irqs";
    case MappingSource::kIrqName: return "irq-name";
  }
  return "?";
}

const char* to_string(NumaSource s) {
  switch (s) {
    case NumaSource::kNone: return "none";
    case NumaSource::kDevice: return "device";
    case NumaSource::kIrq: return "irq";
  }
  return "?";
}

const NicInfo* Inventory::nic(const std::string& name) const {
  auto it = std::lower_bound(nics.begin(), nics.end(), name,
                             [](const NicInfo& n, const std::string& v) { return n.name < v; });
  return it != nics.end() && it->name == name ? &*it : nullptr;
}

const IrqInfo* Inventory::irq(int n) const {
  auto it = std::lower_bound(irqs.begin(), irqs.end(), n,
                             [](const IrqInfo& i, int v) { return i.irq < v; });
  return it != irqs.end() && it->irq == n ? &*it : nullptr;
}

namespace {
void by_queue(std::vector<const IrqInfo*>& irqs) {
  std::stable_sort(irqs.begin(), irqs.end(), [](const IrqInfo* a, const IrqInfo* b) {
    return a->queue != b->queue ? a->queue < b->queue : a->role < b->role;
  });
}
}  // namespace

std::vector<const IrqInfo*> Inventory::queue_irqs(const std::string& nic_name) const {
  std::vector<const IrqInfo*> out;
  for (const auto& i : irqs)
    if (i.cls == IrqClass::kQueue && i.device == nic_name) out.push_back(&i);
  by_queue(out);
  return out;
}

std::unordered_map<std::string_view, std::vector<const IrqInfo*>> Inventory::queue_irqs_by_nic() const {
  std::unordered_map<std::string_view, std::vector<const IrqInfo*>> out;
  for (const auto& i : irqs)
    if (i.cls == IrqClass::kQueue) out[i.device].push_back(&i);
  for (auto& entry : out) by_queue(entry.second);
  return out;
}

}  // namespace irqd::sysfs
