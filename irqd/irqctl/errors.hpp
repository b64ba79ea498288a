// How a failure becomes an exit code: D-Bus error names of io.github.irqd.Irqd1 (and the bus's own)
// mapped onto the documented ExitCode values, and the exception irqctl's commands throw.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

#include "irqd/irqctl/model.hpp"

namespace irqd::irqctl {

// A failure with the exit code it ends irqctl with; what() is the message printed after "irqctl: ".
class CommandError : public std::runtime_error {
 public:
  CommandError(ExitCode code, const std::string& message)
      : std::runtime_error(message), code_(code) {}
  ExitCode code() const { return code_; }

 private:
  ExitCode code_;
};

// io.github.irqd.Irqd1.Error.NotFound -> kExitInvalid, org.freedesktop.DBus.Error.ServiceUnknown ->
// kExitUnreachable, ... Unknown names map to kExitFailed.
ExitCode exit_code_for_dbus_error(std::string_view name);

// The message to print for a D-Bus error: the daemon's own message, or an explanation of the
// bus's error (no daemon running, access denied) with the error name for searching.
std::string describe_dbus_error(std::string_view name, std::string_view message);

}  // namespace irqd::irqctl
