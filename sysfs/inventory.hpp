// The inventory: what discovery found on this machine (or tree) at one moment — network devices,
// their queues and knobs, and every IRQ with its class and owner. Plain values; policies read it,
// the engine diffs plans against it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "sysfs/cpuset.hpp"
#include "sysfs/device_napi.hpp"
#include "sysfs/irq_names.hpp"

namespace irqd::sysfs {

enum class IrqClass {
  kQueue,     // serves a NIC queue: placed by policies
  kNetMisc,   // a NIC's misc/async/config/link vector: reported, not placed
  kManaged,   // kernel-managed affinity (block-layer queues, debugfs flag): never written
  kOther,     // not network: left alone
};
const char* to_string(IrqClass c);

// How the IRQ-to-queue mapping of an IRQ was found, most trusted first.
enum class MappingSource { kNone, kNetdevGenl, kMsiIrqs, kIrqName };
const char* to_string(MappingSource s);

// Where a NIC's NUMA node came from, most trusted first: the PCI function's numa_node, else the
// node most of its queue IRQs report in /proc/irq/N/node, else nowhere (numa_node -1).
enum class NumaSource { kNone, kDevice, kIrq };
const char* to_string(NumaSource s);  // "none", "device", "irq"

struct IrqInfo {
  int irq = -1;
  std::string name;           // action name from /proc/interrupts
  std::string chip;
  IrqClass cls = IrqClass::kOther;
  std::string device;         // owning netdev ("" when none)
  int queue = -1;             // queue index for kQueue
  QueueRole role = QueueRole::kNone;
  MappingSource source = MappingSource::kNone;
  int node = -1;              // /proc/irq/N/node
  std::optional<CpuSet> affinity;   // current smp_affinity(_list)
  std::optional<CpuSet> effective;  // effective_affinity_list
  std::string error;          // why its files could not be read (then it is never placed)
  bool affinity_list = true;  // the kernel has smp_affinity_list (else irqd writes smp_affinity)
  bool operator==(const IrqInfo&) const = default;
};

struct QueueInfo {
  int index = -1;
  bool rx = true;
  std::optional<CpuSet> rps_cpus;
  std::optional<long> rps_flow_cnt;
  std::optional<CpuSet> xps_cpus;
  std::optional<CpuSet> xps_rxqs;
  std::vector<int> irqs;      // IRQs serving this queue (usually one)
  int napi_id = -1;           // the NAPI serving it (netdev queue-get, 6.8+); -1: none or unknown
  bool operator==(const QueueInfo&) const = default;
};

// One NAPI instance of a NIC, as the netdev family's napi-get reports it (Linux 6.8+).
struct NicNapi {
  int id = -1;
  int irq = -1;                                    // -1: no IRQ the kernel knows of
  int pid = -1;                                    // its napi/<dev>-<id> kthread while threaded
  std::optional<bool> threaded;                    // per-NAPI threaded, 6.17+
  std::optional<std::uint32_t> defer_hard_irqs;    // 6.13+
  std::optional<std::uint64_t> gro_flush_timeout;  // ns, 6.13+
  std::optional<std::uint64_t> irq_suspend_timeout;  // ns, 6.13+
  std::optional<CpuSet> thread_cpus;               // its kthread's CPUs (Cpus_allowed_list of proc/<pid>/status)
  bool operator==(const NicNapi&) const = default;
};

struct NicInfo {
  std::string name;
  int ifindex = 0;
  std::string path;           // kernel-relative netdev directory ("" when inferred from names)
  std::string driver;
  std::string pci;            // PCI address, "" when none
  std::string mac;            // hardware address, "" when unknown (for configuration rules)
  int numa_node = -1;         // -1: no NUMA information
  NumaSource numa_source = NumaSource::kNone;  // what gave numa_node
  std::optional<CpuSet> local_cpus;
  bool is_virtual = false;
  std::optional<bool> up;     // administratively up (IFF_UP, else operstate); nullopt: unknown
  bool from_sysfs = true;     // false: known only from IRQ names (trees without sys/class/net)
  std::vector<QueueInfo> rx;
  std::vector<QueueInfo> tx;
  std::vector<int> irqs;      // every IRQ of the device, queue or not, sorted
  std::vector<NicNapi> napis; // napi-get's NAPIs of the device, by id (empty: none or not asked)
  DeviceNapi device_napi;     // its device-wide NAPI files now (nullopt: no such file)
  std::vector<std::string> errors;
  bool operator==(const NicInfo&) const = default;
};

struct Inventory {
  std::vector<NicInfo> nics;  // sorted by name
  std::vector<IrqInfo> irqs;  // sorted by IRQ number
  int mask_bits = 0;          // width of cpumask files (kernel nr_cpu_ids), for writing masks
  // napi-get answered: NicInfo::napis is every NAPI the kernel has, so a NIC without any has none
  // now. false: NAPIs unknown (no napi-get before Linux 6.8, --no-netlink, a captured tree).
  bool napis_listed = false;
  // proc/sys/net/core/rps_sock_flow_entries as discovery read it (the RFS table size), or why
  // there is no value (a note for the report: absent here, or the read error).
  std::optional<std::string> rps_sock_flow_entries;
  std::string rps_sock_flow_note;

  const NicInfo* nic(const std::string& name) const;
  const IrqInfo* irq(int n) const;
  // The queue IRQs of a NIC, sorted by queue index then role.
  std::vector<const IrqInfo*> queue_irqs(const std::string& nic) const;
  // The same for every NIC at once, by NIC name (one pass over the IRQs, not one per NIC).
  std::unordered_map<std::string_view, std::vector<const IrqInfo*>> queue_irqs_by_nic() const;
  // Member-wise: the engine keeps the last plan while discovery finds the same thing.
  bool operator==(const Inventory&) const = default;
};

// A queue IRQ's queue as views name it: "rx-3", "tx-3" or "rxtx-3"; "" when not a queue's.
std::string queue_name(const IrqInfo& irq);

}  // namespace irqd::sysfs
