// SysRoot: paths stay under the root, errors carry errno and the file name.
#include "sysfs/sys_root.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <functional>

#include "sysfs/error.hpp"
#include "sysfs/proc_interrupts.hpp"
#include "tests/support/fixtures.hpp"

namespace irqd::sysfs {
namespace {

using irqd::testing::TempDir;

TEST(SysRootTest, ReadsAndWritesUnderTheRoot) {
  TempDir t;
  t.write("proc/irq/5/smp_affinity_list", "0-3\n");
  SysRoot root(t.path());
  EXPECT_FALSE(root.is_live());
  EXPECT_EQ(root.read("proc/irq/5/smp_affinity_list"), "0-3\n");
  EXPECT_EQ(root.read("/proc/irq/5/smp_affinity_list"), "0-3\n");
  EXPECT_EQ(root.read_line("proc/irq/5/smp_affinity_list"), "0-3");
  root.write("proc/irq/5/smp_affinity_list", "2");
  EXPECT_EQ(root.read("proc/irq/5/smp_affinity_list"), "2");
  EXPECT_EQ(root.list("proc/irq"), std::vector<std::string>{"5"});
  EXPECT_TRUE(root.is_dir("proc/irq/5"));
  EXPECT_FALSE(root.exists("proc/irq/6"));
}

TEST(SysRootTest, MissingFilesAreNulloptNotErrors) {
  TempDir t;
  SysRoot root(t.path());
  EXPECT_EQ(root.read_if_exists("proc/interrupts"), std::nullopt);
  EXPECT_EQ(root.read_line("sys/class/net/eth0/ifindex"), std::nullopt);
  EXPECT_TRUE(root.list("sys/class/net").empty());
  try {
    root.read("proc/interrupts");
    FAIL();
  } catch (const IoError& e) {
    EXPECT_EQ(e.error_code(), ENOENT);
    EXPECT_NE(std::string(e.what()).find("proc/interrupts"), std::string::npos);
  }
}

TEST(SysRootTest, WriteErrorsCarryErrno) {
  TempDir t;
  SysRoot root(t.path());
  try {
    root.write("proc/irq/9/smp_affinity_list", "1");
    FAIL();
  } catch (const IoError& e) {
    EXPECT_EQ(e.error_code(), ENOENT);
    EXPECT_NE(std::string(e.what()).find("proc/irq/9/smp_affinity_list"), std::string::npos);
  }
  // A directory where a file should be: EISDIR, reported, not a crash.
  std::filesystem::create_directories(t.path() / "proc/irq/10/smp_affinity_list");
  try {
    root.write("proc/irq/10/smp_affinity_list", "1");
    FAIL();
  } catch (const IoError& e) {
    EXPECT_EQ(e.error_code(), EISDIR);
  }
}

TEST(SysRootTest, ResolvesLinksInsideTheRoot) {
  TempDir t;
  t.write("sys/devices/pci0000:00/0000:00:03.0/virtio2/net/eth0/ifindex", "2\n");
  std::filesystem::create_directories(t.path() / "sys/class/net");
  std::filesystem::create_symlink("../../devices/pci0000:00/0000:00:03.0/virtio2/net/eth0", t.path() / "sys/class/net/eth0");
  std::filesystem::create_symlink("/etc", t.path() / "sys/class/net/evil");
  SysRoot root(t.path());
  EXPECT_EQ(root.resolve("sys/class/net/eth0"), "sys/devices/pci0000:00/0000:00:03.0/virtio2/net/eth0");
  EXPECT_EQ(root.resolve("sys/class/net/evil"), std::nullopt);  // escapes the root
  EXPECT_EQ(root.resolve("sys/class/net/none"), std::nullopt);
}

TEST(SysRootTest, LiveRootDisplaysKernelPaths) {
  SysRoot root("/");
  EXPECT_TRUE(root.is_live());
  EXPECT_EQ(root.display("proc/interrupts"), "/proc/interrupts");
}

// A root held open at a subdirectory (the daemon's re-reads of proc/irq and each NIC's queues):
// same reads and messages as through the whole path; a directory that goes away reads as absent.
TEST(SysRootTest, SubRootReadsLikeTheWholePath) {
  TempDir t;
  t.write("sys/devices/eth0/queues/rx-0/rps_cpus", "00000003\n");
  SysRoot root(t.path());
  SysRoot queues = root.at("sys/devices/eth0/queues");
  EXPECT_EQ(queues.read_line("rx-0/rps_cpus"), "00000003");
  EXPECT_EQ(queues.read_line("rx-1/rps_cpus"), std::nullopt);
  EXPECT_EQ(queues.display("rx-0/rps_cpus"), (t.path() / "sys/devices/eth0/queues/rx-0/rps_cpus").string());
  EXPECT_EQ(SysRoot("/").at("proc/irq").display("5/node"), "/proc/irq/5/node");
  SysRoot copy = queues;  // copies share the open directory
  std::filesystem::remove_all(t.path() / "sys/devices/eth0");
  EXPECT_EQ(copy.read_line("rx-0/rps_cpus"), std::nullopt);
  EXPECT_EQ(root.at("sys/devices/eth0/queues").read_line("rx-0/rps_cpus"), std::nullopt);
}

// A knob that only holds its first line is read once to the newline; a file without one, or a
// longer multi-line file, still whole.
TEST(SysRootTest, ReadLineStopsAtTheFirstLine) {
  TempDir t;
  t.write("a", "first\nsecond\n");
  t.write("b", "no newline");
  SysRoot root(t.path());
  EXPECT_EQ(root.read_line("a"), "first");
  EXPECT_EQ(root.read_line("b"), "no newline");
  EXPECT_EQ(root.read("a"), "first\nsecond\n");
}

// Runs f in a child that SIGALRM kills after 5 s; returns the message f threw, "(no error)", or
// "hung" when it did not finish (a blocking open or read).
std::string error_within_deadline(const std::function<void()>& f) {
  int fds[2];
  if (::pipe(fds) != 0) return "pipe failed";
  pid_t pid = ::fork();
  if (pid == 0) {
    ::close(fds[0]);
    ::alarm(5);
    std::string msg = "(no error)";
    try {
      f();
    } catch (const std::exception& e) {
      msg = e.what();
    }
    (void)!::write(fds[1], msg.data(), msg.size());
    ::_exit(0);
  }
  ::close(fds[1]);
  std::string msg;
  char buf[1024];
  for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) > 0;) msg.append(buf, static_cast<std::size_t>(n));
  ::close(fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFSIGNALED(status) ? "hung" : msg;
}

// A FIFO where a kernel file should be (no writer, or no reader): refused at once with the path
// named, for reads and writes alike, never waited on.
TEST(SysRootTest, FifoIsRefusedNotWaitedOn) {
  TempDir t;
  std::filesystem::create_directories(t.path() / "proc/irq/5");
  ASSERT_EQ(::mkfifo((t.path() / "proc/irq/5/smp_affinity_list").c_str(), 0600), 0);
  SysRoot root(t.path());
  const std::string path = (t.path() / "proc/irq/5/smp_affinity_list").string();
  for (auto* op : {+[](const SysRoot& r) { r.read_line("proc/irq/5/smp_affinity_list"); },
                   +[](const SysRoot& r) { r.read("proc/irq/5/smp_affinity_list"); },
                   +[](const SysRoot& r) { r.at("proc/irq").read_line("5/smp_affinity_list"); },
                   +[](const SysRoot& r) { r.write("proc/irq/5/smp_affinity_list", "1"); }}) {
    std::string msg = error_within_deadline([&] { op(root); });
    EXPECT_NE(msg.find(path), std::string::npos) << msg;
    EXPECT_NE(msg.find("not a regular file"), std::string::npos) << msg;
  }
}

// A directory where a file should be: the same message, not "Is a directory" from a read.
TEST(SysRootTest, DirectoryIsNotARegularFile) {
  TempDir t;
  std::filesystem::create_directories(t.path() / "proc/irq/5/smp_affinity_list");
  SysRoot root(t.path());
  std::string msg = error_within_deadline([&] { root.read_line("proc/irq/5/smp_affinity_list"); });
  EXPECT_NE(msg.find("proc/irq/5/smp_affinity_list: not a regular file"), std::string::npos) << msg;
}

// /proc/interrupts as a FIFO: the chunked reader neither blocks on it nor takes it for a file.
TEST(SysRootTest, InterruptsFifoIsRefusedNotWaitedOn) {
  TempDir t;
  std::filesystem::create_directories(t.path() / "proc");
  ASSERT_EQ(::mkfifo((t.path() / "proc/interrupts").c_str(), 0600), 0);
  SysRoot root(t.path());
  std::string msg = error_within_deadline([&] {
    InterruptTable table;
    std::string buf;
    read_interrupts(root, table, buf);
  });
  EXPECT_NE(msg.find((t.path() / "proc/interrupts").string() + ": not a regular file"), std::string::npos) << msg;
}

}  // namespace
}  // namespace irqd::sysfs
