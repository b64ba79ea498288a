// libFuzzer target: parse_softirqs on arbitrary /proc/softirqs text, including reuse of the output.
// Input: "<A>\f<B>" (no form feed: A == B == the whole input). A is parsed into a Softirqs, then
// B into the same object (as the daemon reuses it every cycle), and B into a fresh one.
// Properties: only ParseError escapes; the reused and the fresh parse of B agree exactly; a
// successful result is rows x cpus counters, CPU columns strictly ascending, unique row names,
// NET_RX / NET_TX rows found by index and by find(), column() finds exactly the listed CPUs.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "sysfs/error.hpp"
#include "sysfs/proc_softirqs.hpp"

using irqd::sysfs::Softirqs;

namespace {

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "fuzz_proc_softirqs: property violated: %s\n", what);
  std::abort();
}

std::optional<std::string> parse(std::string_view text, Softirqs& out) {
  try {
    irqd::sysfs::parse_softirqs(text, "fuzz/proc/softirqs", out);
  } catch (const irqd::sysfs::ParseError& e) {
    return std::string(e.what());
  }
  return std::nullopt;
}

bool same(const Softirqs& x, const Softirqs& y) {
  if (x.cpus != y.cpus || x.counts != y.counts || x.rows.size() != y.rows.size()) return false;
  if (x.net_rx_row != y.net_rx_row || x.net_tx_row != y.net_tx_row) return false;
  for (std::size_t i = 0; i < x.rows.size(); ++i)
    if (x.rows[i].name != y.rows[i].name || x.rows[i].first_count != y.rows[i].first_count ||
        x.rows[i].line != y.rows[i].line)
      return false;
  return true;
}

void check(const Softirqs& s) {
  const std::size_t ncols = s.ncols();
  if (ncols == 0) fail("no CPU columns");
  if (s.counts.size() != s.rows.size() * ncols) fail("counts.size() != rows x cpus");
  for (std::size_t c = 0; c < ncols; ++c) {
    if (s.cpus[c] < 0) fail("negative CPU column");
    if (c > 0 && s.cpus[c] <= s.cpus[c - 1]) fail("CPU columns not strictly ascending");
    if (s.column(s.cpus[c]) != static_cast<std::ptrdiff_t>(c)) fail("column(cpu) wrong");
    if (c > 0 && s.cpus[c] > s.cpus[c - 1] + 1 && s.column(s.cpus[c] - 1) != -1) fail("column() found an absent CPU");
  }
  if (s.column(-1) != -1 || s.column(s.cpus.back() + 1) != -1) fail("column() found an absent CPU");
  std::set<std::string> names;
  int prev_line = 0;
  for (std::size_t r = 0; r < s.rows.size(); ++r) {
    if (s.rows[r].first_count != r * ncols) fail("first_count is not row x ncols");
    if (s.rows[r].line <= prev_line) fail("row lines not increasing");
    prev_line = s.rows[r].line;
    if (s.rows[r].name.empty() || !names.insert(s.rows[r].name).second) fail("empty or duplicate row name");
    if (s.find(s.rows[r].name) != &s.rows[r]) fail("find(name) does not return the row");
    if (s.row_counts(r).size() != ncols || s.row_counts(r).data() != s.counts.data() + r * ncols)
      fail("row_counts() wrong");
  }
  if (s.net_rx_row >= s.rows.size() || s.rows[s.net_rx_row].name != "NET_RX") fail("net_rx_row is not NET_RX");
  if (s.net_tx_row >= s.rows.size() || s.rows[s.net_tx_row].name != "NET_TX") fail("net_tx_row is not NET_TX");
  for (std::size_t c = 0; c < ncols; ++c) (void)(s.net_rx(c) + s.net_tx(c));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  const std::size_t ff = in.find('\f');
  const std::string_view a = in.substr(0, ff);
  const std::string_view b = ff == std::string_view::npos ? a : in.substr(ff + 1);

  Softirqs reused;
  (void)parse(a, reused);
  const std::optional<std::string> err_reused = parse(b, reused);
  Softirqs fresh;
  const std::optional<std::string> err_fresh = parse(b, fresh);
  if (err_reused != err_fresh) fail("reused and fresh Softirqs disagree on success/error");
  if (err_fresh) return 0;
  if (!same(reused, fresh)) fail("reused and fresh Softirqs differ");
  check(fresh);
  return 0;
}
