// Hotplug: netlink subscriptions on the daemon's loop, a timerfd for the debounce, and the
// re-discovery they trigger.
#include "irqd/daemon/hotplug.hpp"

#include <sys/timerfd.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <exception>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "netlink/ethtool_channels.hpp"
#include "netlink/link_events.hpp"
#include "sysfs/sys_root.hpp"

namespace irqd {

void Debounce::event(Clock::time_point now) {
  if (!first_) first_ = now;
  last_ = now;
}

std::optional<Debounce::Clock::time_point> Debounce::deadline() const {
  if (!first_) return std::nullopt;
  return std::min(*last_ + quiet_, *first_ + max_);
}

Hotplug::Hotplug(Daemon& daemon, HotplugOptions opts) : daemon_(daemon), debounce_(opts.quiet, opts.max_delay) {
  if (!sysfs::SysRoot(daemon.options().engine.root).is_live()) return;
  daemon_.on_loop_start([this](EventLoop& loop) { start(loop); });
}

Hotplug::~Hotplug() {
  if (timer_fd_ >= 0) ::close(timer_fd_);
}

void Hotplug::start(EventLoop& loop) {
  try {
    links_ = std::make_unique<netlink::LinkEvents>([this](const netlink::LinkEvent& ev) { on_link(ev); });
  } catch (const std::exception& e) {
    spdlog::warn("hotplug: link events unavailable, new NICs are picked up at the next cycle: {}", e.what());
    return;
  }
  try {
    channels_ = std::make_unique<netlink::ChannelEvents>([this](int ifindex) { on_channels(ifindex); });
  } catch (const std::exception& e) {
    spdlog::warn("hotplug: ethtool channel notifications unavailable, queue count changes are picked up at "
                 "the next cycle: {}", e.what());
  }
  timer_fd_ = ::timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
  if (timer_fd_ < 0) {
    spdlog::warn("hotplug: no timerfd, NIC changes are picked up at the next cycle");
    links_.reset();
    channels_.reset();
    return;
  }
  loop.add_fd(links_->fd(), [this] {
    try {
      links_->process();
    } catch (const std::exception& e) {
      spdlog::error("hotplug: {}", e.what());
    }
  });
  if (channels_) {
    loop.add_fd(channels_->fd(), [this] {
      try {
        channels_->process();
      } catch (const std::exception& e) {
        spdlog::error("hotplug: {}", e.what());
      }
    });
  }
  loop.add_fd(timer_fd_, [this] {
    std::uint64_t expirations = 0;
    if (::read(timer_fd_, &expirations, sizeof expirations) > 0) fire();
  });
  spdlog::debug("hotplug: listening for link and channel changes");
}

void Hotplug::on_link(const netlink::LinkEvent& ev) {
  if (ev.kind == netlink::LinkEventKind::kLost) {
    spdlog::warn("hotplug: link events were lost (socket overflow); re-discovering every NIC");
  } else if (ev.kind == netlink::LinkEventKind::kChanged) {
    spdlog::debug("hotplug: {} (ifindex {}) changed", ev.name, ev.ifindex);
  } else {
    spdlog::info("hotplug: {} (ifindex {}) {}", ev.name, ev.ifindex, netlink::to_string(ev.kind));
  }
  schedule();
}

void Hotplug::on_channels(int ifindex) {
  if (ifindex == 0) {
    spdlog::warn("hotplug: channel notifications were lost; re-discovering every NIC");
  } else {
    std::string counts;
    try {
      if (auto c = netlink::get_channels(ifindex)) {
        counts = fmt::format(": rx {}, tx {}, combined {}", c->rx, c->tx, c->combined);
      }
    } catch (const std::exception& e) {
      counts = fmt::format(" ({})", e.what());  // the device may already be gone again
    }
    spdlog::info("hotplug: channels of ifindex {} changed{}", ifindex, counts);
  }
  schedule();
}

void Hotplug::schedule() {
  debounce_.event(Debounce::Clock::now());
  auto when = debounce_.deadline();
  if (!when) return;
  auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(*when - Debounce::Clock::now()).count();
  ns = std::max<std::int64_t>(ns, 1);  // an all-zero it_value would disarm the timer
  itimerspec spec{};
  spec.it_value.tv_sec = static_cast<time_t>(ns / 1000000000);
  spec.it_value.tv_nsec = static_cast<long>(ns % 1000000000);
  if (::timerfd_settime(timer_fd_, 0, &spec, nullptr) != 0) fire();
}

void Hotplug::fire() {
  debounce_.fired();
  spdlog::info("hotplug: re-discovering and re-planning");
  daemon_.rediscover();
  daemon_.cycle_now();
  const auto& r = daemon_.last_report();
  if (r.ok)
    spdlog::info("hotplug: cycle {} done: {} NIC IRQs, {} applied, {} failed, {} vanished", r.cycle,
                 r.managed_irqs, r.applied, r.failed, r.vanished);
  else
    spdlog::info("hotplug: cycle {} failed: {}", r.cycle, r.error);
}

}  // namespace irqd
