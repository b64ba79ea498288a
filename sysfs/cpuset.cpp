// CpuSet storage, set algebra and the kernel's cpulist / cpumask text forms.
#include "sysfs/cpuset.hpp"

#include <bit>
#include <stdexcept>

#include <fmt/format.h>

#include "sysfs/hex_mask_hint.hpp"

namespace irqd::sysfs {

namespace {
constexpr int kWordBits = 64;

[[noreturn]] void bad(std::string_view kind, std::string_view text, std::string_view why) {
  throw std::invalid_argument(fmt::format("{} '{}': {}", kind, text, why));
}

std::string_view trim_ws(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\n')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n')) s.remove_suffix(1);
  return s;
}

// Parses a decimal CPU number; pos is advanced past it.
int parse_cpu(std::string_view all, std::string_view s, std::size_t& pos) {
  std::size_t start = pos;
  long v = 0;
  while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
    v = v * 10 + (s[pos] - '0');
    if (v >= CpuSet::kMaxCpus) bad("cpulist", all, fmt::format("CPU number too large (limit {})", CpuSet::kMaxCpus - 1));
    ++pos;
  }
  if (pos == start) bad("cpulist", all, fmt::format("expected a CPU number at offset {}", start));
  return static_cast<int>(v);
}
}  // namespace

CpuSet CpuSet::of(std::initializer_list<int> cpus) {
  CpuSet s;
  for (int c : cpus) s.set(c);
  return s;
}

CpuSet CpuSet::range(int first, int last) {
  CpuSet s;
  for (int c = first; c <= last; ++c) s.set(c);
  return s;
}

namespace {
CpuSet parse_list_strict(std::string_view text) {
  std::string_view s = trim_ws(text);
  CpuSet out;
  if (s.empty()) return out;
  std::size_t pos = 0;
  while (true) {
    int a = parse_cpu(text, s, pos);
    int b = a;
    int used = 0, group = 0;  // group 0: every CPU of the range
    if (pos < s.size() && s[pos] == '-') {
      ++pos;
      b = parse_cpu(text, s, pos);
      if (b < a) bad("cpulist", text, fmt::format("range {}-{} runs backwards", a, b));
      if (pos < s.size() && s[pos] == ':') {  // the kernel's "0-1023:2/256" group syntax
        ++pos;
        used = parse_cpu(text, s, pos);
        if (pos >= s.size() || s[pos] != '/') bad("cpulist", text, "expected '/' in a range:used/group");
        ++pos;
        group = parse_cpu(text, s, pos);
        if (used == 0 || group == 0 || used > group) bad("cpulist", text, "used/group needs 0 < used <= group");
      }
    }
    for (int c = a; c <= b; ++c)
      if (group == 0 || (c - a) % group < used) out.set(c);
    if (pos == s.size()) break;
    if (s[pos] != ',') bad("cpulist", text, fmt::format("unexpected '{}' at offset {}", s[pos], pos));
    ++pos;
    if (pos == s.size()) bad("cpulist", text, "trailing ','");
  }
  return out;
}
}  // namespace

CpuSet CpuSet::parse_list(std::string_view text) {
  try {
    return parse_list_strict(text);
  } catch (const std::invalid_argument&) {
    // A hex mask where a list belongs ("0x3", "ff,ffffffff") gets said as such.
    if (auto hint = hex_mask_hint(text)) bad("cpulist", text, *hint);
    throw;
  }
}

CpuSet CpuSet::parse_mask(std::string_view text) {
  std::string_view s = trim_ws(text);
  if (s.empty()) bad("cpumask", text, "empty");
  // Split into comma-separated 32-bit groups, most significant first.
  std::vector<std::uint32_t> groups;
  std::size_t pos = 0;
  while (true) {
    std::size_t end = s.find(',', pos);
    std::string_view g = s.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
    if (g.empty()) bad("cpumask", text, "empty group");
    if (g.size() > 8) bad("cpumask", text, fmt::format("group '{}' wider than 32 bits", g));
    std::uint32_t v = 0;
    for (char c : g) {
      int d;
      if (c >= '0' && c <= '9') d = c - '0';
      else if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
      else if (c >= 'A' && c <= 'F') d = c - 'A' + 10;
      else bad("cpumask", text, fmt::format("'{}' is not a hex digit", c));
      v = (v << 4) | static_cast<std::uint32_t>(d);
    }
    groups.push_back(v);
    if (end == std::string_view::npos) break;
    pos = end + 1;
  }
  if (groups.size() * 32 > static_cast<std::size_t>(kMaxCpus)) bad("cpumask", text, "wider than 8192 CPUs");
  CpuSet out;
  for (std::size_t i = 0; i < groups.size(); ++i) {
    std::uint32_t v = groups[groups.size() - 1 - i];
    for (int b = 0; b < 32; ++b)
      if (v & (1u << b)) out.set(static_cast<int>(i) * 32 + b);
  }
  return out;
}

