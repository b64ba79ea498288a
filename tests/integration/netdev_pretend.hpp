// IRQD_TEST_NETDEV: runs the netlink integration tests as on an older kernel, whatever this one
// is, by making the netlink layer meet that kernel's answers (meson test netlink_pre_6_2 ...
// netlink_pre_6_17). Unset: the kernel as it is.
//   no-family         Linux < 6.2: no netdev family
//   no-queue-get      6.2 - 6.7:  the family without queue-get / napi-get
//   no-qstats         6.8:        queue-get and napi-get, no qstats-get, no napi-set
//   no-napi-set       6.9 - 6.12: qstats-get, no napi-set
//   no-napi-threaded  6.13 - 6.16: napi-set without per-NAPI threaded
#pragma once

#include "netlink/netdev_queues.hpp"
#include "netlink/netdev_source.hpp"

namespace irqd::testing {

netlink::NetdevOptions kernel_options();
// What the kernel, as kernel_options() presents it, offers (asked once per process).
netlink::NetdevFeatures kernel_features();
// Whether the running kernel's release (uname) is at least major.minor.
bool kernel_at_least(int major, int minor);

}  // namespace irqd::testing
