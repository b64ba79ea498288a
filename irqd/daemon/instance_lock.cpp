// InstanceLock: flock (released by the kernel when the process dies, so a crash leaves no stale
// lock to clean up), and the PID written after the lock is ours.
#include "irqd/daemon/instance_lock.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <system_error>

namespace irqd {

namespace {

std::string read_pid(int fd) {
  char buf[32] = {};
  ssize_t n = ::pread(fd, buf, sizeof(buf) - 1, 0);
  std::string pid(buf, n > 0 ? static_cast<std::size_t>(n) : 0);
  while (!pid.empty() && (pid.back() == '\n' || pid.back() == ' ')) pid.pop_back();
  return pid.empty() ? "unknown" : pid;
}

}  // namespace

InstanceLock::InstanceLock(const std::string& run_dir) {
  std::string path = (std::filesystem::path(run_dir) / "irqd.lock").string();
  std::error_code ec;
  std::filesystem::create_directories(run_dir, ec);
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0)
    throw std::runtime_error(
        fmt::format("{}: cannot open the lock file: {}", path, std::strerror(errno)));
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    int err = errno;
    std::string holder = read_pid(fd_);
    ::close(fd_);
    fd_ = -1;
    if (err == EWOULDBLOCK)
      throw std::runtime_error(fmt::format(
          "another irqd (PID {}) holds {}: one daemon per run directory (stop it, or give this one "
          "another --run-dir)",
          holder, path));
    throw std::runtime_error(fmt::format("{}: cannot lock: {}", path, std::strerror(err)));
  }
  std::string pid = fmt::format("{}\n", ::getpid());
  if (::ftruncate(fd_, 0) != 0 || ::pwrite(fd_, pid.data(), pid.size(), 0) < 0) {
    // The lock holds without the PID; a refused second daemon then says "PID unknown".
  }
}

InstanceLock::~InstanceLock() {
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace irqd
