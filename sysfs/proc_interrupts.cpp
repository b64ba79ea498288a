// /proc/interrupts parser: the CPU header and rows line by line, from a whole text or a file read
// in chunks, into a new table or in place into the previous reading (re-reading). Counter field
// scanning is in interrupt_fields, how counters are stored in counter_cells, feeding lines in
// line_feed, the description split in interrupt_description.
#include "sysfs/proc_interrupts.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <limits>
#include <optional>
#include <unordered_set>

#include "sysfs/counter_cells.hpp"
#include "sysfs/cpuset.hpp"
#include "sysfs/error.hpp"
#include "sysfs/interrupt_description.hpp"
#include "sysfs/interrupt_fields.hpp"
#include "sysfs/line_feed.hpp"
#include "sysfs/text_scan.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

namespace irqd::sysfs {

namespace {

using namespace text_scan;  // NOLINT: the shared scanning helpers
using namespace interrupt_fields;  // NOLINT: the counter field scanners
using namespace counter_cells;     // NOLINT: the cells' sinks and upkeep

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_blank(s.back())) s.remove_suffix(1);
  return s;
}

std::string_view token_at(std::string_view s, std::ptrdiff_t p) {
  const auto start = static_cast<std::size_t>(p);
  return s.substr(start, token_end(s, start) - start);
}

// Fed one line at a time, so the same code parses a whole text or a file read in chunks.
//
// Two ways: from scratch into a table, or a re-reading into the table holding the previous
// reading (`prev`). A re-reading overwrites counters in place while every line matches the
// previous row at its position (same label, line, column count and description), logging each
// counter that changed with the value it replaced; a sparse row that gained non-zero counters is
// moved to the end of the cells (its move logged too). The first line that does not match moves the
// reading to `fresh`: the rows read so far are copied there and `prev` is rolled back from the
// log, so whatever happens `prev` ends either fully updated (in place) or exactly as it was.
class Parser {
 public:
  Parser(std::string_view file_name, InterruptTable& out) : file_(file_name), table_(&out) {
    out.cpus.clear();
    out.cells.clear();
  }
  Parser(std::string_view file_name, InterruptTable& prev, InterruptTable& fresh,
         std::vector<CounterChange>& changes)
      : file_(file_name), table_(&fresh), prev_(&prev), changes_(&changes) {
    fresh.cpus.clear();
    fresh.cells.clear();
    changes.clear();
  }

  // Bytes up to `end` may be loaded eight at a time (only digits within the line are used).
  void readable_until(const char* end) { text_end_ = end; }

  // One line without its '\n'; only its first kMaxInterruptsLine bytes are looked at.
  void take(std::string_view line) {
    ++line_no_;
    if (line.size() > kMaxInterruptsLine) line = line.substr(0, kMaxInterruptsLine);
    if (trim(line).empty()) return;  // blank separators (procfs) and trailing blank lines
    if (!header_) {
      parse_header(line);
      header_ = true;
      in_place_ = prev_ != nullptr && !prev_->rows.empty() && prev_->cpus == table_->cpus;
      if (in_place_)
        prev_cells_ = prev_->cells.size();
      else
        reserve();
      return;
    }
    if (!in_place_ || !row_in_place(line)) parse_row(line);
  }

  // Whether the table's size must be learnt before parsing: a table that never held a reading
  // (later ones reuse their storage, or are re-read in place).
  bool cold() const { return table_->rows.capacity() == 0 && (prev_ == nullptr || prev_->rows.empty()); }
  // The file's size, known before parsing: the table is then reserved exactly once the header
  // gives the number of columns, rather than grown by doubling (which at 1152 CPUs held the old
  // and the new counts at once, and kept up to twice the memory needed).
  void expect(std::size_t lines, std::size_t bytes) {
    hint_lines_ = lines;
    hint_bytes_ = bytes;
  }

  // Returns true when the reading was made in place into `prev` (a re-reading of the same shape).
  bool finish() {
    if (!header_) fail(1, "empty file: no 'CPU<n>' header line");
    if (in_place_ && nrows_ != prev_->rows.size()) to_fresh();  // rows vanished at the end
    if (in_place_) compact(*prev_);  // when moved rows left more unused cells than used ones
    // After an in-place reading the fresh table holds no rows (none may point past its counts).
    table_->rows.resize(in_place_ ? 0 : nrows_);
    return in_place_;
  }
  // After a throw: `prev` as it was, and no row of an earlier parse pointing past the counts.
  void abandon() {
    if (in_place_) undo_all();
    table_->rows.resize(in_place_ ? 0 : nrows_);
  }

