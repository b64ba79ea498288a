// Notifier: sd_notify calls driven by the daemon's cycle, reload and stop hooks, and a timerfd on
// the daemon's loop for watchdog keep-alives (a hung loop stops them, so systemd restarts irqd).
#include "irqd/daemon/notify.hpp"

#include <sys/timerfd.h>
#include <systemd/sd-daemon.h>
#include <time.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "sysfs/utf8.hpp"

namespace irqd {

namespace {

void notify(const std::string& text) {
  if (int r = sd_notify(0, text.c_str()); r < 0) spdlog::debug("sd_notify failed: {}", r);
}

std::uint64_t monotonic_usec() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::uint64_t>(ts.tv_sec) * 1000000u + static_cast<std::uint64_t>(ts.tv_nsec) / 1000u;
}

}  // namespace

std::string status_line(const CycleReport& r) {
  // systemd ignores a STATUS= that is not UTF-8; errors quote names from kernel files.
  if (!r.ok) return sysfs::valid_utf8(fmt::format("cycle {} failed: {}", r.cycle, r.error));
  std::string s = fmt::format("cycle {}: {} NIC IRQs, {} knobs planned, {} changed, {} failed", r.cycle,
                              r.managed_irqs, r.planned, r.applied, r.failed);
  if (r.vanished > 0) s += fmt::format(", {} vanished", r.vanished);
  if (r.skipped_irqs > 0) s += fmt::format(", {} skipped (unreadable /proc/irq/N files)", r.skipped_irqs);
  return s;
}

Notifier::Notifier(Daemon& daemon) {
  const char* socket = std::getenv("NOTIFY_SOCKET");
  if (socket == nullptr || *socket == '\0') return;
  active_ = true;
  std::uint64_t usec = 0;
  if (sd_watchdog_enabled(0, &usec) > 0 && usec > 0) watchdog_period_ = std::chrono::microseconds(usec / 2);
  daemon.on_loop_start([this](EventLoop& loop) { start(loop); });
  daemon.on_cycle([this](const CycleReport& r) { cycled(r); });
  daemon.on_reload([this](bool ok, const std::string& error) { reloaded(ok, error); });
  daemon.on_stop([] { notify("STOPPING=1\nSTATUS=stopping"); });
}

Notifier::~Notifier() {
  if (watchdog_fd_ >= 0) ::close(watchdog_fd_);
}

void Notifier::start(EventLoop& loop) {
  if (watchdog_period_.count() == 0) return;
  watchdog_fd_ = ::timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
  if (watchdog_fd_ < 0) {
    spdlog::error("watchdog: cannot create a timerfd; systemd will restart irqd when WatchdogSec runs out");
    return;
  }
  const auto us = watchdog_period_.count();
  itimerspec spec{};
  spec.it_interval.tv_sec = static_cast<time_t>(us / 1000000);
  spec.it_interval.tv_nsec = static_cast<long>(us % 1000000) * 1000;
  spec.it_value = spec.it_interval;
  ::timerfd_settime(watchdog_fd_, 0, &spec, nullptr);
  loop.add_fd(watchdog_fd_, [this] {
    std::uint64_t expirations = 0;
    if (::read(watchdog_fd_, &expirations, sizeof expirations) > 0) notify("WATCHDOG=1");
  });
  spdlog::debug("watchdog: keep-alive every {} us", us);
}

void Notifier::cycled(const CycleReport& r) {
  std::string status = status_line(r);
  if (!ready_sent_) {
    // Ready means "the first plan was applied", so units ordered after irqd start on a steered machine.
    notify("READY=1\nSTATUS=" + status);
    ready_sent_ = true;
  } else {
    notify("STATUS=" + status);
  }
}

void Notifier::reloaded(bool ok, const std::string& error) {
  // The daemon reports a reload once it is done; the manager still wants to see it begin and end.
  notify(fmt::format("RELOADING=1\nMONOTONIC_USEC={}\nSTATUS=reloading", monotonic_usec()));
  notify(ok ? std::string("READY=1\nSTATUS=configuration reloaded")
            : "READY=1\nSTATUS=reload failed, previous configuration kept: " + error);
}

}  // namespace irqd
