// Config defaults and description.
#include "config/config.hpp"

#include <fmt/format.h>

namespace irqd::config {

std::string describe(const Config& c) {
  return fmt::format("policy = \"{}\"\nbanned_cpus = \"{}\"\nhonour_isolcpus = {}\nhonour_nohz_full = {}\n",
                     c.policy, c.banned_cpus.to_list(), c.honour_isolcpus, c.honour_nohz_full);
}

}  // namespace irqd::config
