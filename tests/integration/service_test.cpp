// irqd as a service, with the real binary: sd_notify messages on a NOTIFY_SOCKET the test owns
// (daemon on a fixture root), the irqbalance refusal (exit 4) on a fixture /proc, and NIC hotplug
// in a fresh network namespace (a veth pair appearing, `ethtool -L` changing its queue count, the
// pair being deleted) with the daemon's timed cycle far away, so only hotplug can explain the
// reaction.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "sysfs/cpuset.hpp"
#include "tests/integration/netns.hpp"
#include "tests/integration/run_process.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/support/poll.hpp"
#include "tests/support/synthetic_tree.hpp"

namespace irqd::testing {
namespace {

using sysfs::CpuSet;


std::string binary() { return std::getenv("IRQD_BINARY"); }

// The daemon must log to the file the test reads, whatever service manager runs the tests.
std::vector<std::string> clean_env(std::vector<std::string> env) {
  std::vector<std::string> argv{"env", "-u", "JOURNAL_STREAM", "-u", "INVOCATION_ID", "-u", "NOTIFY_SOCKET",
                                "-u", "WATCHDOG_USEC", "-u", "WATCHDOG_PID"};
  argv.insert(argv.end(), env.begin(), env.end());
  return argv;
}

// A 4-CPU tree with one 2-queue NIC whose IRQs sit on CPU 0, for the daemon to move.
struct Tree {
  SyntheticTree t{4};
  Tree() {
    t.add_nic({.name = "eth0", .pci = "0000:03:00.0", .rx = 2, .tx = 2, .msi_irqs = {101, 102}});
    t.add_irq({101, "eth0-TxRx-0", "0"});
    t.add_irq({102, "eth0-TxRx-1", "0"});
    t.finish();
    std::string stat = "cpu  400 0 400 4000 0 40 40 0 0 0\n";
    for (int c = 0; c < 4; ++c) stat += fmt::format("cpu{} 100 0 100 1000 0 10 10 0 0 0\n", c);
    t.dir().write("proc/stat", stat);
  }
  std::vector<std::string> args() const {
    return {"--root", t.root().string(), "--topology-xml",
            fixture("hwloc/derived/1s-intel-i7-7600u-2c4t-laptop.from-cpuid-dump.xml").string(), "--run-dir",
            (t.root() / "run").string()};
  }
  std::string affinity(int irq) const {
    std::string s = read_text((t.root() / fmt::format("proc/irq/{}/smp_affinity_list", irq)).string());
    return s.substr(0, s.find('\n'));
  }
};

// --- sd_notify ---

class NotifySocket {
 public:
  explicit NotifySocket(const std::filesystem::path& path) : path_(path) {
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, path.c_str(), sizeof(addr.sun_path) - 1);
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) throw std::runtime_error("bind");
  }
  ~NotifySocket() { ::close(fd_); }
  // Every message until one contains `want` or timeout; the messages seen, in order.
  bool wait_for(const std::string& want, int timeout_ms) {
    auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    for (;;) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - std::chrono::steady_clock::now());
      if (left.count() <= 0) return false;
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
      char buf[4096];
      ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) continue;
      messages.emplace_back(buf, static_cast<std::size_t>(n));
      if (messages.back().find(want) != std::string::npos) return true;
    }
  }
  std::string all() const {
    std::string s;
    for (const auto& m : messages) s += "[" + m + "]\n";
    return s;
  }
  std::vector<std::string> messages;

 private:
  std::filesystem::path path_;
  int fd_ = -1;
};

