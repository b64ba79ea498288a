// The hint for a hex CPU mask given where a cpulist belongs ("0x3", "3f", "ff,ffffffff", the form
// of /proc/irq/N/smp_affinity and of irqbalance's IRQBALANCE_BANNED_CPUS): said instead of the
// parser's "unexpected 'x'", with the equivalent cpulist when the mask is unambiguous.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace irqd::sysfs {

// For `text` that CpuSet::parse_list rejected: `looks like a hex CPU mask; irqd takes CPU lists:
// "0-1"` when it looks like a mask, nullopt otherwise.
std::optional<std::string> hex_mask_hint(std::string_view text);

}  // namespace irqd::sysfs