 private:
  [[noreturn]] void fail(int line, const std::string& what) const {
    throw ParseError(std::string(file_), line, what);
  }

  void reserve() {
    // Without a size: a re-reading that changed shape is sized like the previous reading.
    std::size_t rows = std::min(hint_lines_ > 0 ? hint_lines_ - 1 : 0, kMaxInterruptsRows);  // all but the header
    std::size_t bytes = hint_bytes_;
    if (hint_lines_ == 0 && prev_ != nullptr) {
      rows = prev_->rows.size() + 16;
      bytes = std::numeric_limits<std::size_t>::max();
    }
    if (table_->rows.capacity() < rows) table_->rows.reserve(rows);
    expect_rows_ = rows;
    max_cells_ = bytes / 2;
  }
  // Dense rows the most of the first 16 or more: the rows still to come are expected dense too,
  // and their cells are reserved at once rather than grown by doubling (which at 1152 CPUs held the old and the new cells at
  // once). Every counter takes at least two bytes (" 0"): the cap keeps a file of short named
  // rows under a huge header from reserving far more than it will use. Sparse rows just grow.
  void reserve_dense() {
    reserved_dense_ = true;
    const std::size_t rows = std::max(expect_rows_, nrows_ + 1) - nrows_;
    const std::size_t cells = table_->cells.size() + std::min(rows * table_->cpus.size(), max_cells_);
    if (table_->cells.capacity() < cells) table_->cells.reserve(cells);
  }

  void parse_header(std::string_view line) {
    std::vector<int>& cpus = table_->cpus;
    std::size_t p = skip_blanks(line, 0);
    while (p < line.size()) {
      std::size_t e = token_end(line, p);
      std::string_view tok = line.substr(p, e - p);
      int cpu = -1;
      if (tok.size() > 3 && tok.size() <= 3 + 7 && tok.substr(0, 3) == "CPU" &&
          all_digits(tok.substr(3))) {
        std::from_chars(tok.data() + 3, tok.data() + tok.size(), cpu);
      }
      if (cpu < 0) fail(line_no_, fmt::format("header column '{}' is not 'CPU<n>'", tok));
      if (cpu >= CpuSet::kMaxCpus)
        fail(line_no_, fmt::format("header column CPU{}: CPU numbers stop at {}", cpu, CpuSet::kMaxCpus - 1));
      if (!cpus.empty() && cpu <= cpus.back())
        fail(line_no_, fmt::format("header column CPU{} does not follow CPU{} in increasing order",
                                   cpu, cpus.back()));
      cpus.push_back(cpu);
      p = skip_blanks(line, e);
    }
  }

  // Reads up to ncols counters from offset p of line into `sink` (counter_cells: a new row dense
  // or sparse, or a re-read row in place with a log); returns the offset where the description
  // starts and the number read in k. This loop is the parser's hot path (one iteration per CPU
  // per IRQ), hence pointers, word-at-a-time blank skipping and runs of zero fields at once.
  template <class Sink>
  std::size_t parse_counters(std::string_view line, std::size_t p, Sink& sink, std::size_t ncols,
                             std::size_t& k) const {
    const char* const begin = line.data();
    const char* const end = begin + line.size();
    const char* c = begin + p;
    while (k < ncols) {
      // Only fields starting with eight blanks can be zeros: a dense row's numbers are turned
      // away here without a call.
      std::uint64_t lead = 0;
      if (end - c >= static_cast<std::ptrdiff_t>(kZeroField)) std::memcpy(&lead, c, sizeof lead);
      if (const std::size_t zeros = lead == 0x2020202020202020ULL ? zero_run(c, end, ncols - k) : 0; zeros > 0) {
        sink.zeros(k, zeros);  // appended: nothing to write; in place: the counters that were not 0
        k += zeros;
        c += zeros * kZeroField;
        continue;
      }
      c = skip_blanks_fast(c, end);
      if (c == end) break;
      const char* const q = c;
      std::uint64_t v = 0;
      // Up to eight digits at once where eight bytes can be loaded (they may run past the line
      // into the rest of the text, never past its end; only the digits are used).
      if (text_end_ - c >= 8) {
        const int n = leading_digits(c);
        if (n > 0) {
          v = eight_digits(c, n);
          c += n;
        }
      }
      for (unsigned d; c != end && (d = static_cast<unsigned char>(*c) - 48u) <= 9u; ++c)
        v = v * 10 + d;
      if (c == q) {
        // A sign in a counter position would otherwise be taken for the start of a description.
        if ((*q == '-' || *q == '+') && q + 1 != end && is_digit(q[1]))
          fail(line_no_, fmt::format("counter {} '{}' is not an unsigned number", k + 1,
                                     token_at(line, q - begin)));
        break;  // the description starts here
      }
      if (c != end && !is_blank(*c))
        fail(line_no_,
             fmt::format("counter {} '{}' is not a number", k + 1, token_at(line, q - begin)));
      // 19 digits always fit the 64-bit accumulator; longer ones (leading zeros) are re-read.
      if ((c - q > 19 && std::from_chars(q, c, v).ec != std::errc()) ||
          v > std::numeric_limits<std::uint32_t>::max())
        fail(line_no_, fmt::format("counter {} '{}' does not fit 32 bits (the kernel's counters are "
                                   "unsigned int)", k + 1,
                                   std::string_view(q, static_cast<std::size_t>(c - q))));
      sink.value(k++, static_cast<std::uint32_t>(v));
    }
    return static_cast<std::size_t>(c - begin);
  }

