// SysRoot: the one door to /proc and /sys. Every read and write of a kernel file goes through it,
// relative to a root directory ("/" on a live machine, a fixture or simulated tree in tests), so the
// whole daemon can be pointed at a tree with --root.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <cstddef>
#include <vector>

namespace irqd::sysfs {

class SysRoot {
 public:
  // No kernel file irqd reads whole comes near this; a larger one is refused rather than read into
  // unbounded memory. (/proc/interrupts, which can be far larger, is streamed: read_interrupts.)
  static constexpr std::size_t kMaxFileBytes = std::size_t{64} << 20;

  explicit SysRoot(std::filesystem::path root = "/");

  // A root at the directory `rel` of this one, holding that directory open: its reads walk only
  // the path below it (a NIC's "queues", "proc/irq"), which is most of what a small read costs
  // in a deep sysfs tree. Messages still name the whole path.
  SysRoot at(std::string_view rel) const;

  const std::filesystem::path& root() const { return root_; }
  bool is_live() const { return live_; }

  // Absolute path of a kernel-relative path such as "proc/interrupts" or "/sys/class/net".
  std::filesystem::path path(std::string_view rel) const;
  // The kernel-side name of a path under the root ("/proc/irq/5/node"), for messages.
  std::string display(std::string_view rel) const;

  // Whole-file read; throws IoError (with errno) when the file cannot be read, or is not a regular
  // file (a FIFO, a directory, a device: see not_regular_file).
  std::string read(std::string_view rel) const;
  // Same, but nullopt when the file does not exist (ENOENT/ENOTDIR); other errors still throw.
  std::optional<std::string> read_if_exists(std::string_view rel) const;
  // Reads into a caller-owned buffer (reused across cycles); returns false on ENOENT.
  bool read_into(std::string_view rel, std::string& buf) const;
  // First line without its newline; nullopt when absent.
  std::optional<std::string> read_line(std::string_view rel) const;

  // Writes the whole value in one write(2), as the kernel expects for sysfs/procfs knobs.
  // Throws IoError carrying the errno the kernel returned (EIO, EPERM, EINVAL, ENOSPC, ENOENT...),
  // or refusing a path that is not a regular file.
  void write(std::string_view rel, std::string_view value) const;

  bool exists(std::string_view rel) const;
  bool is_dir(std::string_view rel) const;
  // Entry names of a directory, sorted; empty when it does not exist.
  std::vector<std::string> list(std::string_view rel) const;
  // Resolves symlinks inside the root and returns the kernel-relative result ("sys/devices/...");
  // nullopt when the path does not exist or resolves outside the root.
  std::optional<std::string> resolve(std::string_view rel) const;

 private:
  bool read_file(std::string_view rel, std::string& buf, bool first_line) const;

  struct Fd {
    Fd() = default;
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    ~Fd();
    int fd = -1;
  };
  std::filesystem::path root_;
  bool live_;
  std::string prefix_;             // kernel-relative path of root_ ("" or "proc/irq/")
  std::shared_ptr<const Fd> dir_;  // root_ held open, for roots made by at()
};

}  // namespace irqd::sysfs
