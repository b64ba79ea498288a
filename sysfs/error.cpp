// Message formatting for sysfs errors.
#include "sysfs/error.hpp"

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

}  // namespace irqd::sysfs
