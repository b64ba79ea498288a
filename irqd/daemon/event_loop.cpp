// EventLoop on poll(2), timerfd and signalfd.
#include "irqd/daemon/event_loop.hpp"

#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <system_error>

namespace irqd {

namespace {
[[noreturn]] void fail(const char* what) { throw std::system_error(errno, std::generic_category(), what); }

timespec to_timespec(std::chrono::nanoseconds ns) {
  timespec ts{};
  ts.tv_sec = static_cast<time_t>(ns.count() / 1000000000);
  ts.tv_nsec = static_cast<long>(ns.count() % 1000000000);
  return ts;
}
}  // namespace

EventLoop::EventLoop(const std::vector<int>& signals) {
  sigset_t set;
  sigemptyset(&set);
  for (int s : signals) sigaddset(&set, s);
  if (sigprocmask(SIG_BLOCK, &set, &old_mask_) != 0) fail("sigprocmask");
  signal_fd_ = ::signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
  if (signal_fd_ < 0) fail("signalfd");
  timer_fd_ = ::timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
  if (timer_fd_ < 0) fail("timerfd_create");
}

EventLoop::~EventLoop() {
  if (timer_fd_ >= 0) ::close(timer_fd_);
  if (signal_fd_ >= 0) ::close(signal_fd_);
  // Not an unconditional unblock: a signal still pending would then kill the process with its
  // default action (the daemon blocks its stop signals for good before it makes a loop).
  sigprocmask(SIG_SETMASK, &old_mask_, nullptr);
}

std::vector<int> EventLoop::take_signals() {
  std::vector<int> signos;
  signalfd_siginfo info[8];
  ssize_t n;
  while ((n = ::read(signal_fd_, info, sizeof info)) > 0)
    for (std::size_t i = 0; i < static_cast<std::size_t>(n) / sizeof info[0]; ++i)
      signos.push_back(static_cast<int>(info[i].ssi_signo));
  return signos;
}

void EventLoop::set_timer(std::chrono::nanoseconds first, std::chrono::nanoseconds interval, std::function<void()> on_tick) {
  on_tick_ = std::move(on_tick);
  itimerspec spec{};
  spec.it_value = to_timespec(first.count() > 0 ? first : std::chrono::nanoseconds(1));
  spec.it_interval = to_timespec(interval);
  if (::timerfd_settime(timer_fd_, 0, &spec, nullptr) != 0) fail("timerfd_settime");
}

void EventLoop::add_fd(int fd, std::function<void()> ready) { watches_.push_back({fd, std::move(ready)}); }

void EventLoop::run() {
  running_ = true;
  while (running_) {
    std::vector<pollfd> fds{{signal_fd_, POLLIN, 0}, {timer_fd_, POLLIN, 0}};
    for (const auto& w : watches_) fds.push_back({w.fd, POLLIN, 0});
    int n = ::poll(fds.data(), fds.size(), -1);
    if (n < 0) {
      if (errno == EINTR) continue;
      fail("poll");
    }
    if (fds[0].revents & POLLIN) {
      // All at once: read one by one, a signal sent again and again (SIGHUP in a loop) would be
      // read before a higher-numbered one (SIGTERM) every time and starve it.
      auto signos = take_signals();
      if (!signos.empty() && on_signals_) on_signals_(signos);
    }
    if (running_ && (fds[1].revents & POLLIN)) {
      std::uint64_t expirations = 0;
      // Several missed ticks (a slow cycle) collapse into one: cycles never queue up.
      if (::read(timer_fd_, &expirations, sizeof expirations) > 0 && on_tick_) on_tick_();
    }
    for (std::size_t i = 2; running_ && i < fds.size(); ++i)
      if (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) watches_[i - 2].ready();
  }
}

}  // namespace irqd
