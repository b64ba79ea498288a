// NetNs: named throw-away network namespaces for integration tests (see netns.hpp).
#include "tests/integration/netns.hpp"

#include <fcntl.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <stdexcept>
#include <thread>

namespace irqd::testing {
namespace {

// 'it'\''s' quoting, so any command survives being handed to a second shell.
std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

std::string errno_text(const std::string& what) { return what + ": " + std::strerror(errno); }

}  // namespace

CommandResult run_shell(const std::string& command) {
  CommandResult result;
  // stderr joins stdout so a failing `ip` explains itself in the test log.
  const std::string script = "exec 2>&1\n" + command;
  FILE* pipe = popen(script.c_str(), "r");
  if (pipe == nullptr) {
    result.output = errno_text("popen");
    return result;
  }
  std::array<char, 4096> buf{};
  std::size_t n = 0;
  while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0) result.output.append(buf.data(), n);
  const int wstatus = pclose(pipe);
  if (wstatus == -1) {
    result.output += errno_text("pclose");
  } else if (WIFEXITED(wstatus)) {
    result.status = WEXITSTATUS(wstatus);
  } else if (WIFSIGNALED(wstatus)) {
    result.status = 128 + WTERMSIG(wstatus);
  }
  return result;
}

NetNs::NetNs() {
  // pid + counter: unique among concurrently running test binaries and within one binary.
  static std::atomic<int> counter{0};
  name_ = "irqd-test-" + std::to_string(getpid()) + "-" + std::to_string(counter++);
  const CommandResult add = run_shell("ip netns add " + name_);
  if (!add.ok()) {
    throw std::runtime_error("ip netns add " + name_ + " failed (status " + std::to_string(add.status) +
                             "): " + add.output);
  }
  // A fresh namespace has lo down; bring it up so it looks like any other namespace.
  const CommandResult lo = run("ip link set lo up");
  if (!lo.ok()) {
    run_shell("ip netns del " + name_);
    throw std::runtime_error("bringing lo up in " + name_ + " failed: " + lo.output);
  }
}

NetNs::~NetNs() {
  const CommandResult del = run_shell("ip netns del " + name_);
  if (!del.ok()) std::fprintf(stderr, "warning: ip netns del %s failed: %s\n", name_.c_str(), del.output.c_str());
}

CommandResult NetNs::run(const std::string& command) const {
  return run_shell("ip netns exec " + name_ + " sh -c " + shell_quote(command));
}

std::string NetNs::run_checked(const std::string& command) const {
  CommandResult r = run(command);
  if (!r.ok()) {
    throw std::runtime_error("in netns " + name_ + ": `" + command + "` failed (status " +
                             std::to_string(r.status) + "): " + r.output);
  }
  return r.output;
}

void NetNs::add_veth(const std::string& a, const std::string& b, int rx_queues, int tx_queues, bool up) const {
  const std::string queues = " numrxqueues " + std::to_string(rx_queues) + " numtxqueues " + std::to_string(tx_queues);
  std::string cmd = "ip link add name " + a + queues + " type veth peer name " + b + queues;
  if (up) cmd += " && ip link set dev " + a + " up && ip link set dev " + b + " up";
  run_checked(cmd);
}

NetNs::Entered::Entered(const std::string& ns_name) {
  // thread-self, not self: setns moves only this thread, and it may not be the main one.
  original_fd_ = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
  if (original_fd_ < 0) throw std::runtime_error(errno_text("open /proc/thread-self/ns/net"));
  const std::string path = "/run/netns/" + ns_name;
  const int target = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (target < 0) {
    const std::string msg = errno_text("open " + path);
    close(original_fd_);
    throw std::runtime_error(msg);
  }
  const int rc = setns(target, CLONE_NEWNET);
  const std::string msg = rc != 0 ? errno_text("setns " + path) : "";
  close(target);
  if (rc != 0) {
    close(original_fd_);
    throw std::runtime_error(msg);
  }
}

NetNs::Entered::~Entered() {
  if (setns(original_fd_, CLONE_NEWNET) != 0) {
    // Carrying on would run the rest of the tests (and their cleanup) in the wrong namespace.
    std::fprintf(stderr, "fatal: cannot return to the original network namespace: %s\n", std::strerror(errno));
    std::abort();
  }
  close(original_fd_);
}

void NetNs::run_with_sysfs(const std::function<void()>& fn) const {
  std::exception_ptr failure;
  std::thread worker([&] {
    try {
      const Entered in(name_);
      // The thread's own mount namespace (unshare copies the fs of this thread only), taking no
      // mount back to the host's (slave), where sysfs is mounted again: a sysfs mount shows the
      // network namespace of the task that mounts it.
      if (unshare(CLONE_NEWNS) != 0) throw std::runtime_error(errno_text("unshare(CLONE_NEWNS)"));
      if (mount(nullptr, "/", nullptr, MS_SLAVE | MS_REC, nullptr) != 0)
        throw std::runtime_error(errno_text("mount --make-rslave /"));
      if (umount2("/sys", MNT_DETACH) != 0) throw std::runtime_error(errno_text("umount /sys"));
      if (mount(name_.c_str(), "/sys", "sysfs", 0, nullptr) != 0) throw std::runtime_error(errno_text("mount sysfs"));
      fn();
    } catch (...) {
      failure = std::current_exception();
    }
  });
  worker.join();
  if (failure) std::rethrow_exception(failure);
}

bool NetNs::available(std::string* why) {
  std::string reason;
  if (geteuid() != 0) {
    reason = "not running as root (creating network namespaces needs CAP_SYS_ADMIN)";
  } else {
    try {
      NetNs probe;
      return true;
    } catch (const std::exception& e) {
      reason = e.what();
    }
  }
  if (why != nullptr) *why = reason;
  return false;
}

const std::string* netns_unavailable_reason() {
  static const std::optional<std::string> reason = [] {
    std::string why;
    return NetNs::available(&why) ? std::nullopt : std::optional<std::string>(why);
  }();
  return reason ? &*reason : nullptr;
}

void enable_gro(const std::string& ifname) {
  const int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(fd, 0) << std::strerror(errno);
  ethtool_value value{};
  value.cmd = ETHTOOL_SGRO;
  value.data = 1;
  ifreq ifr{};
  ifname.copy(ifr.ifr_name, IFNAMSIZ - 1);
  ifr.ifr_data = reinterpret_cast<char*>(&value);
  const int rc = ioctl(fd, SIOCETHTOOL, &ifr);
  const int saved = errno;
  close(fd);
  ASSERT_EQ(rc, 0) << "ETHTOOL_SGRO on " << ifname << ": " << std::strerror(saved);
}


}  // namespace irqd::testing
