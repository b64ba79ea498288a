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
  // With the reason in words rather than strerror(err): "<action> <path>: <reason>".
  IoError(std::string path, int err, const std::string& action, const std::string& reason);
  const std::string& path() const { return path_; }
  int error_code() const { return err_; }

 private:
  std::string path_;
  int err_;
};

// A FIFO, directory, device or socket where a kernel file should be (every file irqd reads or writes
// under /proc and /sys is a regular one): refused before it is read or written, since a FIFO or a
// device may block forever or never end. `mode` is st_mode; `action` "refusing to read" or
// "refusing to write". The message names the path and what it is ("... : not a regular file (a FIFO)").
IoError not_regular_file(std::string path, unsigned mode, const std::string& action);

}  // namespace irqd::sysfs
