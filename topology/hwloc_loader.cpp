// hwloc -> Machine: opens a topology from one of hwloc's sources (live, fake root, XML, synthetic),
// walks PUs, cores, caches, packages and NUMA nodes, and always destroys the hwloc topology.
#include "topology/hwloc_loader.hpp"

#include <fmt/format.h>
#include <hwloc.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <system_error>
#include <tuple>

namespace irqd::topology {

namespace fs = std::filesystem;

namespace {

struct TopologyDeleter {
  void operator()(hwloc_topology_t t) const { hwloc_topology_destroy(t); }
};
using TopologyPtr = std::unique_ptr<hwloc_topology, TopologyDeleter>;

// Sets environment variables for the lifetime of the object and puts the previous values back.
// hwloc 2 has no API for a fake sysfs root, only HWLOC_FSROOT; setenv is not thread-safe, which is
// acceptable because topology is loaded once, before the daemon starts its threads.
class EnvOverride {
 public:
  EnvOverride() = default;
  EnvOverride(const EnvOverride&) = delete;
  EnvOverride& operator=(const EnvOverride&) = delete;
  ~EnvOverride() {
    for (auto it = saved_.rbegin(); it != saved_.rend(); ++it) {
      if (it->second)
        ::setenv(it->first.c_str(), it->second->c_str(), 1);
      else
        ::unsetenv(it->first.c_str());
    }
  }

  void set(const std::string& name, const std::string& value) {
    const char* old = std::getenv(name.c_str());
    saved_.emplace_back(name, old == nullptr ? std::nullopt : std::optional<std::string>(old));
    ::setenv(name.c_str(), value.c_str(), 1);
  }

