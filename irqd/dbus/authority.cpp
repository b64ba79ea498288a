// Authority: root, or polkit's answer for the caller's bus name; root only without polkit.
#include "irqd/dbus/authority.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <stdexcept>

#include "irqd/dbus/names.hpp"

namespace irqd::dbus {

namespace {
constexpr const char* kPolkitName = "org.freedesktop.PolicyKit1";
constexpr const char* kPolkitPath = "/org/freedesktop/PolicyKit1/Authority";
constexpr const char* kPolkitInterface = "org.freedesktop.PolicyKit1.Authority";
// polkit answers in milliseconds; a hung one must not stall the daemon's loop for long.
constexpr auto kPolkitTimeout = std::chrono::seconds(5);

bool polkit_absent(const sdbus::Error& e) {
  const std::string& n = e.getName();
  return n == "org.freedesktop.DBus.Error.ServiceUnknown" ||
         n == "org.freedesktop.DBus.Error.NameHasNoOwner" ||
         n == "org.freedesktop.DBus.Error.Spawn.ServiceNotFound";
}
}  // namespace

Authority::Authority(sdbus::IConnection& conn)
    : polkit_(sdbus::createProxy(conn, kPolkitName, kPolkitPath)) {
  polkit_->finishRegistration();
}

Authority::~Authority() = default;

void Authority::check(const sdbus::Message& msg, const char* method, const char* action) {
  uid_t uid = 0;
  std::string sender;
  try {
    uid = msg.getCredsUid();
    sender = msg.getSender();
  } catch (const std::exception& e) {
    throw sdbus::Error(kErrAccessDenied, fmt::format("{}: the caller's UID cannot be determined ({})",
                                                     method, e.what()));
  }
  if (uid == 0) return;
  using Subject = sdbus::Struct<std::string, std::map<std::string, sdbus::Variant>>;
  using Result = sdbus::Struct<bool, bool, std::map<std::string, std::string>>;
  Subject subject{"system-bus-name", {{"name", sdbus::Variant(sender)}}};
  Result result;
  try {
    polkit_->callMethod("CheckAuthorization")
        .onInterface(kPolkitInterface)
        .withTimeout(kPolkitTimeout)
        .withArguments(subject, std::string(action), std::map<std::string, std::string>{},
                       std::uint32_t{0}, std::string{})
        .storeResultsTo(result);
  } catch (const sdbus::Error& e) {
    if (polkit_absent(e)) {
      spdlog::warn("D-Bus: {} refused: caller UID {} is not root (polkit is not running)", method, uid);
      throw sdbus::Error(
          kErrAccessDenied,
          fmt::format("{} changes irqd: only root may call it (caller UID {})", method, uid));
    }
    spdlog::warn("D-Bus: {} refused: polkit did not answer for UID {}: {}", method, uid, e.getMessage());
    throw sdbus::Error(kErrAccessDenied,
                       fmt::format("{} changes irqd: polkit could not authorize it (caller UID {}): {}",
                                   method, uid, e.getMessage()));
  }
  if (std::get<0>(result)) {
    spdlog::info("D-Bus: {} by UID {} authorized by polkit ({})", method, uid, action);
    return;
  }
  spdlog::warn("D-Bus: {} refused: polkit did not authorize {} for UID {}", method, action, uid);
  throw sdbus::Error(kErrAccessDenied,
                     fmt::format("{} changes irqd: not authorized (polkit action {}, caller UID {})",
                                 method, action, uid));
}

}  // namespace irqd::dbus
