// The service pieces that need no kernel: the hotplug debounce, the journal-or-terminal decision,
// the irqbalance lookup on a fixture /proc, the STATUS= line, and CPU hotplug noticed by the
// daemon's next cycle.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "irqd/daemon/daemon.hpp"
#include "irqd/daemon/hotplug.hpp"
#include "irqd/daemon/irqbalance_check.hpp"
#include "irqd/daemon/logging.hpp"
#include "irqd/daemon/notify.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/support/synthetic_tree.hpp"

namespace irqd {
namespace {

using namespace std::chrono_literals;
using testing::SyntheticTree;
using testing::TempDir;

// --- debounce: explicit time points, nothing waits ---

TEST(Debounce, NothingPendingHasNoDeadline) {
  Debounce d(200ms, 800ms);
  EXPECT_FALSE(d.deadline());
}

TEST(Debounce, ALoneEventFiresAfterTheQuietTime) {
  Debounce d(200ms, 800ms);
  Debounce::Clock::time_point t0{};
  d.event(t0);
  EXPECT_EQ(d.deadline(), t0 + 200ms);
}

TEST(Debounce, ABurstMovesTheDeadlineButNeverPastTheMaximum) {
  Debounce d(200ms, 800ms);
  Debounce::Clock::time_point t0{};
  d.event(t0);
  d.event(t0 + 150ms);
  EXPECT_EQ(d.deadline(), t0 + 350ms);
  for (auto t = 300ms; t <= 1000ms; t += 100ms) d.event(t0 + t);  // a driver reset's event storm
  EXPECT_EQ(d.deadline(), t0 + 800ms);
}

TEST(Debounce, AfterFiringTheNextBurstStartsAfresh) {
  Debounce d(200ms, 800ms);
  Debounce::Clock::time_point t0{};
  d.event(t0);
  d.fired();
  EXPECT_FALSE(d.deadline());
  d.event(t0 + 2s);
  EXPECT_EQ(d.deadline(), t0 + 2s + 200ms);
}

// --- journal or terminal ---

TEST(JournalLogging, JournalStreamMatchingStderrMeansTheJournal) {
  EXPECT_TRUE(should_log_to_journal("8:12345", nullptr, StreamId{8, 12345}));
  EXPECT_TRUE(should_log_to_journal("8:12345", "abc", StreamId{8, 12345}));
}

TEST(JournalLogging, StderrRedirectedElsewhereMeansTheTerminal) {
  // JOURNAL_STREAM inherited from a service's shell, but stderr now goes to a file or a tty.
  EXPECT_FALSE(should_log_to_journal("8:12345", "abc", StreamId{8, 999}));
  EXPECT_FALSE(should_log_to_journal("8:12345", nullptr, std::nullopt));
}

TEST(JournalLogging, MalformedJournalStreamIsNotTheJournal) {
  EXPECT_FALSE(should_log_to_journal("garbage", nullptr, StreamId{8, 12345}));
  EXPECT_FALSE(should_log_to_journal("8:12345x", nullptr, StreamId{8, 12345}));
}

TEST(JournalLogging, AUnitWithoutJournalStreamStillLogsToTheJournal) {
  EXPECT_TRUE(should_log_to_journal(nullptr, "0123456789abcdef", StreamId{1, 2}));
  EXPECT_FALSE(should_log_to_journal(nullptr, nullptr, StreamId{1, 2}));
  EXPECT_FALSE(should_log_to_journal("", "", StreamId{1, 2}));
}

// --- irqbalance ---

TEST(IrqbalanceCheck, FindsIrqbalanceAmongOtherProcesses) {
  TempDir root;
  root.write("proc/1/comm", "init\n");
  root.write("proc/42/comm", "sshd\n");
  root.write("proc/977/comm", "irqbalance\n");
  root.write("proc/self/comm", "irqbalance\n");  // not a pid directory: ignored
  root.write("proc/interrupts", "");
  auto pid = find_irqbalance(sysfs::SysRoot(root.path()));
  ASSERT_TRUE(pid);
  EXPECT_EQ(*pid, 977);
  std::string msg = irqbalance_message(*pid);
  EXPECT_NE(msg.find("irqbalance is running (pid 977)"), std::string::npos) << msg;
  EXPECT_NE(msg.find("--ignore-irqbalance"), std::string::npos) << msg;
}

TEST(IrqbalanceCheck, NoIrqbalanceAndOddEntriesFindNothing) {
  TempDir root;
  root.write("proc/1/comm", "irqbalancer\n");  // a different program with a longer name
  root.write("proc/2/status", "Name: irqbalance\n");  // a process that exited: no comm left
  root.write("proc/-3/comm", "irqbalance\n");
  EXPECT_FALSE(find_irqbalance(sysfs::SysRoot(root.path())));
}

// --- STATUS= ---

TEST(Notify, StatusLineSaysWhatTheCycleDid) {
  CycleReport r;
  r.cycle = 12;
  r.managed_irqs = 8;
  r.planned = 20;
  r.applied = 3;
  EXPECT_EQ(status_line(r), "cycle 12: 8 NIC IRQs, 20 knobs planned, 3 changed, 0 failed");
  r.vanished = 2;
  EXPECT_EQ(status_line(r), "cycle 12: 8 NIC IRQs, 20 knobs planned, 3 changed, 0 failed, 2 vanished");
  r.skipped_irqs = 1;
  EXPECT_EQ(status_line(r), "cycle 12: 8 NIC IRQs, 20 knobs planned, 3 changed, 0 failed, 2 vanished, "
                            "1 skipped (unreadable /proc/irq/N files)");
  r.ok = false;
  r.error = "/proc/interrupts:7: IRQ name 'a\xff'";
  EXPECT_EQ(status_line(r), "cycle 12 failed: /proc/interrupts:7: IRQ name 'a\xEF\xBF\xBD'");  // systemd wants UTF-8
  r.error = "/proc/interrupts:7: 3 counters for 4 CPUs";
  EXPECT_EQ(status_line(r), "cycle 12 failed: /proc/interrupts:7: 3 counters for 4 CPUs");
}

// --- CPU hotplug ---

std::string affinity(const SyntheticTree& t, int irq) {
  std::ifstream in(t.root() / fmt::format("proc/irq/{}/smp_affinity_list", irq));
  std::string line;
  std::getline(in, line);
  return line;
}

TEST(CpuHotplug, CpusGoingOfflineAreNoticedAtTheNextCycle) {
  SyntheticTree t{4};
  t.add_nic({.name = "eth0", .pci = "0000:03:00.0", .rx = 4, .tx = 4, .msi_irqs = {101, 102, 103, 104}});
  for (int q = 0; q < 4; ++q) t.add_irq({101 + q, fmt::format("eth0-TxRx-{}", q), "0"});
  t.finish();
  std::string stat = "cpu  400 0 400 4000 0 40 40 0 0 0\n";  // the daemon samples load each cycle
  for (int c = 0; c < 4; ++c) stat += fmt::format("cpu{} 100 0 100 1000 0 10 10 0 0 0\n", c);
  t.dir().write("proc/stat", stat);
  DaemonOptions opts;
  opts.engine.root = t.root();
  opts.engine.use_netlink = false;
  opts.engine.topology_xml = testing::fixture("hwloc/derived/1s-intel-i7-7600u-2c4t-laptop.from-cpuid-dump.xml");
  config::Config cfg;
  cfg.run_dir = (t.root() / "run/irqd").string();
  Daemon d(opts, cfg);
  d.cycle();
  std::set<std::string> before;
  for (int irq = 101; irq <= 104; ++irq) before.insert(affinity(t, irq));
  ASSERT_EQ(before, (std::set<std::string>{"0", "1", "2", "3"}));

  t.dir().write("sys/devices/system/cpu/online", "0-1\n");  // CPUs 2 and 3 unplugged
  auto r = d.cycle();
  EXPECT_EQ(r.failed, 0);
  for (int irq = 101; irq <= 104; ++irq) {
    std::string cpus = affinity(t, irq);
    EXPECT_TRUE(cpus == "0" || cpus == "1") << "IRQ " << irq << " still on offline CPU " << cpus;
  }
}

}  // namespace
}  // namespace irqd
