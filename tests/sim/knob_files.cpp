// Steering knob files: creation, write detection, the kernel's rendering of accepted values.
#include "tests/sim/knob_files.hpp"

#include <charconv>

#include "sysfs/cpuset.hpp"
#include "tests/sim/sim_files.hpp"

namespace irqd::sim {

KnobWrites& KnobWrites::operator+=(const KnobWrites& o) {
  affinity += o.affinity;
  rps_cpus += o.rps_cpus;
  rps_flow_cnt += o.rps_flow_cnt;
  xps_cpus += o.xps_cpus;
  xps_rxqs += o.xps_rxqs;
  sysctl += o.sysctl;
  return *this;
}

namespace {
// The kernel's text for what was written, or "" when it refuses the value (EINVAL).
std::string kernel_text(KnobFileKind kind, int nbits, const std::string& written) {
  if (kind == KnobFileKind::kRpsFlowCnt || kind == KnobFileKind::kSysctl) {
    // rps_flow_cnt and rps_sock_flow_entries: the table is a power of two, shown as its size.
    unsigned long v = 0;
    const char* end = written.data() + written.size();
    auto [p, ec] = std::from_chars(written.data(), end, v);
    if (ec != std::errc{} || p != end || v > (1UL << 29)) return "";
    unsigned long pow2 = v == 0 ? 0 : 1;
    while (pow2 != 0 && pow2 < v) pow2 <<= 1;
    return std::to_string(pow2);
  }
  try {
    const auto set = sysfs::CpuSet::parse_mask(written);
    if (!set.empty() && set.last() >= nbits) return "";  // bits beyond nr_cpu_ids / RX queues
    return set.to_mask(nbits);
  } catch (const std::exception&) {
    return "";
  }
}
}  // namespace

void KnobFiles::add(std::string rel, KnobFileKind kind, int nbits, std::string text) {
  write_file(root_, rel, text + "\n");
  files_.push_back({std::move(rel), kind, nbits, std::move(text)});
}

int KnobFiles::collect(KnobWrites& out) {
  int refused = 0;
  for (auto& f : files_) {
    if (!written_since_stamp(root_, f.rel)) continue;
    switch (f.kind) {
      case KnobFileKind::kRpsCpus: ++out.rps_cpus; break;
      case KnobFileKind::kRpsFlowCnt: ++out.rps_flow_cnt; break;
      case KnobFileKind::kXpsCpus: ++out.xps_cpus; break;
      case KnobFileKind::kXpsRxqs: ++out.xps_rxqs; break;
      case KnobFileKind::kSysctl: ++out.sysctl; break;
    }
    std::string now = kernel_text(f.kind, f.nbits, read_trimmed(root_, f.rel));
    if (now.empty())
      ++refused;
    else
      f.text = std::move(now);
    write_file(root_, f.rel, f.text + "\n");
  }
  return refused;
}

std::string KnobFiles::value(const std::string& rel) const {
  for (const auto& f : files_)
    if (f.rel == rel) return f.text;
  return "";
}

}  // namespace irqd::sim
