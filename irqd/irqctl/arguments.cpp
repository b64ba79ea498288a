// Argument checks: config/arguments.hpp's validators, their std::invalid_argument turned into
// irqctl's exit 4 with the same message.
#include "irqd/irqctl/arguments.hpp"

#include <stdexcept>

#include "config/arguments.hpp"
#include "irqd/irqctl/errors.hpp"

namespace irqd::irqctl {

namespace {
template <typename F>
void refuse_invalid(F&& check) {
  try {
    check();
  } catch (const std::invalid_argument& e) {
    throw CommandError(kExitInvalid, e.what());
  }
}
}  // namespace

void check_cpulist(const std::string& text) {
  refuse_invalid([&] { (void)config::parse_cpus_arg(text); });
}

void check_queue_name(const std::string& text) {
  refuse_invalid([&] { (void)config::parse_queue_name(text); });
}

void check_device_name(const std::string& text) {
  refuse_invalid([&] { config::check_device_name(text); });
}

void check_policy_name(const std::string& text) {
  refuse_invalid([&] { config::check_policy_name(text); });
}

}  // namespace irqd::irqctl
