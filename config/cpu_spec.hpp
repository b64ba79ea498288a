// Topology-relative CPU sets, so one file serves hosts of different shapes: banned_cpus and
// allowed_cpus take a comma list whose items are cpulist items (3, 0-7, 0-15:2/4) or words the
// machine model resolves (topology/machine.hpp), never the policies:
//   all                  every CPU of the host
//   nodeN                the CPUs of NUMA node N
//   packageN             the CPUs of the N-th package (socket), counted from 0 in topology order
//   first-of-each-node   the lowest-numbered CPU of every NUMA node that has CPUs
//   smt-siblings-of:N    CPU N's whole core: N and its SMT siblings
// A word for something this host lacks (node3 on a two-node host) resolves to nothing and is a
// warning, like a CPU number the host lacks. Unknown words are errors that name the grammar.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "config/load_result.hpp"
#include "sysfs/cpuset.hpp"
#include "topology/machine.hpp"

namespace irqd::config {

// The grammar in one line, for error messages and docs.
inline constexpr std::string_view kCpuSpecGrammar =
    "a cpulist such as \"0-3,8\" or items all, nodeN, packageN, first-of-each-node, smt-siblings-of:N";

// True when `text` holds a topology word (an item that starts with a letter).
bool has_topology_words(std::string_view text);

// Checks the grammar without a machine. Throws std::invalid_argument naming the bad item.
void check_cpu_spec(std::string_view text);

struct ResolvedSpec {
  sysfs::CpuSet cpus;
  std::vector<std::string> absent;  // items this host lacks, as people read them: "node3 (nodes here: 0-1)"
};

// Resolves against the machine (reads only Machine's fields). Throws std::invalid_argument like
// check_cpu_spec.
ResolvedSpec resolve_cpu_spec(std::string_view text, const topology::Machine& m);

// Resolves every r.cpu_specs entry against the machine: banned_cpus grows by it, a [[device]]
// rule's allowed_cpus becomes it; each resolved set joins r.cpu_refs (lenient) for check_cpus, and
// each item the host lacks becomes a warning at the value's location.
void resolve_cpu_specs(LoadResult& r, const topology::Machine& m);

// CPU lists naming CPUs outside `existing` (the machine being planned): errors where a CPU must
// exist (pins, rps), warnings naming the host's CPUs where a fleet's file may name more
// (banned_cpus, allowed_cpus: the lenient cpu_refs).
void check_cpus(LoadResult& r, const sysfs::CpuSet& existing);

}  // namespace irqd::config
