// /proc/irq/N readers. smp_affinity_list is preferred (no mask-width ambiguity); smp_affinity is
// the fallback for kernels or trees that lack it.
#include "sysfs/irq_files.hpp"

#include <charconv>
#include <stdexcept>

#include <fmt/format.h>

#include "sysfs/error.hpp"

namespace irqd::sysfs {

namespace {
std::optional<CpuSet> read_set(const SysRoot& root, const std::string& rel, bool mask) {
  auto text = root.read_line(rel);
  if (!text) return std::nullopt;
  try {
    return mask ? CpuSet::parse_mask(*text) : CpuSet::parse_list(*text);
  } catch (const std::invalid_argument& e) {
    throw ParseError(root.display(rel), 1, e.what());
  }
}
}  // namespace

std::string irq_path(int irq, const char* leaf) { return fmt::format("proc/irq/{}/{}", irq, leaf); }

namespace {
// `dir` is the IRQ's directory relative to `root` ("proc/irq/N", or "N" under proc/irq).
IrqAffinity read_current(const SysRoot& root, const std::string& dir, bool effective) {
  IrqAffinity out;
  out.affinity = read_set(root, dir + "/smp_affinity_list", false);
  out.list = out.affinity.has_value();
  if (!out.affinity) out.affinity = read_set(root, dir + "/smp_affinity", true);
  out.present = out.affinity.has_value();
  if (effective) out.effective = read_set(root, dir + "/effective_affinity_list", false);
  return out;
}
}  // namespace

IrqAffinity read_irq_current(const SysRoot& root, int irq, bool effective) {
  return read_current(root, fmt::format("proc/irq/{}", irq), effective);
}

IrqAffinity read_irq_current_in(const SysRoot& proc_irq, int irq, bool effective) {
  return read_current(proc_irq, std::to_string(irq), effective);
}

IrqAffinity read_irq_affinity(const SysRoot& root, int irq) {
  IrqAffinity out;
  out.present = root.is_dir(fmt::format("proc/irq/{}", irq));
  if (!out.present) return out;
  out.affinity = read_set(root, irq_path(irq, "smp_affinity_list"), false);
  out.list = out.affinity.has_value();
  if (!out.affinity) out.affinity = read_set(root, irq_path(irq, "smp_affinity"), true);
  out.effective = read_set(root, irq_path(irq, "effective_affinity_list"), false);
  if (auto node = root.read_line(irq_path(irq, "node"))) {
    int v = 0;
    auto [p, ec] = std::from_chars(node->data(), node->data() + node->size(), v);
    if (ec != std::errc{} || p != node->data() + node->size())
      throw ParseError(root.display(irq_path(irq, "node")), 1, fmt::format("'{}' is not a node number", *node));
    out.node = v;
  }
  // debugfs is rarely mounted on production hosts; when it is, it is the only file that says
  // outright that the kernel manages this IRQ's affinity.
  if (auto dbg = root.read_if_exists(fmt::format("sys/kernel/debug/irq/irqs/{}", irq)))
    out.managed = dbg->find("AFFINITY_MANAGED") != std::string::npos;
  return out;
}

}  // namespace irqd::sysfs
