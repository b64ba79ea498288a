// Reason: a plain line, or a book's entry written when read.
#include "policies/reason.hpp"

#include <ostream>

namespace irqd::policies {

std::string Reason::str() const {
  if (!book_) return text_;
  std::string out;
  book_->write(entry_, out);
  out += text_;
  return out;
}

std::ostream& operator<<(std::ostream& os, const Reason& r) { return os << r.str(); }

}  // namespace irqd::policies
