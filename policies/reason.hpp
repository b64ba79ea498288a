// Reason: why a placement is what it is, as one line a person reads. A policy that places
// thousands of IRQs every cycle keeps its reasons as facts in a shared Book and has them written
// only when a view (report, log, D-Bus, irqctl) reads them; a plain line is kept as it is.
#pragma once

#include <cstddef>
#include <iosfwd>
#include <memory>
#include <string>
#include <string_view>

namespace irqd::policies {

class Reason {
 public:
  // The facts behind a plan's reasons, copied out of the policy's inputs (which may be gone by
  // the time a reason is read). write() appends entry `entry`'s line to `out`.
  class Book {
   public:
    virtual ~Book() = default;
    virtual void write(std::size_t entry, std::string& out) const = 0;
  };

  Reason() = default;
  Reason(std::string text) : text_(std::move(text)) {}  // NOLINT: a plain line converts
  Reason(const char* text) : text_(text) {}             // NOLINT
  Reason(std::shared_ptr<const Book> book, std::size_t entry) : book_(std::move(book)), entry_(entry) {}

  // The whole line.
  std::string str() const;
  bool empty() const { return !book_ && text_.empty(); }
  // Appends to the line (to a written one later: the suffix is kept beside the book's entry).
  Reason& operator+=(std::string_view suffix) {
    text_ += suffix;
    return *this;
  }

  friend bool operator==(const Reason& a, const Reason& b) { return a.str() == b.str(); }
  friend std::ostream& operator<<(std::ostream& os, const Reason& r);

 private:
  std::shared_ptr<const Book> book_;
  std::size_t entry_ = 0;
  std::string text_;  // the line without a book; with one, what follows the book's entry
};

}  // namespace irqd::policies
