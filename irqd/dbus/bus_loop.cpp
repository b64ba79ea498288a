// BusLoop: sd-bus poll data -> epoll set (bus fd + timerfd) -> EventLoop; reconnects with backoff.
#include "irqd/dbus/bus_loop.hpp"

#include <poll.h>
#include <spdlog/spdlog.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <limits>
#include <system_error>

namespace irqd::dbus {

namespace {
[[noreturn]] void fail(const char* what) {
  throw std::system_error(errno, std::generic_category(), what);
}
}  // namespace

BusLoop::BusLoop(sdbus::IConnection& conn, Reconnect reconnect, std::function<void()> after)
    : conn_(&conn), reconnect_(std::move(reconnect)), after_(std::move(after)) {
  epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
  if (epoll_fd_ < 0) fail("epoll_create1");
  timer_fd_ = ::timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
  if (timer_fd_ < 0) fail("timerfd_create");
  epoll_event tev{};
  tev.events = EPOLLIN;
  tev.data.fd = timer_fd_;
  if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, timer_fd_, &tev) != 0) fail("epoll_ctl(timerfd)");
  watch(conn_->getEventLoopPollData().fd);
}

BusLoop::~BusLoop() {
  if (timer_fd_ >= 0) ::close(timer_fd_);
  if (epoll_fd_ >= 0) ::close(epoll_fd_);
}

void BusLoop::watch(int fd) {
  bus_fd_ = fd;
  epoll_event bev{};
  bev.events = EPOLLIN;
  bev.data.fd = bus_fd_;
  if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, bus_fd_, &bev) != 0) fail("epoll_ctl(bus)");
}

void BusLoop::attach(EventLoop& loop) {
  loop.add_fd(epoll_fd_, [this] { dispatch(); });
  dispatch();  // whatever arrived before the loop started
}

void BusLoop::dispatch() {
  // Drain the epoll set (level-triggered: only to clear the timerfd's count).
  epoll_event evs[4];
  bool timer = false;
  while (::epoll_wait(epoll_fd_, evs, 4, 0) > 0) {
    std::uint64_t expirations = 0;
    if (::read(timer_fd_, &expirations, sizeof expirations) < 0) break;
    timer = true;
  }
  if (lost_) {
    if (timer) retry();  // while lost, the timerfd only paces the attempts
    return;
  }
  try {
    // One request per call, until sd-bus says it must poll again or a batch is done. The deferred
    // work runs after each request, once its reply is sent and before the next request is read, so
    // a client that reads after a write sees the write's cycle. The batch bound keeps a steady
    // stream of clients from starving the daemon's own cycles: with requests still queued, sd-bus
    // reports a zero timeout, the timerfd fires at once and the loop comes back after its timer.
    // The deferred work may find the connection broken (lost_): then nothing more is read from it.
    for (int n = 0; n < kBatch && !lost_ && conn_->processPendingRequest(); ++n)
      if (after_) after_();
  } catch (const std::exception& e) {
    lose(e.what());
    return;
  }
  rearm();
}

void BusLoop::lose(const char* why) {
  if (lost_) return;
  lost_ = true;
  attempts_ = 0;
  next_retry_ = kFirstRetry;
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, bus_fd_, nullptr);
  bus_fd_ = -1;
  spdlog::error(
      "D-Bus: the connection to the bus is lost ({}); irqd goes on steering interrupts and "
      "reconnects in {} s",
      why, next_retry_.count());
  arm_retry();
}

void BusLoop::arm_retry() {
  itimerspec spec{};
  spec.it_value.tv_sec = static_cast<time_t>(next_retry_.count());
  ::timerfd_settime(timer_fd_, 0, &spec, nullptr);
}

void BusLoop::retry() {
  sdbus::IConnection* conn = nullptr;
  try {
    conn = &reconnect_();
    watch(conn->getEventLoopPollData().fd);
  } catch (const std::exception& e) {
    ++attempts_;
    next_retry_ = std::min(next_retry_ * 2, kMaxRetry);
    spdlog::warn("D-Bus: reconnecting failed ({}); next attempt in {} s", e.what(),
                 next_retry_.count());
    arm_retry();
    return;
  }
  conn_ = conn;
  lost_ = false;
  spdlog::info("D-Bus: reconnected to the bus after {} failed attempt{}", attempts_,
               attempts_ == 1 ? "" : "s");
  attempts_ = 0;
  next_retry_ = kFirstRetry;
  dispatch();  // requests that came in while connecting; re-arms from the new poll data
}

void BusLoop::rearm() {
  if (lost_) return;
  sdbus::IConnection::PollData poll{};
  try {
    poll = conn_->getEventLoopPollData();
  } catch (const std::exception& e) {
    lose(e.what());
    return;
  }
  epoll_event bev{};
  bev.events = ((poll.events & POLLIN) ? EPOLLIN : 0u) | ((poll.events & POLLOUT) ? EPOLLOUT : 0u);
  bev.data.fd = bus_fd_;
  if (::epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, bus_fd_, &bev) != 0)
    spdlog::error("D-Bus: epoll_ctl: {}", std::system_category().message(errno));
  // timeout_usec is absolute on CLOCK_MONOTONIC; UINT64_MAX means "no timeout".
  itimerspec spec{};
  if (poll.timeout_usec != std::numeric_limits<std::uint64_t>::max()) {
    std::uint64_t t = poll.timeout_usec == 0 ? 1 : poll.timeout_usec;
    spec.it_value.tv_sec = static_cast<time_t>(t / 1000000);
    spec.it_value.tv_nsec = static_cast<long>((t % 1000000) * 1000);
  }
  ::timerfd_settime(timer_fd_, TFD_TIMER_ABSTIME, &spec, nullptr);
}

}  // namespace irqd::dbus
