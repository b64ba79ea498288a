// Starts `dbus-daemon --nofork` on a test configuration and waits for its socket.
#include "tests/integration/private_bus.hpp"

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <stdexcept>

namespace irqd::testing {

PrivateBus::PrivateBus() {
  ::chmod(dir_.path().c_str(), 0755);  // the socket must be reachable by `nobody`
  std::string socket = (dir_.path() / "bus").string();
  address_ = "unix:path=" + socket;
  // Open policy: the tests check the service's own checks (UID on write methods), not a bus policy.
  dir_.write("bus.conf",
             "<!DOCTYPE busconfig PUBLIC \"-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN\"\n"
             " \"http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd\">\n"
             "<busconfig>\n"
             "  <type>system</type>\n"
             "  <listen>" +
                 address_ +
                 "</listen>\n"
                 "  <auth>EXTERNAL</auth>\n"
                 "  <policy context=\"default\">\n"
                 "    <allow user=\"*\"/>\n"
                 "    <allow own=\"*\"/>\n"
                 "    <allow send_destination=\"*\"/>\n"
                 "    <allow receive_sender=\"*\"/>\n"
                 "  </policy>\n"
                 "</busconfig>\n");
  daemon_ = std::make_unique<Child>(
      std::vector<std::string>{"dbus-daemon", "--nofork",
                               "--config-file=" + (dir_.path() / "bus.conf").string()},
      (dir_.path() / "dbus-daemon.log").string());
  for (int i = 0; i < 500 && !std::filesystem::exists(socket); ++i) ::usleep(10000);
  if (!std::filesystem::exists(socket))
    throw std::runtime_error("dbus-daemon did not create " + socket);
  ::setenv("DBUS_SYSTEM_BUS_ADDRESS", address_.c_str(), 1);
}

PrivateBus::~PrivateBus() {
  ::unsetenv("DBUS_SYSTEM_BUS_ADDRESS");
  daemon_->signal(SIGTERM);
  daemon_->wait(5000);
}

}  // namespace irqd::testing
