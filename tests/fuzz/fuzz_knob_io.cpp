// libFuzzer target: knob_equal(kind, a, b) and knob_kind(rel) on arbitrary text.
// Input: "<a>\0<b>" (no NUL: a == b == the whole input). Every kind is tried on every input.
// Properties: never throws; symmetric; a value equals itself iff it parses; for cpulist and
// cpumask knobs a value equals its canonical re-print.
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "sysfs/cpuset.hpp"
#include "sysfs/knob_io.hpp"

using irqd::sysfs::CpuSet;
using irqd::sysfs::KnobKind;

namespace {

[[noreturn]] void fail(const char* what, KnobKind kind, std::string_view a, std::string_view b) {
  std::fprintf(stderr, "fuzz_knob_io: property violated: %s (kind %d) a='%.*s' b='%.*s'\n", what,
               static_cast<int>(kind), static_cast<int>(a.size()), a.data(), static_cast<int>(b.size()),
               b.data());
  std::abort();
}

std::optional<CpuSet> parse(KnobKind kind, std::string_view s) {
  try {
    if (kind == KnobKind::kCpuList) return CpuSet::parse_list(s);
    if (kind == KnobKind::kCpuMask) return CpuSet::parse_mask(s);
  } catch (const std::invalid_argument&) {
  }
  return std::nullopt;
}

bool parses(KnobKind kind, std::string_view s) {
  if (kind != KnobKind::kInteger) return parse(kind, s).has_value();
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.remove_suffix(1);
  long v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return !s.empty() && ec == std::errc{} && p == s.data() + s.size();
}

void check(KnobKind kind, std::string_view a, std::string_view b) {
  const bool ab = irqd::sysfs::knob_equal(kind, a, b);
  if (ab != irqd::sysfs::knob_equal(kind, b, a)) fail("knob_equal not symmetric", kind, a, b);
  if (irqd::sysfs::knob_equal(kind, a, a) != parses(kind, a)) fail("knob_equal(a, a) != parses(a)", kind, a, a);
  if (ab && (!parses(kind, a) || !parses(kind, b))) fail("unparsable text compared equal", kind, a, b);
  if (kind == KnobKind::kInteger) return;
  if (auto s = parse(kind, a)) {
    const std::string canon = kind == KnobKind::kCpuList ? s->to_list() : s->to_mask(0);
    if (!irqd::sysfs::knob_equal(kind, a, canon)) fail("value != its canonical form", kind, a, canon);
    if (auto t = parse(kind, b); t && ((*s == *t) != ab)) fail("knob_equal disagrees with CpuSet ==", kind, a, b);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  const std::size_t nul = in.find('\0');
  const std::string_view a = in.substr(0, nul);
  const std::string_view b = nul == std::string_view::npos ? a : in.substr(nul + 1);
  for (KnobKind kind : {KnobKind::kCpuList, KnobKind::kCpuMask, KnobKind::kInteger}) check(kind, a, b);
  // knob_kind takes a kernel-relative path; any text must classify without crashing.
  const KnobKind k = irqd::sysfs::knob_kind(a);
  if (k != KnobKind::kCpuList && k != KnobKind::kCpuMask && k != KnobKind::kInteger)
    fail("knob_kind returned an unknown kind", k, a, a);
  return 0;
}
