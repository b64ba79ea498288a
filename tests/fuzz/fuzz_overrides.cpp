// libFuzzer target: parse_overrides on arbitrary overrides.json content (the state file irqd
// reads at start, irqd/daemon/overrides.hpp).
// Properties: the parser either returns or throws std::invalid_argument (any other exception is a
// crash); what parses survives serialize_overrides + parse_overrides unchanged, and every value it
// returns is one the D-Bus service could have stored (non-empty cpulists, valid queue indices,
// NAPI settings only and at least one per device).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string_view>

#include "irqd/daemon/overrides.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  irqd::Overrides o;
  try {
    o = irqd::parse_overrides(text);
  } catch (const std::invalid_argument&) {
    return 0;
  }
  for (const auto& [irq, cpus] : o.irq_pins)
    if (irq < 0 || cpus.empty()) std::abort();
  for (const auto& [key, cpus] : o.queue_pins)
    if (key.index < 0 || key.index > 65535 || key.device.empty() || cpus.empty()) std::abort();
  for (const auto& [dev, napi] : o.device_napi)  // NAPI fields only, and at least one
    if (dev.empty() || napi.policy || napi.rps || napi.rfs || napi.xps || napi.allowed_cpus ||
        napi == irqd::config::DevicePatch{})
      std::abort();
  irqd::Overrides again = irqd::parse_overrides(irqd::serialize_overrides(o));  // must not throw
  if (!(again == o)) {
    std::fputs("fuzz_overrides: serialize + parse changed the overrides\n", stderr);
    std::abort();
  }
  return 0;
}
