// One daemon per run directory: `irqd --foreground` holds an flock on RUN_DIR/irqd.lock for its
// whole life, so a second one (by hand, beside the service) refuses to start instead of fighting
// the first over every knob. The file holds the owner's PID for the refusal to name.
#pragma once

#include <string>

namespace irqd {

class InstanceLock {
 public:
  // Creates RUN_DIR if needed and takes the lock. Throws std::runtime_error naming the file and
  // the PID that holds it, or why the file could not be opened.
  explicit InstanceLock(const std::string& run_dir);
  ~InstanceLock();  // the lock goes with the descriptor; the file stays (unlinking would race)
  InstanceLock(const InstanceLock&) = delete;
  InstanceLock& operator=(const InstanceLock&) = delete;

 private:
  int fd_ = -1;
};

}  // namespace irqd