  struct Label {
    std::size_t colon = 0;
    std::string_view text;
    int irq = -1;
  };
  Label parse_label(std::string_view line) const {
    Label l;
    l.colon = line.find(':');
    if (l.colon == std::string_view::npos)
      fail(line_no_, "expected '<irq>:' or '<name>:' at the start of the line");
    std::string_view label = trim(line.substr(0, l.colon));
    if (label.empty()) fail(line_no_, "empty label before ':'");
    if (std::any_of(label.begin(), label.end(), is_blank))
      fail(line_no_,
           fmt::format("label '{}' contains blanks (missing ':' after the label?)", label));
    if (is_digit(label[0])) {
      auto [end, ec] = std::from_chars(label.data(), label.data() + label.size(), l.irq);
      if (ec != std::errc() || end != label.data() + label.size())
        fail(line_no_, fmt::format("IRQ label '{}' is not a number", label));
    } else if (!is_alpha(label[0])) {
      fail(line_no_, fmt::format("label '{}' is neither an IRQ number nor a name", label));
    }
    l.text = label;
    return l;
  }

  // What every row must satisfy once its counters are read: no extra counter columns, and a
  // numbered row with a counter per CPU (fewer is a torn read: CPU hotplug while the kernel
  // printed the file; the cycle is retried).
  void check_row(std::string_view line, std::size_t p, std::size_t k, int irq, std::size_t ncols) {
    std::size_t rest = skip_blanks(line, p);
    if (k == ncols && rest < line.size()) {
      std::size_t e = token_end(line, rest);
      if (all_digits(line.substr(rest, e - rest)))
        fail(line_no_, fmt::format("more counter columns than the {} CPUs of the header", ncols));
    }
    if (irq >= 0 && k != ncols)
      fail(line_no_,
           fmt::format("IRQ {} has {} counter columns but the header has {} CPUs", irq, k, ncols));
    if (irq >= 0) check_unique(irq);
  }

  void parse_row(std::string_view line) {
    if (nrows_ == kMaxInterruptsRows)
      fail(line_no_, fmt::format("more than {} rows: not a kernel's /proc/interrupts", kMaxInterruptsRows));
    const Label label = parse_label(line);
    const std::size_t ncols = table_->cpus.size();
    std::vector<std::uint32_t>& cells = table_->cells;
    const std::size_t first = cells.size();
    // Each row starts in the form of the one before (a file is mostly all sparse or all dense)
    // and is switched at its end when its non-zero count calls for the other.
    const bool guess = dense_guess_;
    std::size_t k = 0, p = 0, nnz = 0;
    if (guess) {
      if (!reserved_dense_ && nrows_ >= 16 && 2 * dense_rows_ > nrows_) reserve_dense();
      cells.resize(first + ncols, 0);
      DenseAppend sink{cells.data() + first};
      p = parse_counters(line, label.colon + 1, sink, ncols, k);
      nnz = sink.nnz;
    } else {
      SparseAppend sink{cells};
      p = parse_counters(line, label.colon + 1, sink, ncols, k);
      nnz = sink.nnz;
    }
    check_row(line, p, k, label.irq, ncols);

    // Rows of an earlier parse are reused: their strings keep their capacity, so parsing a file
    // of the same shape again allocates nothing.
    if (nrows_ == table_->rows.size()) table_->rows.emplace_back();
    InterruptRow& row = table_->rows[nrows_++];
    row.irq = label.irq;
    row.label.assign(label.text);
    row.first_count = first;
    row.dense = guess;
    row.stored = static_cast<std::uint32_t>(guess ? ncols : nnz);
    dense_guess_ = dense_for(nnz, ncols);
    dense_rows_ += dense_guess_;
    if (dense_guess_ && !guess) to_dense(*table_, nrows_ - 1, cells_scratch_);
    if (!dense_guess_ && guess) to_sparse(*table_, nrows_ - 1, cells_scratch_);
    row.ncounts = static_cast<int>(k);
    row.line = line_no_;
    const std::string_view description = kept_description(line.substr(p), row.cut);
    row.description.assign(description);
    describe(description, label.irq, row);
  }

