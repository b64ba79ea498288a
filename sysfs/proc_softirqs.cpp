// /proc/softirqs parser: the "CPU<n>" header kernel/softirq.c show_softirqs() prints for every
// possible CPU, then one "%12s:" row of " %10u" counters per softirq.
#include "sysfs/proc_softirqs.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

#include "sysfs/error.hpp"
#include "sysfs/text_scan.hpp"

namespace irqd::sysfs {

namespace {

using namespace text_scan;  // NOLINT: the shared scanning helpers

bool is_name_char(char c) { return is_alpha(c) || is_digit(c) || c == '_'; }




class Parser {
 public:
  Parser(std::string_view text, std::string_view file, Softirqs& out)
      : text_(text), file_(file), out_(out) {}

  void run() {
    out_.cpus.clear();
    out_.counts.clear();
    std::string_view line;
    while (next_line(line) && is_blank_line(line)) {
    }
    if (is_blank_line(line)) fail(0, "empty file: no 'CPU<n>' header line");
    parse_header(line);
    // Sized once to the file's rows (NR_SOFTIRQS, ten) x CPUs, not doubled up to 2x as it grows.
    if (out_.counts.capacity() == 0)
      out_.counts.reserve(static_cast<std::size_t>(std::count(text_.begin(), text_.end(), '\n')) *
                          out_.cpus.size());
    std::size_t nrows = 0;
    while (next_line(line)) {
      if (is_blank_line(line)) continue;  // trailing blank lines
      parse_row(line, nrows++);
    }
    // Shrinking destroys only rows a previous, longer file had; rows in use keep their strings.
    out_.rows.resize(nrows);
    bool rx = false;
    bool tx = false;
    for (std::size_t i = 0; i < nrows; ++i) {
      if (out_.rows[i].name == "NET_RX") {
        out_.net_rx_row = i;
        rx = true;
      } else if (out_.rows[i].name == "NET_TX") {
        out_.net_tx_row = i;
        tx = true;
      }
    }
    if (!rx) fail(0, "no NET_RX row");
    if (!tx) fail(0, "no NET_TX row");
  }

 private:
  [[noreturn]] void fail(int line, const std::string& what) const {
    throw ParseError(std::string(file_), line, what);
  }

  bool next_line(std::string_view& line) {
    if (pos_ >= text_.size()) {
      line = {};
      return false;
    }
    std::size_t nl = text_.find('\n', pos_);
    if (nl == std::string_view::npos) nl = text_.size();
    line = text_.substr(pos_, nl - pos_);
    pos_ = nl + 1;
    ++line_no_;
    return true;
  }

  void parse_header(std::string_view line) {
    for (std::size_t p = skip_blanks(line, 0); p < line.size();) {
      const std::size_t e = token_end(line, p);
      const std::string_view tok = line.substr(p, e - p);
      int cpu = -1;
      if (tok.size() > 3 && tok.size() <= 3 + 7 && tok.substr(0, 3) == "CPU" &&
          std::all_of(tok.begin() + 3, tok.end(), is_digit))
        std::from_chars(tok.data() + 3, tok.data() + tok.size(), cpu);
      if (cpu < 0) fail(line_no_, fmt::format("header column '{}' is not 'CPU<n>'", tok));
      if (!out_.cpus.empty() && cpu <= out_.cpus.back())
        fail(line_no_, fmt::format("header column CPU{} does not follow CPU{} in increasing order",
                                   cpu, out_.cpus.back()));
      out_.cpus.push_back(cpu);
      p = skip_blanks(line, e);
    }
  }

  void parse_row(std::string_view line, std::size_t index) {
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos)
      fail(line_no_, "expected '<name>:' at the start of the line");
    const std::size_t start = skip_blanks(line, 0);
    std::size_t end = colon;
    while (end > start && is_blank(line[end - 1])) --end;
    const std::string_view name = line.substr(start, end - start);
    if (name.empty()) fail(line_no_, "empty softirq name before ':'");
    if (!is_alpha(name[0]) || !std::all_of(name.begin(), name.end(), is_name_char))
      fail(line_no_,
           fmt::format("softirq name '{}' is not a word of letters, digits and '_'", name));
    // Ten rows (NR_SOFTIRQS): a linear search is cheaper than any set.
    for (std::size_t i = 0; i < index; ++i)
      if (out_.rows[i].name == name)
        fail(line_no_,
             fmt::format("duplicate softirq row '{}' (first on line {})", name, out_.rows[i].line));

    const std::size_t ncols = out_.cpus.size();
    const std::size_t first = out_.counts.size();
    out_.counts.resize(first + ncols);
    std::uint64_t* const dst = out_.counts.data() + first;
    const char* const begin = line.data();
    std::size_t k = 0;
    for (std::size_t p = skip_blanks(line, colon + 1); p < line.size(); p = skip_blanks(line, p)) {
      const std::size_t e = token_end(line, p);
      const std::string_view tok = line.substr(p, e - p);
      if (k == ncols)
        fail(line_no_, fmt::format("{} has more counter columns than the {} CPUs of the header",
                                   name, ncols));
      std::uint64_t v = 0;
      const auto [ptr, ec] = std::from_chars(begin + p, begin + e, v);
      if (ec == std::errc::result_out_of_range)
        fail(line_no_, fmt::format("{} counter {} '{}' overflows 64 bits", name, k + 1, tok));
      if (ec != std::errc() || ptr != begin + e)
        fail(line_no_,
             fmt::format("{} counter {} '{}' is not an unsigned number", name, k + 1, tok));
      dst[k++] = v;
      p = e;
    }
    if (k != ncols)
      fail(line_no_,
           fmt::format("{} has {} counter columns but the header has {} CPUs", name, k, ncols));

    // Reuses the row (and its name's buffer) a previous parse left at this index.
    if (index == out_.rows.size()) out_.rows.emplace_back();
    SoftirqRow& row = out_.rows[index];
    row.name.assign(name);
    row.first_count = first;
    row.line = line_no_;
  }

  std::string_view text_;
  std::string_view file_;
  Softirqs& out_;
  std::size_t pos_ = 0;
  int line_no_ = 0;
};

}  // namespace

const SoftirqRow* Softirqs::find(std::string_view name) const {
  for (const SoftirqRow& r : rows)
    if (r.name == name) return &r;
  return nullptr;
}

std::ptrdiff_t Softirqs::column(int cpu) const {
  auto it = std::lower_bound(cpus.begin(), cpus.end(), cpu);
  return it != cpus.end() && *it == cpu ? it - cpus.begin() : -1;
}

void parse_softirqs(std::string_view text, std::string_view file, Softirqs& out) {
  Parser(text, file, out).run();
}

}  // namespace irqd::sysfs
