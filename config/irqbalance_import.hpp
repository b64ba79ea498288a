// `irqd --import-irqbalance`: irqbalance's environment file (/etc/default/irqbalance on Debian,
// /etc/sysconfig/irqbalance on Fedora/RHEL) turned into a commented irqd drop-in for conf.d/.
// The file is read as data (config/shell_assignments.hpp), never run. What maps becomes a
// setting commented with the file:line it came from (IRQBALANCE_BANNED_CPUS / _CPULIST ->
// banned_cpus as a cpulist, --banirq -> [[irq]] ignore, --interval -> interval); everything else
// (unknown variables and options included) becomes a note saying why it is not carried over.
// A value irqbalance itself would reject is an error naming file:line.
#pragma once

#include <string>
#include <string_view>

namespace irqd::config {

// Where irqbalance's settings live, in the order they are looked for.
inline constexpr const char* kIrqbalanceFiles[] = {"/etc/default/irqbalance", "/etc/sysconfig/irqbalance"};
// The drop-in name the output suggests.
inline constexpr const char* kIrqbalanceDropIn = "/etc/irqd/conf.d/50-irqbalance.toml";

// The drop-in text for `text`, read from `file`. Throws ShellFileError ("file:line: ...").
std::string import_irqbalance(std::string_view text, const std::string& file);

}  // namespace irqd::config