  // The line as the previous reading's row at this position, its counters updated in place.
  // False (nothing changed) when it is not that row.
  bool row_in_place(std::string_view line) {
    const Label label = parse_label(line);
    if (nrows_ == prev_->rows.size()) return to_fresh();
    InterruptRow& row = prev_->rows[nrows_];
    if (row.irq != label.irq || row.line != line_no_ || row.label != label.text) return to_fresh();
    const std::size_t ncols = prev_->cpus.size();
    const std::size_t mark = changes_->size();
    std::uint32_t* const cells = prev_->cells.data() + row.first_count;
    std::size_t k = 0, p = 0;
    extra_.clear();
    if (row.dense) {
      DenseInPlace sink{cells, *changes_, nrows_ * ncols};
      p = parse_counters(line, label.colon + 1, sink, ncols, k);
    } else {
      SparseInPlace sink{cells, row.stored, *changes_, nrows_ * ncols, extra_};
      p = parse_counters(line, label.colon + 1, sink, ncols, k);
    }
    check_row(line, p, k, label.irq, ncols);  // a throw rolls back through abandon()
    bool cut = false;
    const std::string_view description = kept_description(line.substr(p), cut);
    if (static_cast<int>(k) == row.ncounts && description == row.description && cut == row.cut) {  // the common case
      if (!extra_.empty()) move(nrows_);
      ++nrows_;
      return true;
    }
    describe(description, label.irq, scratch_);
    if (static_cast<int>(k) != row.ncounts || scratch_.name != row.name || scratch_.chip != row.chip ||
        scratch_.hwirq != row.hwirq) {
      undo(mark);
      return to_fresh();
    }
    row.description.assign(description);  // the same fields, spaced differently
    row.cut = cut;
    if (!extra_.empty()) move(nrows_);
    ++nrows_;
    return true;
  }

  // Leaves the in-place reading: the rows read so far go to the fresh table, `prev` is restored.
  bool to_fresh() {
    in_place_ = false;
    reserve();
    copy_rows(*prev_, nrows_, *table_);
    if (nrows_ > 0) dense_guess_ = table_->rows[nrows_ - 1].dense;
    undo_all();
    return false;
  }

  // Moves row r of `prev` (its pairs and extra_) to the end of the cells, remembering where it was.
  void move(std::size_t r) {
    const InterruptRow& row = prev_->rows[r];
    moves_.push_back({r, row.first_count, row.stored, row.dense});
    move_row(*prev_, r, extra_);
  }

  // The counters logged from `mark` on back to their old values (rows not moved since).
  void undo(std::size_t mark) {
    auto& log = *changes_;
    for (std::size_t i = log.size(); i-- > mark;) restore(*prev_, log[i].index, log[i].old);
    log.resize(mark);
  }
  // `prev` exactly as before the reading: moved rows back where they were, then every counter.
  void undo_all() {
    for (std::size_t i = moves_.size(); i-- > 0;) {
      InterruptRow& row = prev_->rows[moves_[i].row];
      row.first_count = moves_[i].first;
      row.stored = moves_[i].stored;
      row.dense = moves_[i].dense;
    }
    moves_.clear();
    undo(0);
    prev_->cells.resize(prev_cells_);
  }

  const std::vector<InterruptRow>& rows() const { return in_place_ ? prev_->rows : table_->rows; }

