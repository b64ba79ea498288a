// libFuzzer target: parse_softnet_stat on arbitrary /proc/net/softnet_stat text.
// Input: "<online cpulist>\n<A>\f<B>". The first line is the online CPU list the caller passes
// (as /sys/devices/system/cpu/online; an unparsable one is passed as no CPUs). A is parsed into a
// SoftnetStat, then B into the same object (as the daemon reuses it every cycle), and B into a
// fresh one. Without a form feed A == B.
// Properties: only ParseError escapes; the reused and the fresh parse of B agree exactly; a
// successful result has 10, 11 or 13+ columns, CPUs strictly ascending, one row per online CPU
// (in order) when the file has no CPU index column, and find() finds exactly the rows.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "sysfs/cpuset.hpp"
#include "sysfs/error.hpp"
#include "sysfs/softnet_stat.hpp"

using irqd::sysfs::SoftnetStat;

namespace {

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "fuzz_softnet_stat: property violated: %s\n", what);
  std::abort();
}

std::optional<std::string> parse(std::string_view text, const std::vector<int>& online, SoftnetStat& out) {
  try {
    irqd::sysfs::parse_softnet_stat(text, "fuzz/proc/net/softnet_stat", online, out);
  } catch (const irqd::sysfs::ParseError& e) {
    return std::string(e.what());
  }
  return std::nullopt;
}

void check(const SoftnetStat& s, const std::vector<int>& online) {
  if (s.columns < 10 || s.columns == 12) fail("impossible column count accepted");
  if (s.rows.empty()) fail("success without rows");
  if (!s.has_cpu_index()) {
    if (s.rows.size() != online.size()) fail("rows != online CPUs without a CPU index column");
    for (std::size_t i = 0; i < s.rows.size(); ++i)
      if (s.rows[i].cpu != online[i]) fail("row not mapped to the online CPU at its position");
  }
  for (std::size_t i = 0; i < s.rows.size(); ++i) {
    if (s.rows[i].cpu < 0) fail("negative CPU");
    if (i > 0 && s.rows[i].cpu <= s.rows[i - 1].cpu) fail("rows not in strictly ascending CPU order");
    if (i > 0 && s.rows[i].line <= s.rows[i - 1].line) fail("row lines not increasing");
    if (s.find(s.rows[i].cpu) != &s.rows[i]) fail("find(cpu) does not return the row");
    if (s.columns < 11 && s.rows[i].flow_limit_count != 0) fail("flow_limit_count without its column");
  }
  if (s.find(-1) != nullptr) fail("find(-1) found a row");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  const std::size_t nl = in.find('\n');
  if (nl == std::string_view::npos) return 0;
  std::vector<int> online;
  try {
    online = irqd::sysfs::CpuSet::parse_list(in.substr(0, nl)).to_vector();
  } catch (const std::invalid_argument&) {
  }
  const std::string_view text = in.substr(nl + 1);
  const std::size_t ff = text.find('\f');
  const std::string_view a = text.substr(0, ff);
  const std::string_view b = ff == std::string_view::npos ? a : text.substr(ff + 1);

  SoftnetStat reused;
  (void)parse(a, online, reused);
  const std::optional<std::string> err_reused = parse(b, online, reused);
  SoftnetStat fresh;
  const std::optional<std::string> err_fresh = parse(b, online, fresh);
  if (err_reused != err_fresh) fail("reused and fresh SoftnetStat disagree on success/error");
  if (err_fresh) return 0;
  if (reused.rows != fresh.rows || reused.columns != fresh.columns) fail("reused and fresh SoftnetStat differ");
  check(fresh, online);
  return 0;
}
