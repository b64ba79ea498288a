// IRQD_TEST_NETDEV -> NetdevOptions for the netlink integration tests (see the header).
#include "tests/integration/netdev_pretend.hpp"

#include <sys/utsname.h>

#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>

#include "netlink/kernel_netdev_source.hpp"

namespace irqd::testing {

netlink::NetdevOptions kernel_options() {
  const char* pretend = std::getenv("IRQD_TEST_NETDEV");
  if (pretend == nullptr || *pretend == '\0') return {};
  const std::string p = pretend;
  if (p == "no-family") return {.family = "irqd-absent"};
  if (p == "no-queue-get") {
    return {.without_queue_get = true,
            .without_napi_get = true,
            .without_qstats_get = true,
            .without_napi_set = true};
  }
  if (p == "no-qstats") return {.without_qstats_get = true, .without_napi_set = true};
  if (p == "no-napi-set") return {.without_napi_set = true};
  if (p == "no-napi-threaded") return {.without_napi_threaded = true};
  throw std::invalid_argument(
      "IRQD_TEST_NETDEV: expected no-family, no-queue-get, no-qstats, no-napi-set or "
      "no-napi-threaded, not " +
      p);
}

netlink::NetdevFeatures kernel_features() {
  static const netlink::NetdevFeatures features =
      netlink::KernelNetdevSource(kernel_options()).features();
  return features;
}

bool kernel_at_least(int major, int minor) {
  utsname u{};
  if (uname(&u) != 0) return false;
  int maj = 0;
  int min = 0;
  if (std::sscanf(u.release, "%d.%d", &maj, &min) != 2) return false;
  return maj > major || (maj == major && min >= minor);
}

}  // namespace irqd::testing
