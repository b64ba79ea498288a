// D-Bus integration test harness: private bus, test machine, daemon, clients.
#include "tests/integration/dbus_harness.hpp"

#include <fmt/format.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace irqd::testing {

namespace fs = std::filesystem;

namespace {
std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool can_connect(const std::string& path) {
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  path.copy(addr.sun_path, sizeof addr.sun_path - 1);
  bool ok = ::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return ok;
}

// The stock system bus rules (as in /usr/share/dbus-1/system.conf): nobody owns names or calls
// methods unless a policy file allows it.
constexpr const char* kSystemDefaults = R"(
    <allow user="*"/>
    <deny own="*"/>
    <deny send_type="method_call"/>
    <allow send_type="signal"/>
    <allow send_requested_reply="true" send_type="method_return"/>
    <allow send_requested_reply="true" send_type="error"/>
    <allow receive_type="method_call"/>
    <allow receive_type="method_return"/>
    <allow receive_type="error"/>
    <allow receive_type="signal"/>
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus"/>
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus.Introspectable"/>
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus.Properties"/>
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus.Peer"/>)";

constexpr const char* kPermissive = R"(
    <allow user="*"/>
    <allow own="*"/>
    <allow send_type="method_call"/>
    <allow send_type="signal"/>
    <allow send_type="method_return"/>
    <allow send_type="error"/>
    <allow receive_type="method_call"/>
    <allow receive_type="method_return"/>
    <allow receive_type="error"/>
    <allow receive_type="signal"/>)";
}  // namespace

TestSystemBus::TestSystemBus(bool with_irqd_policy, const std::string& extra_policy) {
  ::chmod(dir_.path().c_str(), 0755);  // `nobody` must reach the socket
  std::string socket = (dir_.path() / "bus").string();
  std::string policy_file =
      (fixtures_dir().parent_path().parent_path() / "contrib/io.github.irqd.Irqd1.conf").string();
  std::string conf = fmt::format(
      R"(<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path={}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">{}
  </policy>
  {}
  {}
</busconfig>
)",
      socket, with_irqd_policy ? kSystemDefaults : kPermissive,
      with_irqd_policy ? "<include>" + policy_file + "</include>" : "", extra_policy);
  dir_.write("bus.conf", conf);
  address_ = "unix:path=" + socket;
  start();
  ::setenv("DBUS_SYSTEM_BUS_ADDRESS", address_.c_str(), 1);
}

void TestSystemBus::start() {
  std::string socket = (dir_.path() / "bus").string();
  fs::remove(socket);  // a socket file left behind would make the new daemon's bind fail
  daemon_ = std::make_unique<Child>(
      std::vector<std::string>{"dbus-daemon",
                               "--config-file=" + (dir_.path() / "bus.conf").string(), "--nofork"},
      (dir_.path() / "bus.log").string());
  if (!eventually([&] { return can_connect(socket); }))
    throw std::runtime_error("dbus-daemon did not start: " + slurp(dir_.path() / "bus.log"));
}

void TestSystemBus::restart() {
  stop();
  start();
}

TestSystemBus::~TestSystemBus() {
  ::unsetenv("DBUS_SYSTEM_BUS_ADDRESS");
  stop();
}

void TestSystemBus::stop() {
  if (!daemon_->running()) return;
  daemon_->signal(SIGTERM);
  daemon_->wait(3000);
}

TestMachine::TestMachine() {
  tree_.add_nic({.name = "eth0", .pci = "0000:03:00.0", .rx = 2, .tx = 2, .msi_irqs = {101, 102}});
  tree_.add_irq({1, "i8042", "0-3"});
  tree_.add_irq({101, "eth0-TxRx-0", "0-3"});
  tree_.add_irq({102, "eth0-TxRx-1", "0-3"});
  tree_.add_irq({120, "nvme0q1", "1"});
  tree_.finish();
  std::string stat = "cpu  400 0 400 4000 0 40 40 0 0 0\n";
  for (int c = 0; c < 4; ++c) stat += fmt::format("cpu{} 100 0 100 1000 0 10 10 0 0 0\n", c);
  tree_.dir().write("proc/stat", stat);
}

