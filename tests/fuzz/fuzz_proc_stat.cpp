// libFuzzer target: parse_proc_stat on arbitrary /proc/stat text, including reuse of the output.
// Input: "<A>\f<B>" (no form feed: A == B == the whole input). A is parsed into a ProcStat, then
// B into the same object (as the daemon reuses it every cycle), and B into a fresh one.
// Properties: only ParseError escapes; the reused and the fresh parse of B agree exactly (same
// result, or the same error); a successful result has the aggregate line, at least one CPU
// line, CPUs strictly ascending, 4+ columns per line, and find() finds exactly the listed CPUs.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "sysfs/error.hpp"
#include "sysfs/proc_stat.hpp"

using irqd::sysfs::CpuTimes;
using irqd::sysfs::ProcStat;

namespace {

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "fuzz_proc_stat: property violated: %s\n", what);
  std::abort();
}

// The error message, or nullopt on success.
std::optional<std::string> parse(std::string_view text, ProcStat& out) {
  try {
    irqd::sysfs::parse_proc_stat(text, "fuzz/proc/stat", out);
  } catch (const irqd::sysfs::ParseError& e) {
    return std::string(e.what());
  }
  return std::nullopt;
}

void check(const ProcStat& s) {
  if (s.total.cpu != -1) fail("aggregate line with a CPU number");
  if (s.total.columns < 4) fail("aggregate line with fewer than 4 columns");
  if (s.cpus.empty()) fail("success without per-CPU lines");
  for (std::size_t i = 0; i < s.cpus.size(); ++i) {
    const CpuTimes& t = s.cpus[i];
    if (t.cpu < 0) fail("negative CPU number");
    if (i > 0 && t.cpu <= s.cpus[i - 1].cpu) fail("CPU lines not strictly ascending");
    if (t.columns < 4) fail("CPU line with fewer than 4 columns");
    if (s.find(t.cpu) != &t) fail("find(cpu) does not return the CPU's line");
    if (i > 0 && t.cpu > s.cpus[i - 1].cpu + 1 && s.find(t.cpu - 1) != nullptr) fail("find() found an absent CPU");
  }
  if (s.find(-1) != nullptr || s.find(s.cpus.back().cpu + 1) != nullptr) fail("find() found an absent CPU");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  const std::size_t ff = in.find('\f');
  const std::string_view a = in.substr(0, ff);
  const std::string_view b = ff == std::string_view::npos ? a : in.substr(ff + 1);

  ProcStat reused;
  (void)parse(a, reused);
  const std::optional<std::string> err_reused = parse(b, reused);
  ProcStat fresh;
  const std::optional<std::string> err_fresh = parse(b, fresh);
  if (err_reused != err_fresh) fail("reused and fresh ProcStat disagree on success/error");
  if (err_fresh) return 0;
  if (!(reused.total == fresh.total) || reused.cpus != fresh.cpus) fail("reused and fresh ProcStat differ");
  check(fresh);
  return 0;
}
