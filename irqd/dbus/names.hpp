// Every name irqd's D-Bus API is spelled with: bus name, object path, interface and error names.
// The service, irqctl and the tests include this one header instead of spelling them again.
#pragma once

#include <string_view>

namespace irqd::dbus {

inline constexpr const char* kBusName = "io.github.irqd.Irqd1";
inline constexpr const char* kObjectPath = "/io/github/irqd/Irqd1";
inline constexpr const char* kInterface = "io.github.irqd.Irqd1";
// Error names: kErrorPrefix + "InvalidArgument", ...
inline constexpr std::string_view kErrorPrefix = "io.github.irqd.Irqd1.Error.";
inline constexpr const char* kErrInvalidArgument = "io.github.irqd.Irqd1.Error.InvalidArgument";
inline constexpr const char* kErrNotFound = "io.github.irqd.Irqd1.Error.NotFound";
inline constexpr const char* kErrUnchangeable = "io.github.irqd.Irqd1.Error.Unchangeable";
inline constexpr const char* kErrFailed = "io.github.irqd.Irqd1.Error.Failed";
inline constexpr const char* kErrAccessDenied = "org.freedesktop.DBus.Error.AccessDenied";

}  // namespace irqd::dbus
