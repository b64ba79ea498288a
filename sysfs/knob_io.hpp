// KnobIo: the interface through which the engine writes kernel knobs and reads them back.
// Production uses SysRootIo; fault tests wrap it to inject EIO, EPERM, ENOSPC, ENOENT or a
// read-back that differs from what was written.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "sysfs/sys_root.hpp"

namespace irqd::sysfs {

class KnobIo {
 public:
  virtual ~KnobIo() = default;
  // Throws IoError carrying the kernel's errno.
  virtual void write(std::string_view rel, std::string_view value) = 0;
  // First line of the file; nullopt when it does not exist. Throws IoError on other errors.
  virtual std::optional<std::string> read_line(std::string_view rel) = 0;
  virtual std::string display(std::string_view rel) const = 0;
};

class SysRootIo final : public KnobIo {
 public:
  explicit SysRootIo(const SysRoot& root) : root_(root) {}
  void write(std::string_view rel, std::string_view value) override { root_.write(rel, value); }
  std::optional<std::string> read_line(std::string_view rel) override { return root_.read_line(rel); }
  std::string display(std::string_view rel) const override { return root_.display(rel); }

 private:
  const SysRoot& root_;
};

// What a knob file holds, from its name: how to parse it and compare values.
enum class KnobKind { kCpuList, kCpuMask, kInteger };
KnobKind knob_kind(std::string_view rel);
// Whether two texts of a knob mean the same value ("0-1" == "0,1"; "00000003" == "3").
// Unparsable text compares unequal.
bool knob_equal(KnobKind kind, std::string_view a, std::string_view b);

}  // namespace irqd::sysfs
