// Finding, bounding and reading the configuration files.
#include "config/rules.hpp"
#include "config/loader.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <fmt/format.h>

namespace irqd::config {

namespace {

// Reads at most kMaxFileBytes + 1 bytes, so a file that grows or lies about its size is bounded too.
std::optional<std::string> read_bounded(const std::filesystem::path& p, LoadResult& r) {
  int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) {
    r.add({p.string()}, "", fmt::format("cannot open: {}", std::strerror(errno)));
    return std::nullopt;
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    r.add({p.string()}, "", "is not a regular file (expected a TOML file)");
    return std::nullopt;
  }
  if (static_cast<std::size_t>(st.st_size) > kMaxFileBytes) {
    ::close(fd);
    r.add({p.string()}, "",
          fmt::format("{} bytes is too large (expected at most {} bytes)", st.st_size, kMaxFileBytes));
    return std::nullopt;
  }
  std::string text;
  char buf[65536];
  while (text.size() <= kMaxFileBytes) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      r.add({p.string()}, "", fmt::format("cannot read: {}", std::strerror(errno)));
      ::close(fd);
      return std::nullopt;
    }
    if (n == 0) break;
    text.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  if (text.size() > kMaxFileBytes) {
    r.add({p.string()}, "", fmt::format("grew past {} bytes while read (expected at most that)", kMaxFileBytes));
    return std::nullopt;
  }
  return text;
}

}  // namespace

std::filesystem::path drop_in_dir(const std::filesystem::path& file) {
  return file.parent_path() / "conf.d";
}

std::vector<std::filesystem::path> config_files(const LoadOptions& opts, LoadResult& r) {
  std::vector<std::filesystem::path> out;
  std::error_code ec;
  if (std::filesystem::exists(opts.file, ec))
    out.push_back(opts.file);
  else if (opts.file_required)
    r.add({opts.file.string()}, "", "does not exist (expected the configuration file given with --config)");
  auto dir = drop_in_dir(opts.file);
  if (!std::filesystem::is_directory(dir, ec)) return out;
  std::vector<std::filesystem::path> drop_ins;
  std::filesystem::directory_iterator it(dir, ec), end;
  if (ec) {
    r.add({dir.string()}, "", fmt::format("cannot list: {}", ec.message()));
    return out;
  }
  for (; it != end; it.increment(ec)) {
    if (ec) {
      r.add({dir.string()}, "", fmt::format("cannot list: {}", ec.message()));
      break;
    }
    const auto& p = it->path();
    if (p.extension() != ".toml" || p.filename().string().starts_with(".")) continue;
    if (drop_ins.size() >= kMaxDropInFiles) {
      r.add({dir.string()}, "", fmt::format("holds more than {} .toml files (expected fewer)", kMaxDropInFiles));
      break;
    }
    drop_ins.push_back(p);
  }
  std::sort(drop_ins.begin(), drop_ins.end());
  out.insert(out.end(), drop_ins.begin(), drop_ins.end());
  return out;
}

LoadResult load_files(const LoadOptions& opts) {
  LoadResult r;
  for (const auto& f : config_files(opts, r)) {
    auto text = read_bounded(f, r);
    if (!text) continue;
    r.config.sources.push_back(f.string());
    read_toml(*text, f.string(), opts.read, r);
  }
  check_conflicts(r);
  r.sort_errors();
  return r;
}

}  // namespace irqd::config
