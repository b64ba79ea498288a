// PrivateBus: a dbus-daemon of its own for one test (a unix socket in a temporary directory,
// reachable by every user so a test can call as `nobody`), with DBUS_SYSTEM_BUS_ADDRESS pointing
// at it while it lives.
#pragma once

#include <memory>
#include <string>

#include "tests/integration/run_process.hpp"
#include "tests/support/fixtures.hpp"

namespace irqd::testing {

class PrivateBus {
 public:
  PrivateBus();  // throws std::runtime_error when dbus-daemon does not come up
  ~PrivateBus();
  PrivateBus(const PrivateBus&) = delete;
  PrivateBus& operator=(const PrivateBus&) = delete;
  const std::string& address() const { return address_; }
  const TempDir& dir() const { return dir_; }

 private:
  TempDir dir_;
  std::string address_;
  std::unique_ptr<Child> daemon_;
};

}  // namespace irqd::testing
