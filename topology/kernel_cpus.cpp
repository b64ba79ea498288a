// The kernel's own view of CPUs layered over the hwloc model: isolcpus= / nohz_full= (from the
// command line and sysfs) and the online mask, read through a SysRoot.
#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "sysfs/error.hpp"
#include "sysfs/sys_root.hpp"
#include "topology/default_affinity.hpp"
#include "topology/hwloc_loader.hpp"

namespace irqd::topology {

namespace {

constexpr std::string_view kCpuDir = "sys/devices/system/cpu/";

bool is_space(char c) {
  // proc/cmdline ends in '\n'; some captures also carry NUL padding.
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\0';
}

// Splits the command line as the kernel's next_arg() does: whitespace separated, double quotes
// may enclose spaces and are dropped. Stops at "--", after which arguments belong to init.
std::vector<std::string> cmdline_args(std::string_view s) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (true) {
    while (i < s.size() && is_space(s[i])) ++i;
    if (i == s.size()) break;
    std::string arg;
    bool quoted = false;
    for (; i < s.size() && (quoted || !is_space(s[i])); ++i) {
      if (s[i] == '"')
        quoted = !quoted;
      else
        arg.push_back(s[i]);
    }
    if (arg == "--") break;
    out.push_back(std::move(arg));
  }
  return out;
}

bool is_flag_char(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }

// The kernel lets a command-line CPU list say "all" and use "N" for the last CPU; expand both so
// CpuSet::parse_list sees a plain list. last_cpu is -1 when unknown (then "N" is an error).
std::string expand_cmdline_list(std::string_view list, int last_cpu) {
  if (list == "all") return last_cpu < 0 ? std::string(list) : fmt::format("0-{}", last_cpu);
  std::string out;
  for (std::size_t i = 0; i < list.size(); ++i) {
    bool alone = (i == 0 || !is_flag_char(list[i - 1])) &&
                 (i + 1 == list.size() || !is_flag_char(list[i + 1]));
    if (list[i] == 'N' && alone && last_cpu >= 0)
      out += std::to_string(last_cpu);
    else
      out.push_back(list[i]);
  }
  return out;
}

CpuSet parse_list_in(std::string_view text, const std::string& file) {
  try {
    return CpuSet::parse_list(text);
  } catch (const std::invalid_argument& e) {
    throw sysfs::ParseError(file, 0, e.what());
  }
}

// sys/devices/system/cpu/{isolated,nohz_full}; an absent file or "(null)" (what older kernels
// print for nohz_full when it is not configured, seen with a leading space too) mean none.
CpuSet read_sysfs_list(const sysfs::SysRoot& root, std::string_view name) {
  std::string rel = std::string(kCpuDir) + std::string(name);
  auto text = root.read_if_exists(rel);
  if (!text) return {};
  std::string_view v = *text;
  while (!v.empty() && is_space(v.back())) v.remove_suffix(1);
  while (!v.empty() && is_space(v.front())) v.remove_prefix(1);
  if (v == "(null)") return {};
  return parse_list_in(v, root.display(rel));
}

// isolcpus=[flag,...,]<cpu-list>: flags (nohz, domain, managed_irq) are words before the list.
CpuSet parse_isolcpus(std::string_view value, int last_cpu, const std::string& file) {
  std::string_view rest = value;
  while (true) {
    auto comma = rest.find(',');
    std::string_view head = rest.substr(0, comma);
    bool word = !head.empty() && head != "all" && head != "N" &&
                std::all_of(head.begin(), head.end(), is_flag_char);
    if (!word) break;
    if (comma == std::string_view::npos)
      throw sysfs::ParseError(file, 0, fmt::format("isolcpus={}: no CPU list", value));
    rest.remove_prefix(comma + 1);
  }
  if (rest.empty())
    throw sysfs::ParseError(file, 0, fmt::format("isolcpus={}: no CPU list", value));
  return parse_list_in(expand_cmdline_list(rest, last_cpu), file);
}

// The highest CPU number the kernel knows, for "N"/"all" on the command line.
int last_possible_cpu(const Machine& m, const sysfs::SysRoot& root) {
  std::string rel = std::string(kCpuDir) + "possible";
  if (auto text = root.read_if_exists(rel)) {
    CpuSet possible = parse_list_in(*text, root.display(rel));
    if (!possible.empty()) return possible.last();
  }
  return m.max_cpu();
}

}  // namespace

void apply_kernel_cpu_state(Machine& m, const sysfs::SysRoot& root) {
  m.isolated |= read_sysfs_list(root, "isolated");
  m.nohz_full |= read_sysfs_list(root, "nohz_full");

  if (auto cmdline = root.read_if_exists("proc/cmdline")) {
    std::string file = root.display("proc/cmdline");
    int last_cpu = last_possible_cpu(m, root);
    for (const std::string& arg : cmdline_args(*cmdline)) {
      std::string_view a = arg;
      if (a.starts_with("isolcpus=")) {
        m.isolated |= parse_isolcpus(a.substr(9), last_cpu, file);
      } else if (a.starts_with("nohz_full=")) {
        m.nohz_full |= parse_list_in(expand_cmdline_list(a.substr(10), last_cpu), file);
      }
    }
  }

  std::string rel = std::string(kCpuDir) + "online";
  if (auto text = root.read_if_exists(rel)) {
    CpuSet online = parse_list_in(*text, root.display(rel));
    if (online.empty()) throw sysfs::ParseError(root.display(rel), 0, "no online CPUs");
    m.online &= online;
    std::erase_if(m.pus, [&](const Pu& p) { return !online.test(p.cpu); });
    // Keep the containers' CPU sets consistent with `online`, so a policy asking for a node's or
    // an L3's CPUs never gets one that went offline; indices stay as they were.
    for (auto& p : m.packages) p.cpus &= online;
    for (auto& n : m.nodes) n.cpus &= online;
    for (auto& c : m.l3s) c.cpus &= online;
    for (auto& c : m.l2s) c.cpus &= online;
    for (auto& c : m.cores) std::erase_if(c.cpus, [&](int cpu) { return !online.test(cpu); });
  }
  apply_default_affinity(m, root);
}

}  // namespace irqd::topology
