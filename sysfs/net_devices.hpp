// Readers for network devices under /sys: each interface's queues and their steering knobs
// (rps_cpus, rps_flow_cnt, xps_cpus, xps_rxqs), its device-wide NAPI files, and the device behind
// it (PCI address, driver, NUMA node, local CPUs, MSI vectors, virtio parent).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "sysfs/cpuset.hpp"
#include "sysfs/device_napi.hpp"
#include "sysfs/sys_root.hpp"

namespace irqd::sysfs {

struct NetQueue {
  int index = -1;
  bool rx = true;
  std::optional<CpuSet> rps_cpus;     // rx only
  std::optional<long> rps_flow_cnt;   // rx only
  std::optional<CpuSet> xps_cpus;     // tx only; absent on single-queue devices
  std::optional<CpuSet> xps_rxqs;     // tx only; a mask of RX queue numbers (Linux 5.0+)
};

struct PciDevice {
  std::string address;       // "0000:45:00.0"
  std::string path;          // kernel-relative "sys/devices/pci0000:40/.../0000:45:00.0"
  std::string driver;        // "igb"; "" when unbound / unknown
  int numa_node = -1;        // -1 when the platform gives none
  std::optional<CpuSet> local_cpus;
  std::vector<int> msi_irqs;  // sorted; empty when the tree lacks msi_irqs/
  bool is_network = false;    // PCI class 0x02xxxx
};

struct NetDevice {
  std::string name;
  int ifindex = 0;
  std::string path;           // kernel-relative path of the netdev directory
  std::string driver;         // from device/driver or uevent DRIVER=; "" for virtual devices
  std::string mac;            // the address file ("52:54:00:12:34:56"); "" when absent
  std::string virtio;         // "virtio2" when the netdev sits on a virtio device
  std::optional<PciDevice> pci;
  bool is_virtual = false;    // under sys/devices/virtual (veth, bridge, lo, ...)
  // Administratively up: IFF_UP in the flags file, else operstate (up/down); nullopt: unknown.
  std::optional<bool> up;
  std::vector<NetQueue> rx;   // by index
  std::vector<NetQueue> tx;
  DeviceNapi napi;            // threaded, napi_defer_hard_irqs, gro_flush_timeout (absent: nullopt)
  std::vector<std::string> errors;  // knob files that exist but could not be read/parsed
};

// Every netdev except lo: from sys/class/net, else (trees without class links) from the net/
// directories of PCI devices found under sys/devices. Sorted by name.
std::vector<NetDevice> read_net_devices(const SysRoot& root);
// One netdev by its kernel-relative directory (e.g. "sys/class/net/eth0"); nullopt when gone.
std::optional<NetDevice> read_net_device(const SysRoot& root, const std::string& dir);
// The PCI function at sys/bus/pci/devices/<address> (or an already-resolved path).
std::optional<PciDevice> read_pci_device(const SysRoot& root, const std::string& address);
// Reads the queue knobs of one queue directory ("sys/class/net/eth0/queues/rx-3").
NetQueue read_queue(const SysRoot& root, const std::string& queue_dir, int index, bool rx,
                    std::vector<std::string>& errors);

// True for "DDDD:BB:DD.F".
bool is_pci_address(std::string_view s);

}  // namespace irqd::sysfs
