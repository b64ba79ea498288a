// Test helper: a KnobIo over a tree's real files that fails writes to chosen paths with an errno,
// or makes the kernel "show" something else than what was written, and counts reads and writes.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "sysfs/error.hpp"
#include "sysfs/knob_io.hpp"

namespace irqd::testing {

class FaultyIo final : public sysfs::KnobIo {
 public:
  explicit FaultyIo(const sysfs::SysRoot& root) : real_(root) {}
  std::map<std::string, int> fail;              // path -> errno
  std::map<std::string, std::string> readback;  // path -> what reads return after a write
  std::map<std::string, int> writes;            // path -> write attempts
  std::map<std::string, int> reads;             // path -> reads

  void write(std::string_view rel, std::string_view value) override {
    ++writes[std::string(rel)];
    if (auto it = fail.find(std::string(rel)); it != fail.end())
      throw sysfs::IoError(display(rel), it->second, "cannot write");
    real_.write(rel, value);
  }
  std::optional<std::string> read_line(std::string_view rel) override {
    ++reads[std::string(rel)];
    if (writes.count(std::string(rel)))
      if (auto it = readback.find(std::string(rel)); it != readback.end()) return it->second;
    return real_.read_line(rel);
  }
  std::string display(std::string_view rel) const override { return real_.display(rel); }

 private:
  sysfs::SysRootIo real_;
};

}  // namespace irqd::testing
