// D-Bus error name -> exit code and message.
#include "irqd/irqctl/errors.hpp"

#include "irqd/dbus/names.hpp"

#include <fmt/format.h>

#include <array>
#include <utility>

namespace irqd::irqctl {

namespace {
constexpr std::string_view kIrqd = dbus::kErrorPrefix;
constexpr std::string_view kBus = "org.freedesktop.DBus.Error.";

// The bus says nobody answered: the daemon is not running, not on this bus, or hung.
constexpr std::array<std::string_view, 8> kUnreachable = {
    "ServiceUnknown", "NameHasNoOwner", "NoReply",  "Timeout",
    "TimedOut",       "Disconnected",   "NoServer", "UnknownObject"};

std::string_view suffix_after(std::string_view name, std::string_view prefix) {
  return name.substr(0, prefix.size()) == prefix ? name.substr(prefix.size()) : std::string_view{};
}
}  // namespace

ExitCode exit_code_for_dbus_error(std::string_view name) {
  if (auto s = suffix_after(name, kIrqd); !s.empty()) {
    if (s == "InvalidArgument" || s == "NotFound") return kExitInvalid;
    if (s == "Unchangeable") return kExitUnchangeable;
    return kExitFailed;
  }
  if (auto s = suffix_after(name, kBus); !s.empty()) {
    if (s == "AccessDenied") return kExitDenied;
    for (auto u : kUnreachable) {
      if (s == u) return kExitUnreachable;
    }
  }
  return kExitFailed;
}

std::string describe_dbus_error(std::string_view name, std::string_view message) {
  ExitCode code = exit_code_for_dbus_error(name);
  if (code == kExitDenied) {
    return fmt::format("permission denied: this command changes irqd and needs root ({}{}{})", name,
                       message.empty() ? "" : ": ", message);
  }
  if (code == kExitUnreachable) {
    return fmt::format(
        "irqd is not reachable on the system bus ({}{}{}); is it running with its D-Bus service?",
        name, message.empty() ? "" : ": ", message);
  }
  if (message.empty()) return std::string(name);
  // The daemon's messages name what was wrong; keep the short error kind for scripts' logs.
  auto kind = suffix_after(name, kIrqd);
  return kind.empty() ? fmt::format("{} ({})", message, name)
                      : fmt::format("{} ({})", message, kind);
}

}  // namespace irqd::irqctl
