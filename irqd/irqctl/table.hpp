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
  // Header line, then one line per row; no trailing spaces.
  std::string render() const;

 private:
  std::vector<std::string> headers_;
  std::vector<Align> align_;
  std::vector<std::vector<std::string>> rows_;
};

// "-" for an empty cell, so a blank never looks like a missing column.
std::string or_dash(const std::string& s);

}  // namespace irqd::irqctl
