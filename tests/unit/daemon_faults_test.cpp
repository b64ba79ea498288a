// Faults in the daemon's cycle, through the real reader (files of a synthetic tree changed between
// cycles) and writer: torn /proc/interrupts, counters going backwards, IRQs and a whole NIC
// vanishing, files growing, a knob that cannot be written, IRQ files that cannot be read. Each time the daemon reports it, keeps
// going, and every other IRQ stays where the plan put it.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include "irqd/daemon/daemon.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/support/synthetic_tree.hpp"

namespace irqd {
namespace {

namespace fs = std::filesystem;
using testing::SyntheticTree;

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct FaultTree {
  SyntheticTree t{4};
  FaultTree() {
    t.add_nic({.name = "eth0", .pci = "0000:03:00.0", .rx = 2, .tx = 2, .msi_irqs = {101, 102}});
    t.add_nic({.name = "eth1", .pci = "0000:04:00.0", .rx = 2, .tx = 2, .msi_irqs = {201, 202}});
    t.add_irq({101, "eth0-TxRx-0", "0"});
    t.add_irq({102, "eth0-TxRx-1", "0"});
    t.add_irq({201, "eth1-TxRx-0", "0"});
    t.add_irq({202, "eth1-TxRx-1", "0"});
    t.finish();
    std::string stat = "cpu  400 0 400 4000 0 40 40 0 0 0\n";
    for (int c = 0; c < 4; ++c) stat += fmt::format("cpu{} 100 0 100 1000 0 10 10 0 0 0\n", c);
    t.dir().write("proc/stat", stat);
  }
  Daemon daemon() const {
    DaemonOptions opts;
    opts.engine.root = t.root();
    opts.engine.use_netlink = false;
    opts.engine.topology_xml = testing::fixture("hwloc/derived/1s-intel-i7-7600u-2c4t-laptop.from-cpuid-dump.xml");
    config::Config cfg;
    cfg.policy = "spread";
    cfg.run_dir = (t.root() / "run/irqd").string();
    return Daemon(opts, cfg);
  }
  std::string affinity(int irq) const {
    std::string s = slurp(t.root() / fmt::format("proc/irq/{}/smp_affinity_list", irq));
    return s.substr(0, s.find('\n'));
  }
  std::string interrupts() const { return slurp(t.root() / "proc/interrupts"); }
  void set_interrupts(const std::string& text) const { t.dir().write("proc/interrupts", text); }
};

// The four IRQs after a first good cycle: spread puts them on distinct cores.
std::map<int, std::string> placed(const FaultTree& f) {
  return {{101, f.affinity(101)}, {102, f.affinity(102)}, {201, f.affinity(201)}, {202, f.affinity(202)}};
}

TEST(DaemonFaults, TornInterruptsFailsTheCycleOnlyAndTheNextOneRecovers) {
  FaultTree f;
  Daemon d = f.daemon();
  d.cycle();
  auto before = placed(f);
  std::string good = f.interrupts();
  // A read that stopped inside IRQ 202's row: fewer counters than CPUs.
  std::size_t row = good.find(" 202:");
  f.set_interrupts(good.substr(0, good.find(" 0 ", row) + 2));
  EXPECT_THROW(d.cycle(), std::exception);  // the loop logs it and retries next interval
  EXPECT_EQ(placed(f), before);             // nothing was written from the torn reading
  f.set_interrupts(good);
  auto r = d.cycle();
  EXPECT_EQ(r.failed, 0);
  EXPECT_EQ(placed(f), before);
}

TEST(DaemonFaults, CountersGoingBackwardsAreAResetNotAHugeLoad) {
  FaultTree f;
  Daemon d = f.daemon();
  std::string text = f.interrupts();
  // Counters far above the ones written next: as after a driver reload reused the IRQ numbers.
  std::string high = text;
  for (std::size_t p = 0; (p = high.find(" 100 ", p)) != std::string::npos;) high.replace(p, 5, " 900000 "), p += 8;
  f.set_interrupts(high);
  d.cycle();
  auto before = placed(f);
  f.set_interrupts(text);
  auto r = d.cycle();
  EXPECT_EQ(r.failed, 0);
  EXPECT_EQ(placed(f), before);
}

TEST(DaemonFaults, VanishedNicIsDroppedAndTheOtherStaysPlaced) {
  FaultTree f;
  Daemon d = f.daemon();
  d.cycle();
  auto eth0 = std::make_pair(f.affinity(101), f.affinity(102));
  // eth1 unplugged: its netdev, PCI function and IRQ directories go; /proc/interrupts drops its rows.
  fs::remove_all(f.t.root() / "sys/devices/pci0000:00/0000:04:00.0");
  fs::remove(f.t.root() / "sys/class/net/eth1");
  fs::remove(f.t.root() / "sys/bus/pci/devices/0000:04:00.0");
  fs::remove_all(f.t.root() / "proc/irq/201");
  fs::remove_all(f.t.root() / "proc/irq/202");
  std::string text = f.interrupts(), kept;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);)
    if (line.find("eth1-") == std::string::npos) kept += line + "\n";
  f.set_interrupts(kept);
  auto r = d.cycle();
  EXPECT_EQ(r.failed, 0);
  EXPECT_EQ(std::make_pair(f.affinity(101), f.affinity(102)), eth0);
}

