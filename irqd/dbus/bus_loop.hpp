// Drives an sdbus-c++ connection from the daemon's own poll loop (one thread, no sdbus event
// thread). The two sdbus loop calls (getEventLoopPollData, processPendingRequest) live only here,
// so moving to sdbus-c++ v2 touches this file alone.
//
// The EventLoop watches readability only, but sd-bus also needs POLLOUT while replies are queued
// and a wake-up at its own timeout. So the bus fd and a timerfd sit in a private epoll set whose
// fd the EventLoop watches: the epoll fd is readable whenever the bus wants attention.
#pragma once

#include <sdbus-c++/IConnection.h>

#include <functional>

#include "irqd/daemon/control.hpp"  // the daemon's control API (and its event loop)

namespace irqd::dbus {

class BusLoop {
 public:
  // `after`: called after each processed request (deferred work such as a cycle that must run
  // after a method's reply was sent).
  BusLoop(sdbus::IConnection& conn, std::function<void()> after);
  ~BusLoop();
  BusLoop(const BusLoop&) = delete;
  BusLoop& operator=(const BusLoop&) = delete;

  void attach(EventLoop& loop);
  // Processes every pending request, then re-arms the poll set from the connection's poll data.
  void dispatch();
  // Re-reads the connection's poll data: call after sending outside dispatch() (a signal emitted
  // from a timed cycle) so queued output gets POLLOUT.
  void rearm();
  // The connection broke (the bus daemon went away): the bus is no longer watched, and the daemon
  // carries on steering interrupts without the service.
  bool lost() const { return lost_; }

 private:
  static constexpr int kBatch = 32;  // requests per wakeup at most (see dispatch)
  void lose(const char* why);

  sdbus::IConnection& conn_;
  std::function<void()> after_;
  int epoll_fd_ = -1;
  int timer_fd_ = -1;
  int bus_fd_ = -1;
  bool lost_ = false;
};

}  // namespace irqd::dbus
