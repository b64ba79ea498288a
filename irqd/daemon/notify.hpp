// The service manager protocol (sd_notify, libsystemd): READY=1 after the first cycle, a one-line
// STATUS= after every cycle, RELOADING=1 / READY=1 around a reload, STOPPING=1 on a clean stop and
// WATCHDOG=1 keep-alives from the loop at half of WATCHDOG_USEC. Inert when NOTIFY_SOCKET is unset
// (run from a terminal).
#pragma once

#include <chrono>
#include <string>

#include "irqd/daemon/daemon.hpp"

namespace irqd {

// The STATUS= text for a cycle: "cycle 12: 8 NIC IRQs, 0 changed, 0 failed" or the error.
std::string status_line(const CycleReport& r);

class Notifier {
 public:
  // Attaches to the daemon's hooks when NOTIFY_SOCKET is set; otherwise does nothing.
  explicit Notifier(Daemon& daemon);
  ~Notifier();
  Notifier(const Notifier&) = delete;
  Notifier& operator=(const Notifier&) = delete;

  bool active() const { return active_; }
  // The keep-alive period (half of WATCHDOG_USEC); zero when the manager asked for none.
  std::chrono::microseconds watchdog_period() const { return watchdog_period_; }

 private:
  void start(EventLoop& loop);
  void cycled(const CycleReport& r);
  void reloaded(bool ok, const std::string& error);

  bool active_ = false;
  bool ready_sent_ = false;
  std::chrono::microseconds watchdog_period_{0};
  int watchdog_fd_ = -1;
};

}  // namespace irqd
