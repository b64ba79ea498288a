// Feeding a line-by-line parser (a Consumer with readable_until, cold, expect, take, finish and
// abandon: see the interrupts parser) from a whole text or from a procfs file read in chunks, so
// that the same parser serves both and a big file's text is never held whole.
#pragma once

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
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

// Throws not_regular_file when fd is not a regular file (a FIFO, a directory, a device); returns
// its size (0 for procfs files, which say none).
inline std::size_t check_regular(int fd, const std::string& name) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) return 0;
  if (!S_ISREG(st.st_mode)) throw not_regular_file(name, st.st_mode, "refusing to read");
  return st.st_size > 0 ? static_cast<std::size_t>(st.st_size) : 0;
}

// Feeds the lines of the open file fd (named `name` in errors), read in chunks of `chunk` bytes
// into buf; returns p.finish(), or nullopt when the file vanished while being read. Memory is
// bounded whatever the file: buf grows only for a line longer than a chunk, up to max_line bytes,
// and a longer line is fed cut there (the rest of it skipped); a file longer than max_bytes is
// refused. A file that is not a regular one is refused too (fd opened O_NONBLOCK, so a FIFO reads
// as empty or fails with EAGAIN rather than blocking): checked by a first reading (cold), else
// only when a reading looks wrong (empty, failing, too long): no fstat per cycle.
template <class Consumer>
std::optional<bool> feed_file(int fd, const std::string& name, std::size_t chunk, std::size_t max_line,
                              std::size_t max_bytes, std::string& buf, Consumer& p) {
  if (buf.size() < chunk) buf.resize(chunk);
  auto too_long = [&] {
    check_regular(fd, name);
    return IoError(name, EFBIG, fmt::format("larger than {} MiB, refusing to read it", max_bytes >> 20));
  };
  if (p.cold()) {
    if (check_regular(fd, name) > max_bytes) throw too_long();  // a file that says so: unread
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
      if (bytes > max_bytes) throw too_long();
    }
    if (::lseek(fd, 0, SEEK_SET) != 0) throw IoError(name, errno, "cannot seek");
    p.expect(lines + (last != '\n' ? 1 : 0), bytes);
  }
  try {
    std::size_t held = 0;    // bytes in buf not yet parsed (a partial line)
    std::size_t total = 0;
    bool skipping = false;   // in the rest of a line longer than max_line, fed already
    bool eof = false;
    while (!eof) {
      if (held == buf.size()) {  // one line longer than the buffer
        if (buf.size() < max_line) {
          buf.resize(std::min(buf.size() * 2, max_line));
        } else {
          p.readable_until(buf.data() + held);
          p.take(std::string_view(buf.data(), held));
          held = 0;
          skipping = true;
        }
      }
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
      if (total > max_bytes) throw too_long();
      eof = n == 0;
      if (eof && total == 0) check_regular(fd, name);
      const std::size_t filled = held + static_cast<std::size_t>(n);
      std::string_view data(buf.data(), filled);
      std::size_t pos = 0;
      if (skipping) {
        const std::size_t nl = data.find('\n');
        skipping = nl == std::string_view::npos;
        pos = skipping ? filled : nl + 1;
      }
      p.readable_until(buf.data() + filled);
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
