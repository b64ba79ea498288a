// The kernel's ethtool genetlink family, channels part: a device's channel counts
// (ETHTOOL_MSG_CHANNELS_GET, what `ethtool -l` shows) and a monitor for channel changes
// (ETHTOOL_MSG_CHANNELS_NTF on the "monitor" group, sent by `ethtool -L`), which rtnetlink does
// not announce. Hotplug uses the monitor to re-plan a NIC whose queue count changed.
#pragma once

#include <exception>
#include <functional>
#include <memory>
#include <optional>


#include "netlink/multicast.hpp"

namespace irqd::netlink {

struct Channels {
  int rx = 0, tx = 0, other = 0, combined = 0;                  // current counts
  int max_rx = 0, max_tx = 0, max_other = 0, max_combined = 0;  // what the device allows
};

// nullopt when the kernel has no ethtool family or the device does not report channels
// (EOPNOTSUPP). Throws NetlinkError for other failures (ENODEV: no such device, ...).
std::optional<Channels> get_channels(int ifindex);

// Whether this kernel has the ethtool genetlink family (5.6+). Throws NetlinkError when the
// generic netlink controller cannot be asked.
bool ethtool_family_present();

class ChannelEvents {
 public:
  // Called with the ifindex of a device whose channels changed; 0 when notifications were lost.
  using Callback = std::function<void(int ifindex)>;
  // Subscribes in the calling thread's network namespace. Throws NetlinkError when the ethtool
  // family or its monitor group is missing (kernels before 5.6) or the socket fails.
  explicit ChannelEvents(Callback on_change);
  ~ChannelEvents();
  ChannelEvents(const ChannelEvents&) = delete;
  ChannelEvents& operator=(const ChannelEvents&) = delete;

  int fd() const;
  // Reads every pending notification without blocking.
  void process();

  // Called from the C callback; public only for it.
  int handle(const void* nlh);

 private:
  std::unique_ptr<nl_sock, NlSockFree> sock_;
  Callback on_change_;
  int family_ = 0;
  std::exception_ptr pending_;
};

}  // namespace irqd::netlink
