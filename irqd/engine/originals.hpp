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
  // Knobs whose device, queue or IRQ is gone (ENOENT/ENODEV on the knob or its directory): they
  // can never be restored, so they are dropped from the file. Not a failure.
  int vanished = 0;
  int failed = 0;
  std::vector<std::string> errors;    // each names the knob
  std::vector<std::string> gone;      // the vanished knobs' kernel-relative paths, sorted
};

// What vanished, for one line of a report: the NICs (with their knob count) and the IRQs, the first
// few of each and how many more, e.g. "eth1 (12 queue knobs); IRQs 104, 201, 202".
std::string describe_vanished(const std::vector<std::string>& paths);

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
  // Writes every recorded value back, reads each back; drops the vanished ones; removes the file
  // once nothing is left to restore, else keeps only what failed.
  RestoreResult restore(sysfs::KnobIo& io);

  const std::map<std::string, std::string>& values() const { return values_; }
  const std::filesystem::path& file() const { return file_; }
  bool exists() const;

 private:
  std::filesystem::path file_;
  std::map<std::string, std::string> values_;  // kernel-relative path -> text as read
};

}  // namespace irqd
