// libFuzzer target: classify_irq_name on arbitrary IRQ action names (the whole input is the name).
// Each input is classified with the built-in interface heuristic, with an is_iface that knows
// every name, and with one that knows none. Properties: never crash or throw;
// queue >= 0 iff kind == kQueue; a queue has a role and nothing else has one; an interface name
// taken from the IRQ name is one the kernel could have given (it is later used in sysfs paths,
// so it must never hold '/' or be "." / ".."); pci and virtio fields are copied from the name.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <string_view>

#include "sysfs/irq_names.hpp"

using irqd::sysfs::IrqNameInfo;
using irqd::sysfs::NameKind;
using irqd::sysfs::QueueRole;

namespace {

[[noreturn]] void fail(const char* what, std::string_view name, const char* mode) {
  std::fprintf(stderr, "fuzz_irq_names: property violated (%s): %s: name '%.*s'\n", mode, what,
               static_cast<int>(name.size()), name.data());
  std::abort();
}

void check(std::string_view name, const std::function<bool(std::string_view)>& is_iface, const char* mode) {
  const IrqNameInfo info = irqd::sysfs::classify_irq_name(name, is_iface);
  if ((info.queue >= 0) != (info.kind == NameKind::kQueue)) fail("queue >= 0 iff kind == kQueue", name, mode);
  if ((info.role != QueueRole::kNone) != (info.kind == NameKind::kQueue))
    fail("role != kNone iff kind == kQueue", name, mode);
  if (info.kind != NameKind::kOther && info.convention.empty()) fail("classified without a convention", name, mode);
  if (!info.iface.empty()) {
    const std::string& i = info.iface;
    if (i.size() > 15) fail("iface longer than IFNAMSIZ-1", name, mode);
    if (i == "." || i == "..") fail("iface is '.' or '..'", name, mode);
    if (i.find_first_of("/: \t") != std::string::npos) fail("iface holds '/', ':' or a blank", name, mode);
    if (name.find(i) == std::string_view::npos) fail("iface not taken from the name", name, mode);
  }
  if (!info.pci.empty()) {
    if (name.find(info.pci) == std::string_view::npos) fail("pci not taken from the name", name, mode);
    if (info.pci.find(':') == std::string::npos || info.pci.find('.') == std::string::npos)
      fail("pci is not a PCI address", name, mode);
  }
  if (!info.virtio.empty() && info.virtio.rfind("virtio", 0) != 0) fail("virtio device not 'virtio<N>'", name, mode);
  if (name.find(',') != std::string_view::npos && info.kind != NameKind::kOther)
    fail("shared line (',') classified", name, mode);
  if (irqd::sysfs::to_string(info.kind) == nullptr || irqd::sysfs::to_string(info.role) == nullptr)
    fail("to_string returned null", name, mode);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view name(reinterpret_cast<const char*>(data), size);
  check(name, {}, "heuristic");
  check(name, [](std::string_view) { return true; }, "all-known");
  check(name, [](std::string_view) { return false; }, "none-known");
  return 0;
}
