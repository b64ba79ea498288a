// NIC hotplug: rtnetlink link events (a NIC appearing, coming up, going away) and ethtool channel
// notifications (`ethtool -L` changing a queue count) make the daemon re-discover and re-plan
// within a second instead of at its next timed cycle. Bursts (a driver reset sends a dozen events)
// are debounced into one cycle. Live root only: a fixture root has no netlink to listen to.
#pragma once

#include <chrono>
#include <memory>
#include <optional>

#include "irqd/daemon/daemon.hpp"

namespace irqd {

namespace netlink {
class LinkEvents;
class ChannelEvents;
struct LinkEvent;
}  // namespace netlink

// When a burst of events fires: after `quiet` with no new event, but never later than `max_delay`
// after its first event.
class Debounce {
 public:
  using Clock = std::chrono::steady_clock;
  Debounce(std::chrono::milliseconds quiet, std::chrono::milliseconds max_delay) : quiet_(quiet), max_(max_delay) {}
  void event(Clock::time_point now);
  // When the pending burst is due; nullopt when nothing is pending.
  std::optional<Clock::time_point> deadline() const;
  // Clears the pending burst (call when acting on it).
  void fired() { first_.reset(); }

 private:
  std::chrono::milliseconds quiet_, max_;
  std::optional<Clock::time_point> first_, last_;
};

struct HotplugOptions {
  std::chrono::milliseconds quiet{200};
  std::chrono::milliseconds max_delay{800};
};

class Hotplug {
 public:
  // Registers with the daemon's loop hook; does nothing unless the daemon runs on the live root.
  explicit Hotplug(Daemon& daemon, HotplugOptions opts = {});
  ~Hotplug();
  Hotplug(const Hotplug&) = delete;
  Hotplug& operator=(const Hotplug&) = delete;

 private:
  void start(EventLoop& loop);
  void on_link(const netlink::LinkEvent& ev);
  void on_channels(int ifindex);
  void schedule();
  void fire();

  Daemon& daemon_;
  Debounce debounce_;
  std::unique_ptr<netlink::LinkEvents> links_;
  std::unique_ptr<netlink::ChannelEvents> channels_;
  int timer_fd_ = -1;
};

}  // namespace irqd
