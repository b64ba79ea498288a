// Errors raised while reading or writing kernel files: each names the file (and line, for parse
// errors) so an operator can find what was wrong without a debugger.
#pragma once

#include <stdexcept>
#include <string>

namespace irqd::sysfs {

// Malformed text in a kernel file (or in text given on the command line / over D-Bus).
class ParseError : public std::runtime_error {
 public:
  ParseError(std::string file, int line, const std::string& what);
  const std::string& file() const { return file_; }
  int line() const { return line_; }

 private:
  std::string file_;
  int line_;
};

// A failed open/read/write; errno is kept so callers can tell EIO/EPERM (kernel-managed IRQ) from
// ENOENT (vanished device) and ENOSPC (vector space exhausted).
class IoError : public std::runtime_error {
 public:
  IoError(std::string path, int err, const std::string& action);
  const std::string& path() const { return path_; }
  int error_code() const { return err_; }

 private:
  std::string path_;
  int err_;
};

}  // namespace irqd::sysfs