  // The kernel lists IRQs in increasing order, so a set is only built if a file is out of order.
  void check_unique(int irq) {
    if (!out_of_order_ && irq > last_irq_) {
      last_irq_ = irq;
      return;
    }
    const auto& rows = this->rows();
    if (!out_of_order_) {
      out_of_order_ = true;
      for (std::size_t i = 0; i < nrows_; ++i)
        if (rows[i].irq >= 0) seen_.insert(rows[i].irq);
    }
    if (!seen_.insert(irq).second) {
      int first_line = 0;
      for (std::size_t i = 0; i < nrows_ && first_line == 0; ++i)
        if (rows[i].irq == irq) first_line = rows[i].line;
      fail(line_no_, fmt::format("duplicate IRQ {} (first on line {})", irq, first_line));
    }
  }

  const char* text_end_ = nullptr;
  std::size_t hint_lines_ = 0;
  std::size_t hint_bytes_ = 0;
  std::string_view file_;
  int line_no_ = 0;
  bool header_ = false;
  InterruptTable* table_;                         // parsed into (the fresh table of a re-reading)
  InterruptTable* prev_ = nullptr;                // a re-reading's previous reading
  std::vector<CounterChange>* changes_ = nullptr;  // its log of counters changed in place
  bool in_place_ = false;
  std::size_t prev_cells_ = 0;  // prev_->cells.size() before the reading (moved rows append)
  struct Move {
    std::size_t row, first;
    std::uint32_t stored;
    bool dense;
  };
  std::vector<Move> moves_;    // rows of `prev` moved by this reading, with where they were
  std::vector<Cell> extra_;    // a re-read sparse row's counters in columns it held no pair for
  std::vector<Cell> cells_scratch_;
  bool dense_guess_ = false;   // the next new row's form: the last one's
  bool reserved_dense_ = false;
  std::size_t dense_rows_ = 0;  // rows parsed dense (a sparse file's few are not worth a reserve)
  std::size_t expect_rows_ = 0;
  std::size_t max_cells_ = std::numeric_limits<std::size_t>::max();
  InterruptRow scratch_;   // a re-read row's description, compared with the previous one's
  std::size_t nrows_ = 0;  // rows parsed so far (table_->rows may hold more from a reused table)
  int last_irq_ = -1;
  bool out_of_order_ = false;
  std::unordered_set<int> seen_;
};

using line_feed::Fd;

// Opens proc/interrupts under root; fd -1 when it does not exist. Non-blocking: a FIFO there opens
// at once (feed_file refuses it, and anything else that is not a regular file).
Fd open_interrupts(const SysRoot& root, const std::string& name) {
  int fd = ::open(root.path("proc/interrupts").c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  if (fd < 0 && errno != ENOENT && errno != ENOTDIR) throw IoError(name, errno, "cannot open");
  return Fd(fd);
}
}  // namespace

InterruptTable parse_interrupts(std::string_view text, std::string_view file_name) {
  InterruptTable t;
  Parser p(file_name, t);
  line_feed::feed_text(text, p);
  return t;
}

void parse_interrupts(std::string_view text, std::string_view file_name, InterruptTable& out) {
  Parser p(file_name, out);
  line_feed::feed_text(text, p);
}

Reread reparse_interrupts(std::string_view text, std::string_view file_name, InterruptTable& table,
                          InterruptTable& fresh, std::vector<CounterChange>& changes) {
  Parser p(file_name, table, fresh, changes);
  return line_feed::feed_text(text, p) ? Reread::kInPlace : Reread::kFresh;
}

bool read_interrupts(const SysRoot& root, InterruptTable& out, std::string& buf) {
  const std::string name = root.display("proc/interrupts");
  Fd f = open_interrupts(root, name);
  if (f.fd < 0) return false;
  Parser p(name, out);
  return line_feed::feed_file(f.fd, name, kInterruptsChunk, kMaxInterruptsLine, kMaxInterruptsBytes, buf, p)
      .has_value();
}

Reread reread_interrupts(const SysRoot& root, InterruptTable& table, InterruptTable& fresh,
                         std::vector<CounterChange>& changes, std::string& buf) {
  const std::string name = root.display("proc/interrupts");
  Fd f = open_interrupts(root, name);
  if (f.fd < 0) return Reread::kMissing;
  Parser p(name, table, fresh, changes);
  const std::optional<bool> in_place =
      line_feed::feed_file(f.fd, name, kInterruptsChunk, kMaxInterruptsLine, kMaxInterruptsBytes, buf, p);
  if (!in_place) return Reread::kMissing;
  return *in_place ? Reread::kInPlace : Reread::kFresh;
}

}  // namespace irqd::sysfs
