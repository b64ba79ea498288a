// Test helper: a throw-away network namespace (named, via `ip netns`) in which integration tests
// build interfaces (veth pairs with many queues, bridges, ...) and point netlink code at them,
// without ever touching the host's own interfaces. Needs root (CAP_SYS_ADMIN) and iproute2.
//
//   NetNs ns;                                   // ip netns add irqd-test-<pid>-<n>
//   ns.add_veth("irqd0", "irqd1", 8, 8);         // both ends 8 RX / 8 TX queues, both up
//   ns.run_checked("ip link set dev irqd1 down");
//   {
//     auto in = ns.enter();                      // this thread now lives in the namespace
//     auto links = irqd::netlink::list_links();  // sockets opened here see only lo, irqd0, irqd1
//   }                                            // back in the original namespace
//   ns.run_with_sysfs([] { ... });               // a thread in it, with its /sys at /sys
//                                                // ~NetNs: ip netns del (interfaces go with it)
//
// iproute2 pitfalls: always write `dev NAME` (a bare `ip link set a up` reads `a` as `address`),
// and numrxqueues/numtxqueues given before `peer` apply to the first end only.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <functional>
#include <string>

namespace irqd::testing {

struct CommandResult {
  int status = -1;     // exit status; 128 + signal number when killed; -1 when it did not run
  std::string output;  // stdout and stderr, interleaved
  bool ok() const { return status == 0; }
};

// Runs `sh -c command` in the caller's namespaces, capturing stdout and stderr.
CommandResult run_shell(const std::string& command);

class NetNs {
 public:
  // Creates the namespace; throws std::runtime_error (with ip's message) when that fails.
  NetNs();
  // Deletes it. Interfaces inside are destroyed with it (veth peers included), so tests need no
  // cleanup of their own. Failure is only reported on stderr: destructors must not throw.
  ~NetNs();
  NetNs(const NetNs&) = delete;
  NetNs& operator=(const NetNs&) = delete;

  const std::string& name() const { return name_; }

  // Runs `sh -c command` inside the namespace (ip netns exec), e.g. several `ip link` commands
  // joined with &&. Never throws for a failing command; see status.
  CommandResult run(const std::string& command) const;
  // Same, but throws std::runtime_error with the command and its output when it fails, for
  // setup steps where carrying on makes no sense.
  std::string run_checked(const std::string& command) const;

  // Creates veth pair a <-> b, both ends with the given queue counts, and brings both ends up
  // (queue-get lists queues of running devices only). Throws like run_checked.
  void add_veth(const std::string& a, const std::string& b, int rx_queues, int tx_queues, bool up = true) const;

  // Moves the calling thread (only it: setns is per thread) into the namespace until the guard
  // is destroyed, which moves it back to where it was. Netlink and other sockets bind to the
  // namespace current at their creation, so create them while the guard lives. Guards nest.
  class Entered {
   public:
    explicit Entered(const std::string& ns_name);
    ~Entered();
    Entered(const Entered&) = delete;
    Entered& operator=(const Entered&) = delete;

   private:
    int original_fd_ = -1;  // /proc/thread-self/ns/net from before, restored on destruction
  };
  [[nodiscard]] Entered enter() const { return Entered(name_); }

  // Runs fn on a thread of its own that lives in the namespace and sees the namespace's own sysfs
  // at /sys (mounted in a private mount namespace of that thread, as `ip netns exec` does for a
  // process): code that reads and writes /sys/class/net of a live root in-process sees only this
  // namespace's devices. The mount goes with the thread; the rest of the process keeps the host's
  // /sys. Rethrows what fn throws, and throws std::runtime_error when the thread cannot be set up.
  void run_with_sysfs(const std::function<void()>& fn) const;

  // Whether namespaces can be created here: root, and a trial `ip netns add` / `del` works.
  // When not, *why (if given) says why. Tests skip on false only when not root; as root (CI) a
  // namespace that cannot be created is a failure, not a reason to skip.
  static bool available(std::string* why);

 private:
  std::string name_;
};

// GRO on via the legacy ETHTOOL_SGRO ioctl (no ethtool binary needed). On veth that makes the
// driver create one NAPI per RX queue. Must run inside the namespace (a NetNs::Entered guard).
void enable_gro(const std::string& ifname);

// Checked once per process: a trial namespace per test would only slow the suite down.
// nullptr when namespaces are usable, else why not.
const std::string* netns_unavailable_reason();

}  // namespace irqd::testing

// In a test body or SetUp: skip with the reason where namespaces are unavailable and we are not
// root; as root (CI) unavailable namespaces fail the test, so CI never skips silently.
#define IRQD_REQUIRE_NETNS()                                                                  \
  do {                                                                                        \
    if (const std::string* irqd_why_ = ::irqd::testing::netns_unavailable_reason()) {          \
      if (::geteuid() == 0) FAIL() << "running as root but network namespaces are unusable: " \
                                   << *irqd_why_;                                             \
      GTEST_SKIP() << "network namespaces unavailable (not root): " << *irqd_why_;            \
    }                                                                                         \
  } while (0)
