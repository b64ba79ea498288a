// Who may call irqd's write methods: root always; anyone else when polkit
// (org.freedesktop.PolicyKit1.Authority.CheckAuthorization) authorizes the method's action for the
// caller's bus name. Without a running polkit, root only. The actions are shipped in
// contrib/io.github.irqd.policy.
#pragma once

#include <sdbus-c++/sdbus-c++.h>

#include <memory>
#include <string>

namespace irqd::dbus {

// polkit action ids, one per kind of change.
inline constexpr const char* kActionManage = "io.github.irqd.manage";  // pins, bans, policies
inline constexpr const char* kActionRebalance = "io.github.irqd.rebalance";
inline constexpr const char* kActionReload = "io.github.irqd.reload";

class Authority {
 public:
  explicit Authority(sdbus::IConnection& conn);
  ~Authority();
  // Returns when `msg`'s caller may run `method` (action `action`); otherwise throws
  // org.freedesktop.DBus.Error.AccessDenied naming the method, the caller's UID and why.
  void check(const sdbus::Message& msg, const char* method, const char* action);

 private:
  std::unique_ptr<sdbus::IProxy> polkit_;
};

}  // namespace irqd::dbus
