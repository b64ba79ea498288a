// Running the irqctl binary (IRQCTL_BINARY, set by meson) from integration tests: plainly, as
// `nobody`, or on a pseudo-terminal for the live `top` view.
#pragma once

#include <string>
#include <vector>

#include "tests/integration/run_process.hpp"

namespace irqd::testing {

// The value of an environment variable meson sets for the test; throws when missing.
std::string required_env(const char* name);

ProcessResult run_irqctl(std::vector<std::string> args);
// The same as user nobody (setpriv), for the root-only checks of write methods.
ProcessResult run_irqctl_as_nobody(std::vector<std::string> args);
// On a 100x40 pseudo-terminal; types `keys` once the first frame ("Busiest IRQs") is on the
// screen. exit_code is -1 when it did not exit within 10 s; out is everything it wrote.
ProcessResult run_irqctl_on_terminal(std::vector<std::string> args, const std::string& keys);

// "exit N", stdout and stderr, for assertion messages.
std::string describe(const ProcessResult& r);

}  // namespace irqd::testing