std::string CpuSet::to_list() const {
  std::string out;
  int c = first();
  while (c >= 0) {
    int e = c;
    while (test(e + 1)) ++e;
    if (!out.empty()) out += ',';
    out += e == c ? fmt::format("{}", c) : fmt::format("{}-{}", c, e);
    c = e + 1;
    while (c <= last() && !test(c)) ++c;
    if (c > last()) break;
  }
  return out;
}

std::string CpuSet::to_mask(int nbits) const {
  int bits = std::max(nbits, last() + 1);
  int ngroups = std::max(1, (bits + 31) / 32);
  std::string out;
  for (int g = ngroups - 1; g >= 0; --g) {
    std::uint32_t v = 0;
    for (int b = 0; b < 32; ++b)
      if (test(g * 32 + b)) v |= (1u << b);
    if (!out.empty()) out += ',';
    // The kernel prints the most significant group without leading zeros only when it is the
    // only group narrower than 32 bits; sysfs always pads each group to 8 digits except the first.
    if (g == ngroups - 1 && bits % 32 != 0) {
      int digits = ((bits % 32) + 3) / 4;
      out += fmt::format("{:0{}x}", v, digits);
    } else {
      out += fmt::format("{:08x}", v);
    }
  }
  return out;
}

void CpuSet::set(int cpu) {
  if (cpu < 0) return;
  auto w = static_cast<std::size_t>(cpu / kWordBits);
  if (words_.size() <= w) words_.resize(w + 1, 0);
  words_[w] |= std::uint64_t{1} << (cpu % kWordBits);
}

void CpuSet::reset(int cpu) {
  if (cpu < 0) return;
  auto w = static_cast<std::size_t>(cpu / kWordBits);
  if (w >= words_.size()) return;
  words_[w] &= ~(std::uint64_t{1} << (cpu % kWordBits));
  trim();
}

bool CpuSet::test(int cpu) const {
  if (cpu < 0) return false;
  auto w = static_cast<std::size_t>(cpu / kWordBits);
  return w < words_.size() && (words_[w] >> (cpu % kWordBits)) & 1u;
}

bool CpuSet::empty() const { return words_.empty(); }

int CpuSet::count() const {
  int n = 0;
  for (auto w : words_) n += std::popcount(w);
  return n;
}

int CpuSet::first() const {
  for (std::size_t i = 0; i < words_.size(); ++i)
    if (words_[i]) return static_cast<int>(i) * kWordBits + std::countr_zero(words_[i]);
  return -1;
}

int CpuSet::last() const {
  if (words_.empty()) return -1;
  std::size_t i = words_.size() - 1;
  return static_cast<int>(i) * kWordBits + (kWordBits - 1 - std::countl_zero(words_[i]));
}

std::vector<int> CpuSet::to_vector() const {
  std::vector<int> out;
  for (std::size_t i = 0; i < words_.size(); ++i) {
    std::uint64_t w = words_[i];
    while (w) {
      out.push_back(static_cast<int>(i) * kWordBits + std::countr_zero(w));
      w &= w - 1;
    }
  }
  return out;
}

CpuSet CpuSet::operator&(const CpuSet& o) const {
  CpuSet r = *this;
  r &= o;
  return r;
}

CpuSet CpuSet::operator|(const CpuSet& o) const {
  CpuSet r = *this;
  r |= o;
  return r;
}

CpuSet CpuSet::operator-(const CpuSet& o) const {
  CpuSet r = *this;
  for (std::size_t i = 0; i < r.words_.size() && i < o.words_.size(); ++i) r.words_[i] &= ~o.words_[i];
  r.trim();
  return r;
}

CpuSet& CpuSet::operator|=(const CpuSet& o) {
  if (words_.size() < o.words_.size()) words_.resize(o.words_.size(), 0);
  for (std::size_t i = 0; i < o.words_.size(); ++i) words_[i] |= o.words_[i];
  return *this;
}

CpuSet& CpuSet::operator&=(const CpuSet& o) {
  if (words_.size() > o.words_.size()) words_.resize(o.words_.size());
  for (std::size_t i = 0; i < words_.size(); ++i) words_[i] &= o.words_[i];
  trim();
  return *this;
}

bool CpuSet::operator==(const CpuSet& o) const { return words_ == o.words_; }

bool CpuSet::is_subset_of(const CpuSet& o) const { return (*this - o).empty(); }

bool CpuSet::intersects(const CpuSet& o) const { return !(*this & o).empty(); }

void CpuSet::trim() {
  while (!words_.empty() && words_.back() == 0) words_.pop_back();
}

}  // namespace irqd::sysfs
