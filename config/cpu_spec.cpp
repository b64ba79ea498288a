// Topology-relative CPU sets (see cpu_spec.hpp), and the check of CPU lists against the machine.
#include "config/cpu_spec.hpp"

#include <cctype>
#include <charconv>
#include <optional>
#include <stdexcept>

#include <fmt/format.h>

#include "config/toml_reader.hpp"
#include "sysfs/hex_mask_hint.hpp"

namespace irqd::config {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> items(std::string_view text) {
  std::vector<std::string_view> out;
  std::size_t pos = 0;
  while (true) {
    std::size_t comma = text.find(',', pos);
    out.push_back(trim(text.substr(pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos)));
    if (comma == std::string_view::npos) break;
    pos = comma + 1;
  }
  return out;
}

bool is_word(std::string_view item) { return !item.empty() && std::isalpha(static_cast<unsigned char>(item.front())); }

// The number after `prefix` in `item` ("node12" -> 12), or nullopt when item is not prefix + digits.
std::optional<int> numbered(std::string_view item, std::string_view prefix) {
  if (!item.starts_with(prefix) || item.size() == prefix.size()) return std::nullopt;
  std::string_view digits = item.substr(prefix.size());
  int n = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  if (ec != std::errc() || end != digits.data() + digits.size() || n < 0 || n >= sysfs::CpuSet::kMaxCpus) return std::nullopt;
  return n;
}

enum class Kind { kAll, kNode, kPackage, kFirstOfEachNode, kSmtSiblings };
struct Word {
  Kind kind;
  int n = -1;
};

Word parse_word(std::string_view item) {
  if (item == "all") return {Kind::kAll};
  if (item == "first-of-each-node") return {Kind::kFirstOfEachNode};
  if (auto n = numbered(item, "node")) return {Kind::kNode, *n};
  if (auto n = numbered(item, "package")) return {Kind::kPackage, *n};
  if (auto n = numbered(item, "smt-siblings-of:")) return {Kind::kSmtSiblings, *n};
  throw std::invalid_argument(fmt::format("'{}' is not a CPU, a range or a topology word", item));
}

// The items of `text`: words parsed, the rest checked as one cpulist (so its messages are the
// cpulist parser's own).
sysfs::CpuSet numbers_and_words(std::string_view text, std::vector<Word>& words) {
  // A hex mask ("ff,ffffffff", irqbalance's IRQBALANCE_BANNED_CPUS) is one value, not items: its
  // hint, not "'ff' is not a CPU, a range or a topology word".
  if (auto hint = sysfs::hex_mask_hint(text)) {
    bool is_list = true;
    try {
      (void)sysfs::CpuSet::parse_list(text);
    } catch (const std::exception&) {
      is_list = false;
    }
    if (!is_list) throw std::invalid_argument(fmt::format("cpulist '{}': {}", text, *hint));
  }
  std::string numeric;
  for (auto item : items(text)) {
    if (item.empty()) throw std::invalid_argument("an empty item (expected no ',' at the start, end or twice)");
    if (is_word(item)) {
      words.push_back(parse_word(item));
    } else {
      numeric += (numeric.empty() ? "" : ",") + std::string(item);
    }
  }
  return sysfs::CpuSet::parse_list(numeric);
}

std::string list_or_none(const sysfs::CpuSet& s) { return s.empty() ? std::string("none") : s.to_list(); }

}  // namespace

bool has_topology_words(std::string_view text) {
  for (auto item : items(text))
    if (is_word(item)) return true;
  return false;
}

void check_cpu_spec(std::string_view text) {
  std::vector<Word> words;
  numbers_and_words(text, words);
}