 private:
  std::vector<std::pair<std::string, std::optional<std::string>>> saved_;
};

std::string errno_text(int err) { return err == 0 ? "unknown error" : std::strerror(err); }

TopologyPtr make_topology(const std::string& what) {
  hwloc_topology_t t = nullptr;
  if (hwloc_topology_init(&t) != 0)
    throw TopologyError(fmt::format("{}: hwloc_topology_init failed: {}", what, errno_text(errno)));
  TopologyPtr topo(t);
  // irqd places interrupts machine-wide, so the cgroup cpuset irqd itself runs in must not hide
  // CPUs or nodes from it.
  if (hwloc_topology_set_flags(t, HWLOC_TOPOLOGY_FLAG_INCLUDE_DISALLOWED) != 0)
    throw TopologyError(
        fmt::format("{}: hwloc_topology_set_flags failed: {}", what, errno_text(errno)));
  // L1 and instruction caches never shape a placement decision; dropping them keeps the tree
  // smaller. I/O objects are already off by default in hwloc 2.
  hwloc_topology_set_type_filter(t, HWLOC_OBJ_L1CACHE, HWLOC_TYPE_FILTER_KEEP_NONE);
  hwloc_topology_set_icache_types_filter(t, HWLOC_TYPE_FILTER_KEEP_NONE);
  return topo;
}

// OS index of a package or node as an int (-1 when hwloc does not know it). Package numbers are
// firmware ids, not dense (arm64 reports e.g. 8442), so only the int range is checked.
int os_number(hwloc_obj_t o) {
  if (o->os_index == HWLOC_UNKNOWN_INDEX || o->os_index > static_cast<unsigned>(INT_MAX)) return -1;
  return static_cast<int>(o->os_index);
}

int cpu_number(hwloc_obj_t pu, const std::string& what) {
  if (pu->os_index == HWLOC_UNKNOWN_INDEX)
    throw TopologyError(fmt::format("{}: a PU has no OS index", what));
  if (pu->os_index >= static_cast<unsigned>(CpuSet::kMaxCpus))
    throw TopologyError(fmt::format("{}: CPU number {} out of range", what, pu->os_index));
  return static_cast<int>(pu->os_index);
}

CpuSet to_cpuset(hwloc_const_bitmap_t b, const std::string& what) {
  CpuSet out;
  if (b == nullptr || hwloc_bitmap_iszero(b)) return out;
  if (hwloc_bitmap_weight(b) < 0)
    throw TopologyError(fmt::format("{}: infinite CPU set in topology", what));
  for (int i = hwloc_bitmap_first(b); i != -1; i = hwloc_bitmap_next(b, i)) {
    if (i >= CpuSet::kMaxCpus)
      throw TopologyError(fmt::format("{}: CPU number {} out of range", what, i));
    out.set(i);
  }
  return out;
}

// All objects of a type in topology order. Walking every depth (rather than trusting
// hwloc_get_type_depth) copes with a type spread over several depths, as caches can be on
// hybrid parts.
std::vector<hwloc_obj_t> objects_of(hwloc_topology_t t, hwloc_obj_type_t type) {
  std::vector<hwloc_obj_t> out;
  int depth = hwloc_topology_get_depth(t);
  for (int d = 0; d < depth; ++d) {
    if (hwloc_get_depth_type(t, d) != type) continue;
    unsigned n = hwloc_get_nbobjs_by_depth(t, d);
    for (unsigned i = 0; i < n; ++i) out.push_back(hwloc_get_obj_by_depth(t, d, i));
  }
  return out;
}

hwloc_obj_t ancestor(hwloc_obj_t obj, hwloc_obj_type_t type) {
  for (hwloc_obj_t p = obj->parent; p != nullptr; p = p->parent)
    if (p->type == type) return p;
  return nullptr;
}

int index_in(const std::map<hwloc_obj_t, int>& idx, hwloc_obj_t obj) {
  if (obj == nullptr) return -1;
  auto it = idx.find(obj);
  return it == idx.end() ? -1 : it->second;
}

// hwloc 2 gives a NUMA node the cpuset of its locality, so an MCDRAM or GPU-memory node reports
// the CPUs of the DRAM node next to it. Linux (and so IRQ placement) sees those nodes as CPU-less:
// each CPU belongs to exactly one node. Pick that node: a plain (no subtype, or "DRAM" as newer
// hwloc says) node before MCDRAM/GPUMemory/NVM ones, then the most local (smallest cpuset), then
// the lowest number, as the kernel numbers the CPU-bearing nodes first. nullptr when the CPU's
// node is offline.
hwloc_obj_t home_node(const std::vector<hwloc_obj_t>& numa, unsigned cpu) {
  hwloc_obj_t best = nullptr;
  auto key = [](hwloc_obj_t n) {
    bool special = n->subtype != nullptr && std::strcmp(n->subtype, "DRAM") != 0;
    return std::make_tuple(special, hwloc_bitmap_weight(n->cpuset), n->os_index);
  };
  for (hwloc_obj_t n : numa) {
    if (n->cpuset == nullptr || !hwloc_bitmap_isset(n->cpuset, cpu)) continue;
    if (best == nullptr || key(n) < key(best)) best = n;
  }
  return best;
}

Machine build(hwloc_topology_t t, const std::string& what) {
  Machine m;
  m.source = what;

  std::map<hwloc_obj_t, int> package_idx, l3_idx, l2_idx, core_idx;
  for (hwloc_obj_t o : objects_of(t, HWLOC_OBJ_PACKAGE)) {
    package_idx[o] = static_cast<int>(m.packages.size());
    m.packages.push_back({os_number(o), to_cpuset(o->cpuset, what)});
  }
  for (hwloc_obj_t o : objects_of(t, HWLOC_OBJ_L3CACHE)) {
    l3_idx[o] = static_cast<int>(m.l3s.size());
    m.l3s.push_back({3, to_cpuset(o->cpuset, what)});
  }
  for (hwloc_obj_t o : objects_of(t, HWLOC_OBJ_L2CACHE)) {
    l2_idx[o] = static_cast<int>(m.l2s.size());
    m.l2s.push_back({2, to_cpuset(o->cpuset, what)});
  }

  // NUMA nodes are off the main tree in hwloc 2 (memory children), so take them by type.
  std::vector<hwloc_obj_t> numa;
  int n_numa = hwloc_get_nbobjs_by_type(t, HWLOC_OBJ_NUMANODE);
  for (int i = 0; i < n_numa; ++i)
    numa.push_back(hwloc_get_obj_by_type(t, HWLOC_OBJ_NUMANODE, static_cast<unsigned>(i)));
  std::map<hwloc_obj_t, std::size_t> node_pos;
  for (hwloc_obj_t o : numa) {
    node_pos[o] = m.nodes.size();
    m.nodes.push_back({os_number(o), {}});
  }

  // PUs in logical (topology) order, so cores are created in topology order too.
  for (hwloc_obj_t o : objects_of(t, HWLOC_OBJ_PU)) {
    Pu p;
    p.cpu = cpu_number(o, what);
    hwloc_obj_t home = home_node(numa, o->os_index);
    if (home != nullptr) {
      p.node = os_number(home);
      m.nodes[node_pos[home]].cpus.set(p.cpu);
    }
    p.package = index_in(package_idx, ancestor(o, HWLOC_OBJ_PACKAGE));
    p.l3 = index_in(l3_idx, ancestor(o, HWLOC_OBJ_L3CACHE));
    p.l2 = index_in(l2_idx, ancestor(o, HWLOC_OBJ_L2CACHE));

    // Some sources (synthetic "pu:N" only, some VMs) have no Core level: each PU is then its own
    // core, so SMT logic stays uniform.
    hwloc_obj_t core = ancestor(o, HWLOC_OBJ_CORE);
    auto [it, fresh] =
        core_idx.try_emplace(core == nullptr ? o : core, static_cast<int>(m.cores.size()));
    if (fresh) m.cores.push_back({p.package, p.node, p.l3, {}});
    p.core = it->second;
    m.cores[static_cast<std::size_t>(p.core)].cpus.push_back(p.cpu);

    m.online.set(p.cpu);
    m.pus.push_back(p);
  }
  if (m.pus.empty()) throw TopologyError(fmt::format("{}: topology has no CPUs", what));

  for (Core& c : m.cores) std::sort(c.cpus.begin(), c.cpus.end());
  std::sort(m.pus.begin(), m.pus.end(), [](const Pu& a, const Pu& b) { return a.cpu < b.cpu; });
  for (std::size_t i = 1; i < m.pus.size(); ++i)
    if (m.pus[i].cpu == m.pus[i - 1].cpu)
      throw TopologyError(fmt::format("{}: CPU {} listed twice", what, m.pus[i].cpu));
  for (Pu& p : m.pus) {
    const auto& sib = m.cores[static_cast<std::size_t>(p.core)].cpus;
    p.smt_rank = static_cast<int>(std::find(sib.begin(), sib.end(), p.cpu) - sib.begin());
  }
  std::stable_sort(m.nodes.begin(), m.nodes.end(),
                   [](const NumaNode& a, const NumaNode& b) { return a.os_index < b.os_index; });
  return m;
}

// Reads the version attribute of an XML export's <topology> element, to explain a rejection
// (hwloc 2.9 refuses v3 files without saying so through its API).
std::optional<std::string> xml_version(const fs::path& file) {
  std::ifstream in(file);
  if (!in) return std::nullopt;
  std::string head(4096, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<std::size_t>(in.gcount()));
  auto pos = head.find("<topology");
  if (pos == std::string::npos) return std::nullopt;
  auto end = head.find('>', pos);
  auto v = head.find("version=\"", pos);
  if (v == std::string::npos || (end != std::string::npos && v > end)) return std::nullopt;
  v += 9;
  auto close = head.find('"', v);
  if (close == std::string::npos) return std::nullopt;
  return head.substr(v, close - v);
}

}  // namespace

Machine load_live() {
  const std::string what = "live";
  TopologyPtr topo = make_topology(what);
  if (hwloc_topology_load(topo.get()) != 0) {
    int err = errno;
    throw TopologyError(fmt::format("cannot load the live topology: {}", errno_text(err)));
  }
  return build(topo.get(), what);
}

Machine load_fsroot(const fs::path& root) {
  const std::string what = "fsroot:" + root.string();
  std::error_code ec;
  fs::path abs = fs::absolute(root, ec);
  if (ec) abs = root;
  // Without a cpu directory hwloc's Linux backend gives up and another backend silently
  // describes the host instead; refuse rather than plan against the wrong machine.
  if (!fs::is_directory(abs / "sys/devices/system/cpu", ec))
    throw TopologyError(
        fmt::format("cannot load topology from root {}: no sys/devices/system/cpu", root.string()));
  bool live = fs::equivalent(abs, "/", ec);

  EnvOverride env;
  env.set("HWLOC_FSROOT", abs.string());
  // A foreign tree is not this system: hwloc must not query the running kernel (cgroups, cpuid,
  // binding support) and mix it into the captured machine.
  if (!live) env.set("HWLOC_THISSYSTEM", "0");

  TopologyPtr topo = make_topology(what);
  if (!live)
    hwloc_topology_set_components(topo.get(), HWLOC_TOPOLOGY_COMPONENTS_FLAG_BLACKLIST, "x86");
  if (hwloc_topology_load(topo.get()) != 0) {
    int err = errno;
    throw TopologyError(
        fmt::format("cannot load topology from root {}: {}", root.string(), errno_text(err)));
  }
  return build(topo.get(), what);
}

Machine load_xml(const fs::path& file) {
  const std::string what = "xml:" + file.string();
  std::error_code ec;
  if (!fs::is_regular_file(file, ec))
    throw TopologyError(fmt::format("cannot load topology XML {}: {}", file.string(),
                                    ec ? ec.message() : "not a regular file"));
  TopologyPtr topo = make_topology(what);
  if (hwloc_topology_set_xml(topo.get(), file.c_str()) != 0) {
    int err = errno;
    throw TopologyError(
        fmt::format("cannot load topology XML {}: {}", file.string(), errno_text(err)));
  }
  if (hwloc_topology_load(topo.get()) != 0) {
    int err = errno;
    std::string why =
        fmt::format("not a topology hwloc {} can read ({})", HWLOC_VERSION, errno_text(err));
    // XML format majors follow hwloc majors: hwloc 2.x reads v1 and v2 only.
    if (auto v = xml_version(file); v && std::atoi(v->c_str()) > HWLOC_VERSION_MAJOR)
      why = fmt::format("XML version {} is newer than hwloc {} can read", *v, HWLOC_VERSION);
    throw TopologyError(fmt::format("cannot load topology XML {}: {}", file.string(), why));
  }
  return build(topo.get(), what);
}

Machine load_synthetic(const std::string& description) {
  const std::string what = "synthetic:" + description;
  TopologyPtr topo = make_topology(what);
  if (hwloc_topology_set_synthetic(topo.get(), description.c_str()) != 0)
    throw TopologyError(fmt::format("invalid synthetic topology '{}'", description));
  if (hwloc_topology_load(topo.get()) != 0)
    throw TopologyError(
        fmt::format("cannot load synthetic topology '{}': {}", description, errno_text(errno)));
  return build(topo.get(), what);
}

std::string hwloc_version() {
  // The release linked in (statically: the one compiled against), then the API version the
  // library reports, which only moves when the API does (hwloc 2.9.0 has API 2.8.0).
  unsigned v = hwloc_get_api_version();
  return fmt::format("{} (API {}.{}.{})", HWLOC_VERSION, v >> 16, (v >> 8) & 0xff, v & 0xff);
}

}  // namespace irqd::topology
