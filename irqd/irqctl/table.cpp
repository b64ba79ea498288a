// Table rendering: column widths from the widest cell (in UTF-8 code points), two-space gaps.
#include "irqd/irqctl/table.hpp"

#include <algorithm>
#include <stdexcept>

namespace irqd::irqctl {

namespace {
// Display width: count code points, not bytes, so "—" or "µs" do not skew the columns.
std::size_t width(const std::string& s) {
  return static_cast<std::size_t>(std::count_if(
      s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}
}  // namespace

Table::Table(std::vector<std::string> headers, std::vector<Align> align)
    : headers_(std::move(headers)), align_(std::move(align)) {
  align_.resize(headers_.size(), Align::kLeft);
}

void Table::add_row(std::vector<std::string> cells) {
  if (cells.size() > headers_.size())
    throw std::logic_error("table row has more cells than headers");
  cells.resize(headers_.size());
  rows_.push_back(std::move(cells));
}

std::string trim_to(const std::string& text, std::size_t max) {
  if (width(text) <= max) return text;
  if (max <= 3) return std::string(max, '.');
  std::string out;
  std::size_t n = 0;
  for (char c : text) {
    const bool starts = (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    if (starts && n++ == max - 3) break;
    out += c;
  }
  return out + "...";
}

std::string Table::render(std::size_t max_width) const {
  std::vector<std::size_t> w(headers_.size());
  for (std::size_t c = 0; c < headers_.size(); ++c) {
    w[c] = width(headers_[c]);
    for (const auto& r : rows_) w[c] = std::max(w[c], width(r[c]));
  }
  const std::size_t last = headers_.empty() ? 0 : headers_.size() - 1;
  if (max_width > 0 && !headers_.empty()) {
    std::size_t before = 0;
    for (std::size_t c = 0; c < last; ++c) before += w[c] + 2;
    const std::size_t room = max_width > before ? max_width - before : 0;
    w[last] = std::min(w[last], std::max(room, std::max(kMinLast, width(headers_[last]))));
  }
  std::string out;
  auto line = [&](const std::vector<std::string>& row) {
    std::vector<std::string> cells = row;
    if (!cells.empty()) cells[last] = trim_to(cells[last], w[last]);
    std::string l;
    for (std::size_t c = 0; c < cells.size(); ++c) {
      std::string pad(w[c] - width(cells[c]), ' ');
      if (c > 0) l += "  ";
      l += align_[c] == Align::kRight ? pad + cells[c] : cells[c] + pad;
    }
    while (!l.empty() && l.back() == ' ') l.pop_back();
    out += l + "\n";
  };
  line(headers_);
  for (const auto& r : rows_) line(r);
  return out;
}

std::string or_dash(const std::string& s) { return s.empty() ? "-" : s; }

}  // namespace irqd::irqctl