ResolvedSpec resolve_cpu_spec(std::string_view text, const topology::Machine& m) {
  std::vector<Word> words;
  ResolvedSpec out;
  out.cpus = numbers_and_words(text, words);
  sysfs::CpuSet node_ids;
  for (const auto& node : m.nodes)
    if (!node.cpus.empty()) node_ids.set(node.os_index);
  for (const Word& w : words) {
    switch (w.kind) {
      case Kind::kAll:
        out.cpus |= m.online;
        break;
      case Kind::kFirstOfEachNode:
        for (const auto& node : m.nodes)
          if (!node.cpus.empty()) out.cpus.set(node.cpus.first());
        if (m.nodes.empty() && !m.online.empty()) out.cpus.set(m.online.first());  // no NUMA: one node
        break;
      case Kind::kNode: {
        sysfs::CpuSet cpus;
        for (const auto& node : m.nodes)
          if (node.os_index == w.n) cpus = node.cpus;
        if (m.nodes.empty() && w.n == 0) cpus = m.online;
        if (cpus.empty())
          out.absent.push_back(fmt::format("node{} (nodes with CPUs here: {})", w.n,
                                           list_or_none(m.nodes.empty() ? sysfs::CpuSet::range(0, 0) : node_ids)));
        out.cpus |= cpus;
        break;
      }
      case Kind::kPackage:
        if (static_cast<std::size_t>(w.n) < m.packages.size()) {
          out.cpus |= m.packages[static_cast<std::size_t>(w.n)].cpus;
        } else {
          out.absent.push_back(fmt::format("package{} (packages here: {})", w.n,
                                           m.packages.empty() ? std::string("none")
                                                              : sysfs::CpuSet::range(0, static_cast<int>(m.packages.size()) - 1).to_list()));
        }
        break;
      case Kind::kSmtSiblings: {
        const topology::Pu* pu = nullptr;
        for (const auto& p : m.pus)
          if (p.cpu == w.n) pu = &p;
        if (pu == nullptr) {
          out.absent.push_back(fmt::format("smt-siblings-of:{} (CPUs here: {})", w.n, list_or_none(m.online)));
        } else if (pu->core < 0 || static_cast<std::size_t>(pu->core) >= m.cores.size()) {
          out.cpus.set(w.n);
        } else {
          for (int c : m.cores[static_cast<std::size_t>(pu->core)].cpus) out.cpus.set(c);
        }
        break;
      }
    }
  }
  return out;
}

// Declared in toml_reader.hpp: the check of every file's CPU lists against the machine.
void check_cpus(LoadResult& r, const sysfs::CpuSet& existing) {
  for (const auto& ref : r.cpu_refs) {
    sysfs::CpuSet missing = ref.cpus - existing;
    if (missing.empty()) continue;
    if (ref.lenient) {
      r.warn(ref.where, ref.key,
             fmt::format("CPU{} {} do{} not exist on this host (its CPUs: {}){}", missing.count() == 1 ? "" : "s",
                         missing.to_list(), missing.count() == 1 ? "es" : "", existing.to_list(),
                         !(ref.cpus & existing).empty()         ? ": left out here"
                         : ref.key.ends_with("allowed_cpus") ? ": none of the listed CPUs does, so its devices' IRQs stay as they are"
                                                              : ": none of the listed CPUs does"));
      continue;
    }
    r.add(ref.where, ref.key,
          fmt::format("CPU{} {} do{} not exist (expected CPUs of this machine: {})", missing.count() == 1 ? "" : "s",
                      missing.to_list(), missing.count() == 1 ? "es" : "", existing.to_list()));
  }
}

void resolve_cpu_specs(LoadResult& r, const topology::Machine& m) {
  for (const auto& spec : r.cpu_specs) {
    ResolvedSpec got;
    try {
      got = resolve_cpu_spec(spec.text, m);
    } catch (const std::invalid_argument& e) {  // checked when read; kept for callers that did not
      r.add(spec.where, spec.key, fmt::format("{} (expected {})", e.what(), kCpuSpecGrammar));
      continue;
    }
    for (const auto& item : got.absent)
      r.warn(spec.where, spec.key, fmt::format("'{}': this host has no {}: that item is left out here", spec.text, item));
    r.cpu_refs.push_back({spec.where, spec.key, got.cpus, true});
    if (spec.rule < 0) {
      r.config.banned_cpus |= got.cpus;
      continue;
    }
    if (static_cast<std::size_t>(spec.rule) >= r.config.device_rules.size()) continue;
    DevicePatch& p = r.config.device_rules[static_cast<std::size_t>(spec.rule)].set;
    p.allowed_cpus = got.cpus;
    if (got.cpus.empty()) r.warn(spec.where, spec.key, fmt::format("'{}' names no CPU of this host", spec.text));
    if (p.rps == RpsMode::kList && !p.rps_cpus.is_subset_of(got.cpus))
      r.add(spec.where, "device.rps",
            fmt::format("CPUs {} are outside allowed_cpus {} ('{}' on this host) (expected rps within allowed_cpus)",
                        (p.rps_cpus - got.cpus).to_list(), got.cpus.to_list(), spec.text));
  }
  r.cpu_specs.clear();
}

}  // namespace irqd::config
