// Message formatting for sysfs errors.
#include "sysfs/error.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

namespace irqd::sysfs {

namespace {
std::string location(const std::string& file, int line) {
  return line > 0 ? fmt::format("{}:{}", file, line) : file;
}
}  // namespace

ParseError::ParseError(std::string file, int line, const std::string& what)
    : std::runtime_error(fmt::format("{}: {}", location(file, line), what)),
      file_(std::move(file)),
      line_(line) {}

IoError::IoError(std::string path, int err, const std::string& action)
    : std::runtime_error(fmt::format("{} {}: {}", action, path, std::strerror(err))),
      path_(std::move(path)),
      err_(err) {}

IoError::IoError(std::string path, int err, const std::string& action, const std::string& reason)
    : std::runtime_error(fmt::format("{} {}: {}", action, path, reason)), path_(std::move(path)), err_(err) {}

IoError not_regular_file(std::string path, unsigned mode, const std::string& action) {
  const char* kind = S_ISFIFO(mode)   ? "a FIFO"
                     : S_ISDIR(mode)  ? "a directory"
                     : S_ISCHR(mode)  ? "a character device"
                     : S_ISBLK(mode)  ? "a block device"
                     : S_ISSOCK(mode) ? "a socket"
                                      : "not a file";
  // EISDIR for a directory as open(2) and read(2) say; ENXIO (what opening a FIFO or a socket can
  // fail with) for the rest: no caller takes either for a vanished device or a managed IRQ.
  return IoError(std::move(path), S_ISDIR(mode) ? EISDIR : ENXIO, action,
                 fmt::format("not a regular file ({})", kind));
}

}  // namespace irqd::sysfs
