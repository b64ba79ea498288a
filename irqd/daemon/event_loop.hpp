// A single-threaded poll(2) loop: a periodic timerfd, signals through signalfd (nothing runs in
// signal context), and any other file descriptor (the D-Bus connection, netlink) added later.
#pragma once

#include <signal.h>

#include <chrono>
#include <functional>
#include <vector>

namespace irqd {

class EventLoop {
 public:
  // Blocks `signals` for the calling thread and receives them through a signalfd instead.
  explicit EventLoop(const std::vector<int>& signals);
  // Puts back the signal mask found at construction (so signals blocked before it stay blocked).
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  // The first tick fires after `first`, then every `interval`.
  void set_timer(std::chrono::nanoseconds first, std::chrono::nanoseconds interval, std::function<void()> on_tick);
  // Called with every signal pending when the loop wakes (each at most once: standard signals do
  // not queue), so a handler can let one take precedence over another that arrived with it.
  void on_signals(std::function<void(const std::vector<int>& signos)> handler) { on_signals_ = std::move(handler); }
  // The signals pending now, without waiting (e.g. those that arrived after stop()).
  std::vector<int> take_signals();
  // Calls `ready` whenever fd is readable.
  void add_fd(int fd, std::function<void()> ready);

  // Runs until stop() is called (from a callback). Throws std::system_error if poll fails.
  void run();
  void stop() { running_ = false; }

 private:
  struct Watch {
    int fd;
    std::function<void()> ready;
  };
  int signal_fd_ = -1;
  int timer_fd_ = -1;
  bool running_ = false;
  std::function<void()> on_tick_;
  std::function<void(const std::vector<int>&)> on_signals_;
  std::vector<Watch> watches_;
  sigset_t old_mask_{};
};

}  // namespace irqd
