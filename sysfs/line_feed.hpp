// Feeding a line-by-line parser (a Consumer with readable_until, cold, expect, take, finish and
// abandon: see the interrupts parser) from a whole text or from a procfs file read in chunks, so
// that the same parser serves both and a big file's text is never held whole.
#pragma once

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "sysfs/error.hpp"
#include "sysfs/interrupt_fields.hpp"
#include "sysfs/sys_root.hpp"

namespace irqd::sysfs::line_feed {

using interrupt_fields::count_newlines;

inline std::size_t count_lines(std::string_view text) {
  return count_newlines(text) + (!text.empty() && text.back() != '\n' ? 1 : 0);
}

// Feeds the lines of a whole text to p; returns p.finish().
template <class Consumer>
bool feed_text(std::string_view text, Consumer& p) {
  p.readable_until(text.data() + text.size());
  if (p.cold()) p.expect(count_lines(text), text.size());
  try {
    std::size_t pos = 0;
    while (pos < text.size()) {
      std::size_t nl = text.find('\n', pos);
      if (nl == std::string_view::npos) nl = text.size();
      p.take(text.substr(pos, nl - pos));
      pos = nl + 1;  // an unterminated last line ends the loop
    }
    return p.finish();
  } catch (...) {
    p.abandon();
    throw;
  }
}

// Throws not_regular_file when fd is not a regular file (a FIFO, a directory, a device).
inline void check_regular(int fd, const std::string& name) {
  struct stat st {};
  if (::fstat(fd, &st) == 0 && !S_ISREG(st.st_mode)) throw not_regular_file(name, st.st_mode, "refusing to read");
}

// Feeds the lines of the open file fd (named `name` in errors), read in chunks of `chunk` bytes
// into buf (more only for a longer line); returns p.finish(), or nullopt when the file vanished
// while being read. A file that is not a regular one is refused (fd opened O_NONBLOCK, so a FIFO
// reads as empty or fails with EAGAIN rather than blocking): checked by a first reading (cold),
// else only when a reading looks wrong (empty, failing, too long): no fstat per cycle.
template <class Consumer>
std::optional<bool> feed_file(int fd, const std::string& name, std::size_t chunk, std::string& buf, Consumer& p) {
  if (buf.size() < chunk) buf.resize(chunk);
  if (p.cold()) {
    check_regular(fd, name);
    // Learn the file's size with a first read (procfs reports none), so that the table is
    // reserved exactly. Later readings reuse the table's storage.
    std::size_t lines = 0, bytes = 0;
    char last = '\n';
    for (ssize_t n; (n = ::read(fd, buf.data(), buf.size())) != 0;) {
      if (n < 0) {
        if (errno == EINTR) continue;
        bytes = lines = 0;  // the parsing read reports the error
        break;
      }
      std::string_view data(buf.data(), static_cast<std::size_t>(n));
      lines += count_newlines(data);
      bytes += data.size();
      last = data.back();
      if (bytes > SysRoot::kMaxFileBytes) break;
    }
    if (::lseek(fd, 0, SEEK_SET) != 0) throw IoError(name, errno, "cannot seek");
    p.expect(lines + (last != '\n' ? 1 : 0), bytes);
  }
  try {
    std::size_t held = 0;    // bytes in buf not yet parsed (a partial line)
    std::size_t total = 0;
    bool eof = false;
    while (!eof) {
      if (held == buf.size()) buf.resize(buf.size() * 2);  // one line longer than the buffer
      ssize_t n = ::read(fd, buf.data() + held, buf.size() - held);
      if (n < 0) {
        if (errno == EINTR) continue;
        if (errno == ENODEV || errno == ENOENT) {  // went away while we read
          p.abandon();
          return std::nullopt;
        }
        const int e = errno;
        check_regular(fd, name);
        throw IoError(name, e, "cannot read");
      }
      total += static_cast<std::size_t>(n);
      if (total > SysRoot::kMaxFileBytes) {
        check_regular(fd, name);
        throw IoError(name, EFBIG, fmt::format("larger than {} MiB, refusing to read it", SysRoot::kMaxFileBytes >> 20));
      }
      eof = n == 0;
      if (eof && total == 0) check_regular(fd, name);
      const std::size_t filled = held + static_cast<std::size_t>(n);
      std::string_view data(buf.data(), filled);
      p.readable_until(buf.data() + filled);
      std::size_t pos = 0;
      for (std::size_t nl; (nl = data.find('\n', pos)) != std::string_view::npos; pos = nl + 1)
        p.take(data.substr(pos, nl - pos));
      if (eof && pos < filled) {  // an unterminated last line
        p.take(data.substr(pos));
        pos = filled;
      }
      held = filled - pos;
      if (held > 0 && pos > 0) std::memmove(buf.data(), buf.data() + pos, held);
    }
    return p.finish();
  } catch (...) {
    p.abandon();
    throw;
  }
}

// An open file descriptor, closed when it goes.
struct Fd {
  explicit Fd(int f) : fd(f) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
  int fd;
};

}  // namespace irqd::sysfs::line_feed
