// Builds small /proc + /sys trees for tests: NICs with queues, their PCI function and MSI vectors,
// /proc/interrupts rows and /proc/irq/N files, shaped like the kernel's.
#pragma once

#include <string>
#include <vector>

#include "tests/support/fixtures.hpp"

namespace irqd::testing {

struct SynthIrq {
  int irq;
  std::string name;
  std::string affinity = "0";  // smp_affinity_list
  int node = 0;
  std::string chip = "PCI-MSI";  // e.g. "IR-PCI-MSIX-0000:4b:00.0" to name the device
};

struct SynthNic {
  std::string name;
  std::string pci;              // "0000:03:00.0"; "" for a virtual device
  std::string virtio;           // "virtio2" to put the netdev under a virtio device
  std::string driver = "igb";
  int numa_node = -1;
  std::string local_cpulist = "";
  int rx = 1, tx = 1;
  std::vector<int> msi_irqs;
  std::string flags;      // the netdev's flags file ("0x1003" up, "0x82" down as ifb0 here); "": none
  std::string operstate;  // "up", "down"; "": none
};

class SyntheticTree {
 public:
  explicit SyntheticTree(int ncpus);
  void add_nic(const SynthNic& nic);
  void add_irq(const SynthIrq& irq);
  // Writes proc/interrupts from the IRQs added so far (call after the last add_irq).
  void finish();
  // Writes what the daemon's sampler reads besides proc/interrupts, for every CPU: proc/stat,
  // proc/softirqs and proc/net/softnet_stat (current 13-column layout), all counters zero.
  void add_sampling_files();
  const std::filesystem::path& root() const { return dir_.path(); }
  const TempDir& dir() const { return dir_; }

 private:
  TempDir dir_;
  int ncpus_;
  std::vector<SynthIrq> irqs_;
  int next_ifindex_ = 2;
};

}  // namespace irqd::testing