std::string TestMachine::read(const std::string& rel) const {
  std::string s = slurp(root() / rel);
  return s.substr(0, s.find('\n'));
}

void TestMachine::write(const std::string& rel, const std::string& text) const {
  tree_.dir().write(rel, text);
}

void TestMachine::add_eth1() {
  tree_.add_nic({.name = "eth1", .pci = "0000:04:00.0", .rx = 2, .tx = 2, .msi_irqs = {201, 202}});
  tree_.add_irq({201, "eth1-TxRx-0", "0-3"});
  tree_.add_irq({202, "eth1-TxRx-1", "0-3"});
  tree_.finish();
}

IrqdProcess::IrqdProcess(const TestMachine& m, const fs::path& state_dir,
                         std::vector<std::string> extra) {
  log_path_ = (run_dir_.path() / "irqd.log").string();
  // A long interval: every cycle in these tests is one the test caused (start, a write, Rebalance).
  std::vector<std::string> argv{
      std::getenv("IRQD_BINARY"),
      "--foreground",
      "--root",
      m.root().string(),
      "--topology-xml",
      fixture("hwloc/derived/1s-intel-i7-7600u-2c4t-laptop.from-cpuid-dump.xml").string(),
      "--no-netlink",
      "--state-dir",
      state_dir.string(),
      "--run-dir",
      run_dir_.path().string(),
      "--log-level",
      "info"};
  if (std::find(extra.begin(), extra.end(), "--interval") == extra.end())
    argv.insert(argv.end(), {"--interval", "3600"});
  argv.insert(argv.end(), extra.begin(), extra.end());
  child_ = std::make_unique<Child>(argv, log_path_);
}

std::string IrqdProcess::log() const { return slurp(log_path_); }

Irqd1Client::Irqd1Client() : ProxyInterfaces("io.github.irqd.Irqd1", "/io/github/irqd/Irqd1") {
  registerProxy();
}

Irqd1Client::~Irqd1Client() { unregisterProxy(); }

void Irqd1Client::onCycleCompleted(const std::uint64_t& cycle, const std::uint32_t&,
                                   const std::uint32_t&, const std::uint32_t&) {
  std::lock_guard lock(mu_);
  cycles_.push_back(cycle);
}

void Irqd1Client::onDevicesChanged(const std::vector<std::string>& devices) {
  std::lock_guard lock(mu_);
  devices_.push_back(devices);
}

std::vector<std::uint64_t> Irqd1Client::cycles_seen() {
  std::lock_guard lock(mu_);
  return cycles_;
}

std::vector<std::vector<std::string>> Irqd1Client::device_changes() {
  std::lock_guard lock(mu_);
  return devices_;
}


bool wait_ready(int timeout_ms) {
  return eventually(
      [] {
        try {
          Irqd1Client c;
          return std::get<3>(c.GetStatus()) >= 1;
        } catch (const sdbus::Error&) {
          return false;  // not on the bus yet
        }
      },
      timeout_ms);
}

std::unique_ptr<IrqdProcess> start_served(const DbusWorld& w, std::vector<std::string> extra) {
  auto d = std::make_unique<IrqdProcess>(w.machine, w.state.path(), std::move(extra));
  if (!wait_ready()) throw std::runtime_error("irqd did not answer on the bus:\n" + d->log());
  return d;
}

std::string dbus_error(const std::function<void()>& f) {
  try {
    f();
  } catch (const sdbus::Error& e) {
    return e.getName() + ": " + e.getMessage();
  }
  return "";
}

ProcessResult dbus_send_as(const std::string& user,
                           const std::vector<std::string>& method_and_args) {
  const char* addr = std::getenv("DBUS_SYSTEM_BUS_ADDRESS");
  std::vector<std::string> argv{"/usr/bin/setpriv",     "--reuid=" + user,
                                "--regid=nogroup",      "--clear-groups",
                                "/usr/bin/dbus-send",   std::string("--bus=") + (addr ? addr : ""),
                                "--print-reply",        "--dest=io.github.irqd.Irqd1",
                                "/io/github/irqd/Irqd1"};
  argv.insert(argv.end(), method_and_args.begin(), method_and_args.end());
  return run_process(argv);
}

}  // namespace irqd::testing
