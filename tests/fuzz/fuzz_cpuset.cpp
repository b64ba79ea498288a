// libFuzzer target: CpuSet::parse_list and CpuSet::parse_mask on arbitrary text.
// Both parsers are run on every input. Properties checked for every successful parse:
//   parse_list(to_list(s)) == s, parse_mask(to_mask(n)) == s for several widths n,
//   to_list() is canonical (a fixed point), and count/first/last/to_vector/test agree.
// Any exception other than std::invalid_argument escapes and is reported as a crash.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "sysfs/cpuset.hpp"

using irqd::sysfs::CpuSet;

namespace {

[[noreturn]] void fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "fuzz_cpuset: property violated: %s: %s\n", what, detail.c_str());
  std::abort();
}

void check_consistent(const CpuSet& s) {
  const std::vector<int> v = s.to_vector();
  if (static_cast<std::size_t>(s.count()) != v.size()) fail("count() != to_vector().size()", s.to_list());
  if (s.empty() != v.empty()) fail("empty() disagrees with to_vector()", s.to_list());
  if (v.empty()) {
    if (s.first() != -1 || s.last() != -1) fail("first/last of empty set are not -1", "");
    return;
  }
  if (s.first() != v.front() || s.last() != v.back()) fail("first/last disagree with to_vector()", s.to_list());
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (v[i] < 0 || v[i] >= CpuSet::kMaxCpus) fail("CPU out of range", s.to_list());
    if (i > 0 && v[i] <= v[i - 1]) fail("to_vector() not strictly increasing", s.to_list());
    if (!s.test(v[i])) fail("test() false for a member", s.to_list());
  }
}

void check_round_trips(const CpuSet& s, const char* origin) {
  check_consistent(s);
  const std::string list = s.to_list();
  CpuSet back;
  try {
    back = CpuSet::parse_list(list);
  } catch (const std::invalid_argument& e) {
    fail("parse_list(to_list(s)) threw", std::string(origin) + ": '" + list + "': " + e.what());
  }
  if (!(back == s)) fail("parse_list(to_list(s)) != s", std::string(origin) + ": '" + list + "'");
  if (back.to_list() != list) fail("to_list() is not canonical", list);

  // Widths the daemon uses (nr_cpu_ids-like values) and the exact width of the set.
  for (int nbits : {0, 1, 4, 31, 32, 33, 64, s.last() + 1, CpuSet::kMaxCpus}) {
    const std::string mask = s.to_mask(nbits);
    CpuSet m;
    try {
      m = CpuSet::parse_mask(mask);
    } catch (const std::invalid_argument& e) {
      fail("parse_mask(to_mask(n)) threw",
           std::string(origin) + " n=" + std::to_string(nbits) + ": '" + mask + "': " + e.what());
    }
    if (!(m == s))
      fail("parse_mask(to_mask(n)) != s", std::string(origin) + " n=" + std::to_string(nbits) + ": '" + mask + "'");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    check_round_trips(CpuSet::parse_list(text), "list");
  } catch (const std::invalid_argument&) {
  }
  try {
    check_round_trips(CpuSet::parse_mask(text), "mask");
  } catch (const std::invalid_argument&) {
  }
  return 0;
}
