// The original value of every knob irqd changed, recorded before its first change so that
// `irqd --restore` (and a clean stop with restore_on_exit) can put the machine back as it was.
// Kept in <run_dir>/original.json, written atomically (temp file, fsync, rename).
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "sysfs/knob_io.hpp"

namespace irqd {

struct RestoreResult {
  int restored = 0;
  int failed = 0;
  std::vector<std::string> errors;  // each names the knob
};

class OriginalStore {
 public:
  explicit OriginalStore(std::filesystem::path file);

  // Reads the file if it exists. Throws std::runtime_error naming the file when it is corrupt
  // (then nothing is loaded; the caller decides whether to go on).
  void load();
  // Records a knob's value unless one is recorded already: the first value seen is the original.
  void record(const std::string& path, const std::string& value);
  // Writes the file atomically, creating its directory. Throws std::runtime_error on failure.
  void save() const;
  // Writes every recorded value back, reads each back; on full success removes the file.
  RestoreResult restore(sysfs::KnobIo& io);

  const std::map<std::string, std::string>& values() const { return values_; }
  const std::filesystem::path& file() const { return file_; }
  bool exists() const;

 private:
  std::filesystem::path file_;
  std::map<std::string, std::string> values_;  // kernel-relative path -> text as read
};

}  // namespace irqd
