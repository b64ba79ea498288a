// Table: aligned text columns for people (two spaces between columns, numbers right-aligned),
// in the same shape as irqd's dry-run report.
#pragma once

#include <string>
#include <vector>

namespace irqd::irqctl {

class Table {
 public:
  enum class Align { kLeft, kRight };

  // One header per column; `align` per column (default left; numbers go right).
  explicit Table(std::vector<std::string> headers, std::vector<Align> align = {});
  void add_row(std::vector<std::string> cells);  // missing cells are blank, extra ones an error
  std::size_t rows() const { return rows_.size(); }
  // Header line, then one line per row; no trailing spaces. With `max_width`, the last column
  // (a free-text one such as REASON) is cut ("...") so that each line fits, keeping at least
  // kMinLast of it when the other columns alone are wider.
  std::string render(std::size_t max_width = 0) const;
  static constexpr std::size_t kMinLast = 16;

 private:
  std::vector<std::string> headers_;
  std::vector<Align> align_;
  std::vector<std::vector<std::string>> rows_;
};

// `text` cut to `width` code points, its end replaced by "..." when cut.
std::string trim_to(const std::string& text, std::size_t width);

// "-" for an empty cell, so a blank never looks like a missing column.
std::string or_dash(const std::string& s);

}  // namespace irqd::irqctl
