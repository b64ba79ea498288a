// Synthetic kernel trees for unit tests.
#include "tests/support/synthetic_tree.hpp"

#include <filesystem>

#include <fmt/format.h>

namespace irqd::testing {

namespace fs = std::filesystem;

SyntheticTree::SyntheticTree(int ncpus) : ncpus_(ncpus) {
  dir_.write("sys/devices/system/cpu/online", fmt::format("0-{}\n", ncpus - 1));
  dir_.write("sys/devices/system/cpu/possible", fmt::format("0-{}\n", ncpus - 1));
  fs::create_directories(dir_.path() / "sys/class/net");
}

void SyntheticTree::add_nic(const SynthNic& n) {
  std::string devdir = n.pci.empty() ? "sys/devices/virtual/net" : fmt::format("sys/devices/pci0000:00/{}", n.pci);
  if (!n.pci.empty()) {
    dir_.write(devdir + "/numa_node", fmt::format("{}\n", n.numa_node));
    if (!n.local_cpulist.empty()) dir_.write(devdir + "/local_cpulist", n.local_cpulist + "\n");
    dir_.write(devdir + "/class", "0x020000\n");
    dir_.write(devdir + "/uevent", fmt::format("DRIVER={}\nPCI_SLOT_NAME={}\n", n.virtio.empty() ? n.driver : "virtio-pci", n.pci));
    for (int irq : n.msi_irqs) dir_.write(fmt::format("{}/msi_irqs/{}", devdir, irq), "msix\n");
    fs::create_directories(dir_.path() / "sys/bus/pci/devices");
    fs::create_symlink(fs::path("../../../devices/pci0000:00") / n.pci, dir_.path() / "sys/bus/pci/devices" / n.pci);
  }
  std::string parent = devdir;
  if (!n.virtio.empty()) {
    parent = devdir + "/" + n.virtio;
    dir_.write(parent + "/uevent", fmt::format("DRIVER={}\n", n.driver));
  }
  std::string netdir = n.pci.empty() ? devdir + "/" + n.name : parent + "/net/" + n.name;
  dir_.write(netdir + "/ifindex", fmt::format("{}\n", next_ifindex_++));
  if (!n.flags.empty()) dir_.write(netdir + "/flags", n.flags + "\n");
  if (!n.operstate.empty()) dir_.write(netdir + "/operstate", n.operstate + "\n");
  std::string zero_mask = "0";
  for (int i = 0; i < n.rx; ++i) {
    dir_.write(fmt::format("{}/queues/rx-{}/rps_cpus", netdir, i), zero_mask + "\n");
    dir_.write(fmt::format("{}/queues/rx-{}/rps_flow_cnt", netdir, i), "0\n");
  }
  for (int i = 0; i < n.tx; ++i) dir_.write(fmt::format("{}/queues/tx-{}/xps_cpus", netdir, i), zero_mask + "\n");
  fs::path rel = fs::path(netdir).lexically_relative("sys/class/net");
  fs::create_symlink(rel, dir_.path() / "sys/class/net" / n.name);
}

void SyntheticTree::add_irq(const SynthIrq& irq) {
  irqs_.push_back(irq);
  dir_.write(fmt::format("proc/irq/{}/smp_affinity_list", irq.irq), irq.affinity + "\n");
  dir_.write(fmt::format("proc/irq/{}/effective_affinity_list", irq.irq), irq.affinity.substr(0, irq.affinity.find_first_of(",-")) + "\n");
  dir_.write(fmt::format("proc/irq/{}/node", irq.irq), fmt::format("{}\n", irq.node));
}

void SyntheticTree::finish() {
  std::string text = "    ";
  for (int c = 0; c < ncpus_; ++c) text += fmt::format("       CPU{}", c);
  text += "\n";
  for (const auto& irq : irqs_) {
    text += fmt::format("{:>4}:", irq.irq);
    for (int c = 0; c < ncpus_; ++c) text += fmt::format(" {:>10}", c == 0 ? 100 : 0);
    text += fmt::format("  {}  {}-edge      {}\n", irq.chip, irq.irq, irq.name);
  }
  text += "NMI:";
  for (int c = 0; c < ncpus_; ++c) text += fmt::format(" {:>10}", 0);
  text += "   Non-maskable interrupts\n";
  dir_.write("proc/interrupts", text);
}

void SyntheticTree::add_sampling_files() {
  std::string stat = "cpu  0 0 0 0 0 0 0 0 0 0\n";
  for (int c = 0; c < ncpus_; ++c) stat += fmt::format("cpu{} 0 0 0 0 0 0 0 0 0 0\n", c);
  stat += "intr 0\nctxt 0\nbtime 0\n";
  dir_.write("proc/stat", stat);
  std::string soft = "         ";
  for (int c = 0; c < ncpus_; ++c) soft += fmt::format("{:>11}", fmt::format("CPU{}", c));
  soft += "\n";
  for (const char* row : {"HI", "TIMER", "NET_TX", "NET_RX", "BLOCK", "IRQ_POLL", "TASKLET", "SCHED", "HRTIMER", "RCU"}) {
    soft += fmt::format("{:>12}:", row);
    for (int c = 0; c < ncpus_; ++c) soft += fmt::format(" {:>10}", 0);
    soft += "\n";
  }
  dir_.write("proc/softirqs", soft);
  std::string net;
  for (int c = 0; c < ncpus_; ++c)
    net += fmt::format("00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 "
                       "00000000 00000000 00000000 {:08x}\n", c);
  dir_.write("proc/net/softnet_stat", net);
}

}  // namespace irqd::testing
