// The environment-file reader (see shell_assignments.hpp).
#include "config/shell_assignments.hpp"

#include <fmt/format.h>

namespace irqd::config {

namespace {

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }
bool is_name_start(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; }
bool is_name_char(char c) { return is_name_start(c) || (c >= '0' && c <= '9'); }

class Reader {
 public:
  Reader(std::string_view text, const std::string& file) : s_(text), file_(file) {}

  std::vector<ShellAssignment> run() {
    std::vector<ShellAssignment> out;
    while (pos_ < s_.size()) {
      skip_blanks();
      if (at_end_of_line()) {
        skip_line();
        continue;
      }
      out.push_back(assignment());
    }
    return out;
  }

 private:
  [[noreturn]] void fail(int line, const std::string& why) const {
    throw ShellFileError(fmt::format("{}:{}: {}", file_, line, why));
  }
  char peek() const { return pos_ < s_.size() ? s_[pos_] : '\0'; }
  bool at_end_of_line() const { return pos_ >= s_.size() || s_[pos_] == '\n' || s_[pos_] == '#'; }
  void skip_line() {
    while (pos_ < s_.size() && s_[pos_] != '\n') ++pos_;
    if (pos_ < s_.size()) next();
  }
  void next() {
    if (s_[pos_] == '\n') ++line_;
    ++pos_;
  }
  void skip_blanks() {
    while (true) {
      if (pos_ < s_.size() && is_blank(s_[pos_])) {
        ++pos_;
      } else if (s_.substr(pos_, 2) == "\\\n") {  // a continuation between words
        pos_ += 2;
        ++line_;
      } else {
        return;
      }
    }
  }
  std::string word_at() const {
    std::size_t end = pos_;
    while (end < s_.size() && !is_blank(s_[end]) && s_[end] != '\n') ++end;
    std::string w(s_.substr(pos_, std::min<std::size_t>(end - pos_, 40)));
    return end - pos_ > 40 ? w + "..." : w;
  }

  std::string name() {
    std::size_t start = pos_;
    while (pos_ < s_.size() && is_name_char(s_[pos_])) ++pos_;
    return std::string(s_.substr(start, pos_ - start));
  }

  ShellAssignment assignment() {
    ShellAssignment a;
    a.line = line_;
    std::size_t start = pos_;
    std::string n = is_name_start(peek()) ? name() : "";
    if (n == "export" && is_blank(peek())) {
      skip_blanks();
      start = pos_;
      n = is_name_start(peek()) ? name() : "";
    }
    if (n.empty() || peek() != '=') {
      pos_ = start;
      fail(a.line, fmt::format("'{}' is not a NAME=value assignment (irqd reads this file, it does not run it)",
                               word_at()));
    }
    ++pos_;  // '='
    a.name = std::move(n);
    a.value = value(a.line);
    skip_blanks();
    if (!at_end_of_line())
      fail(line_, fmt::format("{}: unexpected '{}' after the value (quote a value with spaces: {}=\"...\")",
                              a.name, word_at(), a.name));
    skip_line();
    return a;
  }

  [[noreturn]] void expansion(int line) const {
    fail(line, "the value uses shell expansion ($ or `); irqd reads this file, it does not run it: "
               "write the value out");
  }

  std::string value(int start_line) {
    std::string v;
    while (pos_ < s_.size() && !is_blank(s_[pos_]) && s_[pos_] != '\n') {
      char c = s_[pos_];
      if (c == '\'') {
        next();
        while (pos_ < s_.size() && s_[pos_] != '\'') {
          v.push_back(s_[pos_]);
          next();
        }
        if (pos_ >= s_.size()) fail(start_line, "a single quote (') is not closed");
        next();
      } else if (c == '"') {
        next();
        while (pos_ < s_.size() && s_[pos_] != '"') {
          char d = s_[pos_];
          if (d == '$' || d == '`') expansion(line_);
          if (d == '\\' && pos_ + 1 < s_.size()) {
            char e = s_[pos_ + 1];
            if (e == '\n') {  // a continuation: both go
              next();
              next();
              continue;
            }
            if (e == '"' || e == '\\' || e == '$' || e == '`') {
              next();
              d = e;
            }
          }
          v.push_back(d);
          next();
        }
        if (pos_ >= s_.size()) fail(start_line, "a double quote (\") is not closed");
        next();
      } else if (c == '\\') {
        next();
        if (pos_ >= s_.size()) break;
        if (s_[pos_] != '\n') v.push_back(s_[pos_]);
        next();
      } else if (c == '$' || c == '`') {
        expansion(line_);
      } else if (c == ';' || c == '&' || c == '|' || c == '<' || c == '>' || c == '(' || c == ')') {
        fail(line_, fmt::format("'{}' needs a shell; irqd reads this file, it does not run it", c));
      } else {
        v.push_back(c);
        next();
      }
    }
    return v;
  }

  std::string_view s_;
  const std::string& file_;
  std::size_t pos_ = 0;
  int line_ = 1;
};

}  // namespace

std::vector<ShellAssignment> read_shell_assignments(std::string_view text, const std::string& file) {
  return Reader(text, file).run();
}

}  // namespace irqd::config