TEST(ServiceNotify, ReadyStatusWatchdogReloadAndStopping) {
  Tree tree;
  TempDir tmp;
  NotifySocket sock(tmp.path() / "notify");
  std::string log = (tmp.path() / "irqd.log").string();
  auto argv = clean_env({"NOTIFY_SOCKET=" + (tmp.path() / "notify").string(), "WATCHDOG_USEC=200000", binary(),
                         "--foreground", "--interval", "0.3", "--log-level", "info"});
  for (const auto& a : tree.args()) argv.push_back(a);
  Child d(argv, log);

  ASSERT_TRUE(sock.wait_for("READY=1", 10000)) << sock.all() << read_text(log);
  // READY=1 comes with the first cycle's summary, after the plan was applied.
  EXPECT_NE(sock.messages.back().find("STATUS=cycle 1: 2 NIC IRQs"), std::string::npos) << sock.all();
  EXPECT_NE(tree.affinity(101), tree.affinity(102)) << "READY=1 before the IRQs were placed";
  ASSERT_TRUE(sock.wait_for("STATUS=cycle 2:", 3000)) << sock.all();
  // WATCHDOG_USEC=200 ms: a keep-alive every 100 ms.
  ASSERT_TRUE(sock.wait_for("WATCHDOG=1", 1000)) << sock.all();

  d.signal(SIGHUP);
  ASSERT_TRUE(sock.wait_for("RELOADING=1", 3000)) << sock.all() << read_text(log);
  EXPECT_NE(sock.messages.back().find("MONOTONIC_USEC="), std::string::npos) << sock.all();
  ASSERT_TRUE(sock.wait_for("READY=1", 3000)) << sock.all();

  d.signal(SIGTERM);
  ASSERT_TRUE(sock.wait_for("STOPPING=1", 3000)) << sock.all() << read_text(log);
  EXPECT_EQ(d.wait(5000), 0) << read_text(log);
}

TEST(ServiceNotify, WithoutNotifySocketNothingIsSentAndTheDaemonRuns) {
  Tree tree;
  TempDir tmp;
  std::string log = (tmp.path() / "irqd.log").string();
  auto argv = clean_env({binary(), "--foreground", "--interval", "0.1", "--log-level", "debug"});
  for (const auto& a : tree.args()) argv.push_back(a);
  Child d(argv, log);
  ASSERT_TRUE(eventually([&] { return read_text(log).find("cycle 2:") != std::string::npos; }, 10000)) << read_text(log);
  d.signal(SIGTERM);
  EXPECT_EQ(d.wait(5000), 0) << read_text(log);
  EXPECT_EQ(read_text(log).find("sd_notify"), std::string::npos) << read_text(log);
}

// --- journal ---

TEST(ServiceJournal, LogsGoToTheJournalOnlyWhenStderrIsTheJournalStream) {
  TempDir tmp;
  std::string log = (tmp.path() / "irqd.log").string();
  tmp.write("irqd.log", "");
  struct stat st {};
  ASSERT_EQ(::stat(log.c_str(), &st), 0);
  // One --oneshot on a fresh tree (so there is something to apply and log); stdout and stderr
  // both go to `log`.
  auto run = [&](std::vector<std::string> env) {
    Tree tree;
    env.insert(env.end(), {binary(), "--oneshot", "--log-level", "info"});
    auto argv = clean_env(env);
    for (const auto& a : tree.args()) argv.push_back(a);
    Child c(argv, log);  // truncates the same file: its device and inode stay
    EXPECT_EQ(c.wait(10000), 0) << read_text(log);
    return read_text(log);
  };
  // stderr is a terminal or file: the log lines are there, with irqd's own prefix.
  std::string plain = run({});
  EXPECT_NE(plain.find("irqd: info: IRQ 102"), std::string::npos) << plain;
  // JOURNAL_STREAM names this very file, as systemd's names its journal stream: the same lines
  // go to the journal instead, and stdout keeps the report.
  std::string journal = run({fmt::format("JOURNAL_STREAM={}:{}", st.st_dev, st.st_ino)});
  EXPECT_EQ(journal.find("IRQ 102 (eth0-TxRx-1, eth0): 0 -> 1"), std::string::npos) << journal;
  EXPECT_NE(journal.find("Network IRQs"), std::string::npos) << journal;
}

// --- irqbalance ---

