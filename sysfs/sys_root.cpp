// SysRoot implementation: plain POSIX I/O so errno reaches callers unchanged. Only regular files
// are read or written, opened non-blocking: nothing put where a kernel file should be can hang irqd.
// Writes check the file type first (they are few); reads when a reading looks wrong (they are many).
#include "sysfs/sys_root.hpp"

#include <fmt/format.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <system_error>

#include "sysfs/error.hpp"

namespace irqd::sysfs {

namespace fs = std::filesystem;

namespace {
std::string_view strip_slash(std::string_view rel) {
  while (!rel.empty() && rel.front() == '/') rel.remove_prefix(1);
  return rel;
}

// Reads the whole of fd into buf (with first_line, stops once a newline is in: a sysfs attribute
// returns its whole value in one read, so that saves the read that would see end of file);
// returns 0 or an errno value.
int slurp(int fd, std::string& buf, bool first_line) {
  buf.clear();
  std::size_t used = 0;
  if (buf.capacity() < 4096) buf.reserve(4096);
  while (true) {
    // Grown by what was read so far, at most 64 KiB at a time: resize() writes every byte it
    // adds, so growing to the whole capacity would keep pages resident that no file fills.
    buf.resize(used + std::clamp<std::size_t>(used, 4096, std::size_t{64} << 10));
    ssize_t n = ::read(fd, buf.data() + used, buf.size() - used);
    if (n < 0) {
      if (errno == EINTR) continue;
      int e = errno;
      buf.resize(used);
      return e;
    }
    if (n == 0) break;
    if (first_line && std::memchr(buf.data() + used, '\n', static_cast<std::size_t>(n)) != nullptr) {
      used += static_cast<std::size_t>(n);
      break;
    }
    used += static_cast<std::size_t>(n);
    if (used > SysRoot::kMaxFileBytes) {  // bounded memory whatever the file claims to hold
      buf.clear();
      return EFBIG;
    }
  }
  buf.resize(used);
  return 0;
}
}  // namespace

SysRoot::SysRoot(fs::path root) : root_(std::move(root)) {
  std::error_code ec;
  live_ = fs::equivalent(root_, "/", ec);
}

SysRoot::Fd::~Fd() {
  if (fd >= 0) ::close(fd);
}

SysRoot SysRoot::at(std::string_view rel) const {
  SysRoot sub(*this);
  rel = strip_slash(rel);
  sub.root_ = path(rel);
  sub.prefix_ = prefix_ + std::string(rel) + "/";
  sub.dir_.reset();
  // Not held open (gone, or out of descriptors on a host with thousands of netdevs): its reads
  // walk the whole path, as a plain root's do.
  if (int fd = ::open(sub.root_.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC); fd >= 0) {
    auto held = std::make_shared<Fd>();
    held->fd = fd;
    sub.dir_ = std::move(held);
  }
  return sub;
}

fs::path SysRoot::path(std::string_view rel) const { return root_ / strip_slash(rel); }

std::string SysRoot::display(std::string_view rel) const {
  std::string kernel = "/" + prefix_ + std::string(strip_slash(rel));
  return live_ ? kernel : path(rel).string();
}

bool SysRoot::read_into(std::string_view rel, std::string& buf) const { return read_file(rel, buf, false); }

bool SysRoot::read_file(std::string_view rel, std::string& buf, bool first_line) const {
  // Non-blocking: a FIFO put where a kernel file should be opens at once instead of waiting for a
  // writer (procfs and sysfs files ignore the flag).
  constexpr int kFlags = O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY;
  int fd = -1;
  if (dir_) {
    fd = ::openat(dir_->fd, std::string(strip_slash(rel)).c_str(), kFlags);
  } else {
    fd = ::open(path(rel).c_str(), kFlags);
  }
  if (fd < 0) {
    if (errno == ENOENT || errno == ENOTDIR) return false;
    throw IoError(display(rel), errno, "cannot open");
  }
  // Only regular files are read: a FIFO or a device may block or never end. That is checked when a
  // reading looks wrong, not by an fstat per read (the daemon re-reads knobs every cycle): opened
  // O_NONBLOCK, a FIFO reads as empty or fails with EAGAIN, a directory fails with EISDIR, an
  // endless device runs into the cap. (No need for the size either: slurp() stops at the cap
  // whatever the file is, and /proc files say 0 bytes anyway.)
  int err = slurp(fd, buf, first_line);
  if ((err != 0 && err != ENODEV && err != ENOENT) || buf.empty()) {
    struct stat st {};
    if (::fstat(fd, &st) == 0 && !S_ISREG(st.st_mode)) {
      ::close(fd);
      throw not_regular_file(display(rel), st.st_mode, "refusing to read");
    }
  }
  ::close(fd);
  if (err == ENODEV || err == ENOENT) return false;  // device went away while we read
  if (err == EFBIG)
    throw IoError(display(rel), err, fmt::format("larger than {} MiB, refusing to read it", kMaxFileBytes >> 20));
  if (err != 0) throw IoError(display(rel), err, "cannot read");
  return true;
}

std::string SysRoot::read(std::string_view rel) const {
  std::string buf;
  if (!read_into(rel, buf)) throw IoError(display(rel), ENOENT, "cannot open");
  return buf;
}

std::optional<std::string> SysRoot::read_if_exists(std::string_view rel) const {
  std::string buf;
  if (!read_into(rel, buf)) return std::nullopt;
  return buf;
}

std::optional<std::string> SysRoot::read_line(std::string_view rel) const {
  std::string s;
  if (!read_file(rel, s, true)) return std::nullopt;
  auto nl = s.find('\n');
  if (nl != std::string::npos) s.resize(nl);
  return s;
}

void SysRoot::write(std::string_view rel, std::string_view value) const {
  fs::path p = path(rel);
  // Non-blocking, so that a FIFO without a reader fails at once (ENXIO) instead of waiting for one.
  int fd = ::open(p.c_str(), O_WRONLY | O_CLOEXEC | O_TRUNC | O_NONBLOCK | O_NOCTTY);
  struct stat st {};
  if (fd < 0) {
    const int e = errno;
    if (e == ENXIO && ::stat(p.c_str(), &st) == 0 && !S_ISREG(st.st_mode))
      throw not_regular_file(display(rel), st.st_mode, "refusing to write");
    throw IoError(display(rel), e, "cannot open for writing");
  }
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    const int e = errno;
    const unsigned mode = st.st_mode;
    ::close(fd);
    if (mode == 0) throw IoError(display(rel), e, "cannot stat");
    throw not_regular_file(display(rel), mode, "refusing to write");
  }
  ssize_t n;
  do {
    n = ::write(fd, value.data(), value.size());
  } while (n < 0 && errno == EINTR);
  int err = n < 0 ? errno : 0;
  if (n >= 0 && static_cast<std::size_t>(n) != value.size()) err = EIO;  // short write: not applied
  // Some sysfs attributes report their error only at close.
  if (::close(fd) != 0 && err == 0) err = errno;
  if (err != 0) throw IoError(display(rel), err, "cannot write");
}

bool SysRoot::exists(std::string_view rel) const {
  std::error_code ec;
  return fs::exists(path(rel), ec);
}

bool SysRoot::is_dir(std::string_view rel) const {
  std::error_code ec;
  return fs::is_directory(path(rel), ec);
}

std::vector<std::string> SysRoot::list(std::string_view rel) const {
  std::vector<std::string> out;
  std::error_code ec;
  fs::directory_iterator it(path(rel), ec);
  if (ec) return out;
  for (const auto& e : it) out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

std::optional<std::string> SysRoot::resolve(std::string_view rel) const {
  std::error_code ec;
  fs::path real = fs::canonical(path(rel), ec);
  if (ec) return std::nullopt;
  fs::path base = fs::canonical(root_, ec);
  if (ec) return std::nullopt;
  fs::path r = real.lexically_relative(base);
  if (r.empty() || *r.begin() == "..") return std::nullopt;
  if (r == ".") return std::string{};
  return r.string();
}

}  // namespace irqd::sysfs
