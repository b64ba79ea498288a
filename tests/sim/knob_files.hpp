// The packet-steering knob files of the simulated kernel (rx-N/rps_cpus, rx-N/rps_flow_cnt,
// tx-N/xps_cpus, tx-N/xps_rxqs, proc/sys/net/core/rps_sock_flow_entries): what each holds, shown
// as the kernel shows it (masks as comma-separated 32-bit hex words as wide as the CPU count, or
// the RX queue count for xps_rxqs; flow counts rounded up to a power of two), and the writes irqd
// made to them since the previous step, counted by kind. Also the per-kind write counts type.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace irqd::sim {

// Writes irqd made in one step, by the kind of knob.
struct KnobWrites {
  int affinity = 0;      // /proc/irq/N/smp_affinity(_list), one per IRQ written
  int rps_cpus = 0;
  int rps_flow_cnt = 0;
  int xps_cpus = 0;
  int xps_rxqs = 0;
  int sysctl = 0;        // proc/sys/net/core/rps_sock_flow_entries
  int total() const { return affinity + rps_cpus + rps_flow_cnt + xps_cpus + xps_rxqs + sysctl; }
  KnobWrites& operator+=(const KnobWrites& o);
};

enum class KnobFileKind { kRpsCpus, kRpsFlowCnt, kXpsCpus, kXpsRxqs, kSysctl };

class KnobFiles {
 public:
  explicit KnobFiles(std::filesystem::path root) : root_(std::move(root)) {}
  // Creates `rel` holding `text` (already in the kernel's format). Masks are `nbits` wide.
  void add(std::string rel, KnobFileKind kind, int nbits, std::string text);
  // Picks up what irqd wrote since the last call: counts each written file in `out`, shows an
  // accepted value the way the kernel prints it, and puts a refused one (unparsable) back;
  // returns how many were refused.
  int collect(KnobWrites& out);
  // What a knob holds now, as the kernel shows it ("" for an unknown file).
  std::string value(const std::string& rel) const;
  std::size_t size() const { return files_.size(); }

 private:
  struct File {
    std::string rel;
    KnobFileKind kind;
    int nbits;
    std::string text;  // as the kernel shows it
  };
  std::filesystem::path root_;
  std::vector<File> files_;
};

}  // namespace irqd::sim
