// Applier.
#include "irqd/engine/apply.hpp"

#include <cerrno>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "irqd/engine/decision.hpp"
#include "sysfs/error.hpp"

namespace irqd {

ApplyResult apply_diff(const Diff& diff, sysfs::KnobIo& io, OriginalStore& originals, std::set<int>& unchangeable) {
  ApplyResult r;
  r.unchanged = diff.planned - diff.changes;
  std::vector<const KnobChange*> todo;
  for (const auto& k : diff.knobs) {
    if (k.irq >= 0 && unchangeable.count(k.irq)) {
      ++r.unchanged;  // known kernel-managed: not retried, not a new failure
      continue;
    }
    todo.push_back(&k);
  }
  if (todo.empty()) return r;

  // Originals first, all of them, durably: a crash half-way must still leave a way back. A knob
  // whose original is recorded already is not read again (the first value stays the original); a
  // knob whose value cannot be read (not a regular file, an I/O error) is not written: its original
  // could not be put back. It fails alone; the rest are applied.
  std::size_t before = originals.values().size();
  std::vector<const KnobChange*> writable;
  writable.reserve(todo.size());
  for (const auto* k : todo) {
    if (originals.values().count(k->path) > 0) {
      writable.push_back(k);
      continue;
    }
    try {
      auto now = io.read_line(k->path);
      if (now) originals.record(k->path, *now);
      writable.push_back(k);
    } catch (const sysfs::IoError& e) {
      std::string msg = fmt::format("{}: cannot read its value to record it ({}); left as it was", k->subject, e.what());
      spdlog::error("{}", msg);
      r.outcomes.push_back({k, false, msg});
      r.errors.push_back(std::move(msg));
      ++r.failed;
    }
  }
  if (originals.values().size() != before) originals.save();

  for (const auto* k : writable) {
    try {
      io.write(k->path, k->value);
    } catch (const sysfs::IoError& e) {
      int err = e.error_code();
      if (k->irq >= 0 && (err == EIO || err == EPERM)) {
        unchangeable.insert(k->irq);
        r.unchangeable.push_back(k->irq);
        ++r.failed;
        std::string msg = fmt::format("{}: affinity is managed by the kernel ({}); marked unchangeable, not retried",
                                      k->subject, err == EIO ? "EIO" : "EPERM");
        spdlog::warn("{}", msg);
        r.outcomes.push_back({k, false, msg});
        r.errors.push_back(std::move(msg));
        continue;
      }
      if (err == ENOENT || err == ENODEV) {
        // Hotplug: the NIC, queue or IRQ went away between discovery and now. Not a failure: the
        // next discovery no longer lists it.
        spdlog::info("{}: the device or queue vanished; dropped", k->subject);
        r.outcomes.push_back({k, false, "vanished before the write", true});
        ++r.vanished;
        continue;
      }
      std::string why = err == ENOSPC       ? "no interrupt vector left on the target CPUs (ENOSPC)"
                        : err == EINVAL     ? "the kernel rejected the value (EINVAL)"
                        : err == EPERM      ? "not permitted (EPERM)"
                        : err == EOPNOTSUPP ? "the device does not support it now (EOPNOTSUPP)"
                                            : e.what();
      std::string msg = fmt::format("{}: cannot set {}: {}; left as it was", k->subject, k->value, why);
      spdlog::error("{}", msg);
      r.outcomes.push_back({k, false, msg});
      r.errors.push_back(std::move(msg));
      ++r.failed;
      continue;
    }
    std::optional<std::string> back;
    try {
      back = io.read_line(k->path);
    } catch (const sysfs::IoError& e) {
      back.reset();
    }
    if (!back) {
      spdlog::info("{}: the device or queue vanished after the write; dropped", k->subject);
      r.outcomes.push_back({k, false, "vanished after the write", true});
      ++r.vanished;
      continue;
    }
    r.read_back[k->path] = *back;
    if (!sysfs::knob_equal(sysfs::knob_kind(k->path), *back, k->value)) {
      std::string msg = fmt::format("{}: wrote {} but the kernel shows '{}'", k->subject, k->value, *back);
      spdlog::error("{}", msg);
      r.outcomes.push_back({k, false, msg});
      r.errors.push_back(std::move(msg));
      ++r.failed;
      continue;
    }
    if (spdlog::should_log(spdlog::level::info)) spdlog::info("{}", decision_line(*k));
    r.outcomes.push_back({k, true, ""});
    ++r.applied;
    if (k->irq >= 0) r.moved.push_back(k->irq);
  }
  return r;
}

}  // namespace irqd