TEST(DaemonFaults, UnwritableKnobIsReportedAndTheRestApplied) {
  FaultTree f;
  // IRQ 202's affinity reads as a valid cpulist but refuses every write, even root's: a link to
  // the read-only sysfs file cpu/possible (EACCES; nothing changes).
  fs::remove(f.t.root() / "proc/irq/202/smp_affinity_list");
  fs::create_symlink("/sys/devices/system/cpu/possible", f.t.root() / "proc/irq/202/smp_affinity_list");
  Daemon d = f.daemon();
  auto r = d.cycle();
  EXPECT_EQ(r.failed, 1);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_NE(r.errors[0].find("IRQ 202"), std::string::npos) << r.errors[0];
  EXPECT_GE(r.applied, 2);
  std::set<std::string> cpus{f.affinity(101), f.affinity(102), f.affinity(201)};
  EXPECT_EQ(cpus.size(), 3u) << "the writable IRQs are spread over distinct CPUs";
  // The daemon keeps running: another cycle neither throws nor undoes the others.
  auto before = std::make_tuple(f.affinity(101), f.affinity(102), f.affinity(201));
  EXPECT_NO_THROW(d.cycle());
  EXPECT_EQ(std::make_tuple(f.affinity(101), f.affinity(102), f.affinity(201)), before);
}

TEST(DaemonFaults, InterruptsFileGrowingWithANewIrqIsPickedUp) {
  FaultTree f;
  Daemon d = f.daemon();
  d.cycle();
  // A fifth vector appears for eth1 between two cycles (the file grows by a row).
  f.t.dir().write("sys/devices/pci0000:00/0000:04:00.0/msi_irqs/203", "msix\n");
  f.t.dir().write("proc/irq/203/smp_affinity_list", "0\n");
  f.t.dir().write("proc/irq/203/node", "0\n");
  std::string text = f.interrupts();
  text += " 203:        100          0          0          0  PCI-MSI  203-edge      eth1-TxRx-2\n";
  f.set_interrupts(text);
  d.rediscover();
  auto r = d.cycle();
  EXPECT_EQ(r.failed, 0);
  EXPECT_FALSE(f.affinity(203).empty());
}

// The daemon's log, captured while it lives.
class LogCapture {
 public:
  LogCapture() : previous_(spdlog::default_logger()) {
    spdlog::set_default_logger(
        std::make_shared<spdlog::logger>("test", std::make_shared<spdlog::sinks::ostream_sink_st>(text_)));
  }
  ~LogCapture() { spdlog::set_default_logger(previous_); }
  std::string text() const { return text_.str(); }
  int count(const std::string& what) const {
    const std::string s = text();
    int n = 0;
    for (std::size_t p = s.find(what); p != std::string::npos; p = s.find(what, p + 1)) ++n;
    return n;
  }

 private:
  std::ostringstream text_;
  std::shared_ptr<spdlog::logger> previous_;
};

// IRQ 102's smp_affinity_list holds "zz", IRQ 201's is a directory. Each cycle's report counts them
// and names them in its error text (what `irqctl status` shows for the last cycle); the log warns
// once per IRQ, not every cycle, even when every cycle discovers from scratch.
TEST(DaemonFaults, UnreadableAffinityIsWarnedOnceAndReportedEveryCycle) {
  FaultTree f;
  f.t.dir().write("proc/irq/102/smp_affinity_list", "zz\n");
  fs::remove(f.t.root() / "proc/irq/201/smp_affinity_list");
  fs::create_directories(f.t.root() / "proc/irq/201/smp_affinity_list");
  LogCapture log;
  Daemon d = f.daemon();
  for (int i = 0; i < 3; ++i) {
    d.cycle();
    const CycleReport& r = d.last_report();
    EXPECT_TRUE(r.ok);
    EXPECT_EQ(r.skipped_irqs, 2) << "cycle " << i;
    EXPECT_NE(r.error.find("IRQ 102"), std::string::npos) << r.error;
    EXPECT_NE(r.error.find((f.t.root() / "proc/irq/201/smp_affinity_list").string()), std::string::npos) << r.error;
    d.rediscover();
  }
  EXPECT_EQ(log.count("IRQ 102 (eth0-TxRx-1): "), 1) << log.text();
  EXPECT_EQ(log.count("IRQ 201 (eth1-TxRx-0): "), 1) << log.text();
  EXPECT_EQ(f.affinity(102), "zz") << "an unreadable IRQ is never written";
}

}  // namespace
}  // namespace irqd
