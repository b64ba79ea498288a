// What the D-Bus integration tests share: a private system bus (dbus-daemon with the contrib
// policy, or a permissive one), a small synthetic machine tree, the real irqd --foreground on it,
// a typed client (the generated proxy) and a client run as `nobody` through dbus-send.
#pragma once

#include <sdbus-c++/sdbus-c++.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "irqd1_proxy.h"
#include "tests/integration/run_process.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/support/poll.hpp"
#include "tests/support/synthetic_tree.hpp"

namespace irqd::testing {

// A dbus-daemon of type "system" on a socket in a fresh directory; DBUS_SYSTEM_BUS_ADDRESS points
// at it for the lifetime of this object. `with_irqd_policy`: include
// contrib/io.github.irqd.Irqd1.conf (as installed); otherwise everyone may own and call anything,
// so only irqd's own checks remain.
class TestSystemBus {
 public:
  // `extra_policy`: more <policy> elements (e.g. letting a stand-in polkit own its name).
  explicit TestSystemBus(bool with_irqd_policy = true, const std::string& extra_policy = "");
  ~TestSystemBus();
  const std::string& address() const { return address_; }
  // Stops the bus daemon (as if it crashed or was restarted).
  void stop();
  // Stops it if it runs and starts a new one at the same address (a restarted system bus).
  void restart();

 private:
  void start();
  TempDir dir_;
  std::string address_;
  std::unique_ptr<Child> daemon_;
};

// 4 CPUs (2 cores x 2 threads), eth0 with 2 combined queues (IRQs 101, 102), an nvme queue IRQ
// (120, kernel-managed) and i8042 (1, not network).
class TestMachine {
 public:
  TestMachine();
  const std::filesystem::path& root() const { return tree_.root(); }
  std::string read(const std::string& rel) const;  // first line
  void write(const std::string& rel, const std::string& text) const;
  // Adds eth1 (IRQs 201, 202) and rewrites /proc/interrupts.
  void add_eth1();

 private:
  SyntheticTree tree_{4};
};

// irqd --foreground --root <machine> on the private bus, with its state and run directories.
// `extra` options are appended; an --interval among them replaces the default (3600 s).
class IrqdProcess {
 public:
  IrqdProcess(const TestMachine& m, const std::filesystem::path& state_dir,
              std::vector<std::string> extra = {});
  Child& child() { return *child_; }
  std::string log() const;

 private:
  TempDir run_dir_;
  std::string log_path_;
  std::unique_ptr<Child> child_;
};

class Irqd1Client final : public sdbus::ProxyInterfaces<io::github::irqd::Irqd1_proxy> {
 public:
  Irqd1Client();
  ~Irqd1Client();
  std::vector<std::uint64_t> cycles_seen();
  std::vector<std::vector<std::string>> device_changes();

 private:
  void onCycleCompleted(const std::uint64_t& cycle, const std::uint32_t&, const std::uint32_t&,
                        const std::uint32_t&) override;
  void onDevicesChanged(const std::vector<std::string>& devices) override;
  std::mutex mu_;
  std::vector<std::uint64_t> cycles_;
  std::vector<std::vector<std::string>> devices_;
};

// A private bus (with the contrib policy), the test machine and a state directory: what most
// D-Bus tests start from.
struct DbusWorld {
  TestSystemBus bus;
  TestMachine machine;
  TempDir state;
};

// Starts irqd on the world's machine and waits until it answers on the bus; throws
// std::runtime_error with the daemon's log when it does not.
std::unique_ptr<IrqdProcess> start_served(const DbusWorld& w, std::vector<std::string> extra = {});

// Waits until the daemon answers GetStatus with at least one cycle done.
bool wait_ready(int timeout_ms = 10000);
// The D-Bus error name and message of f(), or "" when it succeeded.
std::string dbus_error(const std::function<void()>& f);
// dbus-send as the given user (via setpriv) to irqd: "Error <name>: <message>" on stderr, or the
// reply on stdout.
ProcessResult dbus_send_as(const std::string& user,
                           const std::vector<std::string>& method_and_args);

}  // namespace irqd::testing
