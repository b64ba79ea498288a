// Drives an sdbus-c++ connection from the daemon's own poll loop (one thread, no sdbus event
// thread). The two sdbus loop calls (getEventLoopPollData, processPendingRequest) live only here,
// so moving to sdbus-c++ v2 touches this file alone.
//
// The EventLoop watches readability only, but sd-bus also needs POLLOUT while replies are queued
// and a wake-up at its own timeout. So the bus fd and a timerfd sit in a private epoll set whose
// fd the EventLoop watches: the epoll fd is readable whenever the bus wants attention.
//
// When the connection breaks (the bus daemon went away or was restarted), the bus fd leaves the
// set and the timerfd paces reconnection attempts instead: 1 s, doubling to 30 s between them,
// until one succeeds. The daemon's cycles go on meanwhile.
#pragma once

#include <sdbus-c++/IConnection.h>

#include <chrono>
#include <functional>

#include "irqd/daemon/control.hpp"  // the daemon's control API (and its event loop)

namespace irqd::dbus {

class BusLoop {
 public:
  // Drops the broken connection (and what serves on it) and makes a new one, serving; throws when
  // the bus cannot be reached or the name cannot be owned.
  using Reconnect = std::function<sdbus::IConnection&()>;
  static constexpr std::chrono::seconds kFirstRetry{1};
  static constexpr std::chrono::seconds kMaxRetry{30};

  // `conn`: the connection, already serving. `after`: called after each processed request
  // (deferred work such as a cycle that must run after a method's reply was sent).
  BusLoop(sdbus::IConnection& conn, Reconnect reconnect, std::function<void()> after);
  ~BusLoop();
  BusLoop(const BusLoop&) = delete;
  BusLoop& operator=(const BusLoop&) = delete;

  void attach(EventLoop& loop);
  // Processes every pending request, then re-arms the poll set from the connection's poll data;
  // while the connection is lost, tries to reconnect when the retry timer is due.
  void dispatch();
  // Re-reads the connection's poll data: call after sending outside dispatch() (a signal emitted
  // from a timed cycle) so queued output gets POLLOUT.
  void rearm();
  // The connection broke and no new one is up yet: nothing is served until a retry succeeds.
  bool lost() const { return lost_; }

 private:
  static constexpr int kBatch = 32;  // requests per wakeup at most (see dispatch)
  // Marks the connection lost and schedules a reconnection. Does not destroy it: this may run
  // inside a call on it (a cycle's signal sent from a method handler); the retry drops it.
  void lose(const char* why);
  void retry();
  void watch(int fd);
  void arm_retry();

  sdbus::IConnection* conn_;
  Reconnect reconnect_;
  std::function<void()> after_;
  int epoll_fd_ = -1;
  int timer_fd_ = -1;
  int bus_fd_ = -1;
  bool lost_ = false;
  std::chrono::seconds next_retry_ = kFirstRetry;  // delay before the next attempt
  int attempts_ = 0;                               // failed attempts since the loss
};

}  // namespace irqd::dbus