TEST(ServiceIrqbalance, RunningIrqbalanceMeansExit4AndNothingWritten) {
  Tree tree;
  tree.t.dir().write("proc/1/comm", "init\n");
  tree.t.dir().write("proc/4242/comm", "irqbalance\n");
  for (const char* mode : {"--oneshot", "--foreground"}) {
    auto args = tree.args();
    args.insert(args.begin(), mode);
    auto r = run_irqd(args);
    EXPECT_EQ(r.exit_code, 4) << mode << "\n" << r.err;
    EXPECT_NE(r.err.find("irqbalance is running (pid 4242)"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("--ignore-irqbalance"), std::string::npos) << r.err;
  }
  EXPECT_EQ(tree.affinity(101), "0");
  EXPECT_EQ(tree.affinity(102), "0");
  EXPECT_FALSE(std::filesystem::exists(tree.t.root() / "run/original.json"));
}

TEST(ServiceIrqbalance, IgnoreIrqbalanceRunsAnywayAndADryRunOnlyWarns) {
  Tree tree;
  tree.t.dir().write("proc/4242/comm", "irqbalance\n");
  auto args = tree.args();
  args.insert(args.begin(), {"--dry-run", "--oneshot"});
  auto dry = run_irqd(args);
  EXPECT_EQ(dry.exit_code, 2) << dry.err;  // the plan would move the IRQs
  EXPECT_NE(dry.err.find("irqbalance is running (pid 4242)"), std::string::npos) << dry.err;

  args = tree.args();
  args.insert(args.begin(), {"--oneshot", "--ignore-irqbalance"});
  auto r = run_irqd(args);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(tree.affinity(101), tree.affinity(102));
}

// --- NIC hotplug ---

class ServiceHotplug : public ::testing::Test {
 protected:
  void SetUp() override {
    IRQD_REQUIRE_NETNS();
    ns_ = std::make_unique<NetNs>();
  }
  std::string knob(const std::string& rel) { return ns_->run("cat /sys/class/net/" + rel).output; }
  bool knob_set(const std::string& rel) {
    auto r = ns_->run("cat /sys/class/net/" + rel);
    return r.ok() && !CpuSet::parse_mask(r.output).empty();
  }
  std::unique_ptr<NetNs> ns_;
  TempDir run_;
};

TEST_F(ServiceHotplug, NewNicQueueCountChangeAndRemovalAreHandledWithinSeconds) {
  // va/vb: 4 queues possible, 1 in use for now.
  ns_->add_veth("va", "vb", 4, 4);
  ns_->run_checked("ethtool -L va rx 1 tx 1 && ethtool -L vb rx 1 tx 1");
  std::string log = (run_.path() / "irqd.log").string();
  // A cycle every 10 minutes: whatever happens within seconds below is hotplug's doing.
  Child d(clean_env({"ip", "netns", "exec", ns_->name(), binary(), "--foreground", "--interval", "600",
                     "--run-dir", run_.path().string(), "--log-level", "info"}),
          log);
  ASSERT_TRUE(eventually([&] { return knob_set("va/queues/rx-0/rps_cpus"); }, 10000)) << read_text(log);

  // A NIC appears (created down, then brought up).
  ns_->run_checked("ip link add name vc type veth peer name vd && ip link set dev vc up");
  EXPECT_TRUE(eventually([&] { return knob_set("vc/queues/rx-0/rps_cpus"); }, 2000)) << read_text(log);

  // `ethtool -L`: va now uses 4 TX queues; the new ones get XPS.
  ns_->run_checked("ethtool -L va rx 2 tx 4");
  EXPECT_TRUE(eventually(
      [&] {
        return knob_set("va/queues/tx-1/xps_cpus") && knob_set("va/queues/tx-2/xps_cpus") &&
               knob_set("va/queues/tx-3/xps_cpus");
      },
      2000))
      << knob("va/queues/tx-3/xps_cpus") << read_text(log);

  // The NICs go away: dropped quietly, the daemon keeps running.
  ns_->run_checked("ip link del dev va && ip link del dev vc");
  EXPECT_TRUE(eventually([&] { return read_text(log).find("va (ifindex") != std::string::npos &&
                                      read_text(log).find("removed") != std::string::npos; },
                         2000))
      << read_text(log);
  // The removal's own cycle has run (hotplug logs it), and the daemon is still there.
  ASSERT_TRUE(eventually([&] {
    std::string t = read_text(log);
    auto removed = t.rfind("removed");
    return removed != std::string::npos && t.find("hotplug: cycle ", removed) != std::string::npos;
  }, 5000)) << read_text(log);
  ASSERT_TRUE(d.running()) << read_text(log);
  d.signal(SIGTERM);
  EXPECT_EQ(d.wait(5000), 0) << read_text(log);
  std::string text = read_text(log);
  EXPECT_EQ(text.find("error"), std::string::npos) << text;
  EXPECT_NE(text.find("hotplug: re-discovering"), std::string::npos) << text;
}

}  // namespace
}  // namespace irqd::testing
