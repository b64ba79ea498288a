// Putting the machine back, as an operator sees it, on fixture roots: --restore after a NIC and
// some IRQs vanished (reported as vanished, dropped from original.json), --restore-on-exit when
// more signals arrive during the shutdown (the exit code still tells whether it worked), and a
// captured NIC's device-wide NAPI files written by --oneshot and put back by --restore.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <thread>

#include <fmt/format.h>

#include "tests/integration/run_process.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/support/synthetic_tree.hpp"
#include "tests/support/poll.hpp"

namespace irqd::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string xml() { return fixture("hwloc/derived/1s-intel-i7-7600u-2c4t-laptop.from-cpuid-dump.xml").string(); }

std::string first_line(const fs::path& p) {
  std::ifstream in(p);
  std::string s;
  std::getline(in, s);
  return s;
}

json read_json(const fs::path& p) {
  std::ifstream in(p);
  return json::parse(in);
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// 4 CPUs; eth0 (PCI 03:00.0) and eth1 (PCI 04:00.0) with `queues` combined queues each, every
// queue IRQ on all CPUs: irqd spreads them, so each IRQ's affinity becomes an original.
struct TwoNics {
  SyntheticTree tree{4};
  int queues;
  explicit TwoNics(int q) : queues(q) {
    for (int n = 0; n < 2; ++n) {
      std::vector<int> irqs;
      for (int i = 0; i < q; ++i) irqs.push_back(irq(n, i));
      tree.add_nic({.name = fmt::format("eth{}", n), .pci = fmt::format("0000:0{}:00.0", n + 3), .rx = q, .tx = q,
                    .msi_irqs = irqs});
      for (int i = 0; i < q; ++i) tree.add_irq({irq(n, i), fmt::format("eth{}-TxRx-{}", n, i), "0-3"});
    }
    tree.finish();
    tree.add_sampling_files();
  }
  static int irq(int nic, int queue) { return 100 * (nic + 1) + 1 + queue; }
  fs::path root() const { return tree.root(); }
  std::string affinity(int irq_no) const {
    return first_line(root() / fmt::format("proc/irq/{}/smp_affinity_list", irq_no));
  }
};

// --- --restore after a NIC and some IRQs went away ---------------------------------------------

TEST(Restore, VanishedKnobsAreReportedAsVanishedAndDroppedFromTheFile) {
  TwoNics m(4);
  TempDir run;
  auto once = run_irqd({"--oneshot", "--root", m.root().string(), "--topology-xml", xml(), "--no-netlink",
                        "--run-dir", run.path().string()});
  ASSERT_EQ(once.exit_code, 0) << once.out << once.err;
  const fs::path file = run.path() / "original.json";
  json before = read_json(file);
  ASSERT_GT(before["knobs"].size(), 4u) << before.dump(2);

  // eth1 is unplugged: its PCI function, its netdev link and its IRQs go; so does one of eth0's IRQs.
  fs::remove_all(m.root() / "sys/devices/pci0000:00/0000:04:00.0");
  fs::remove(m.root() / "sys/class/net/eth1");
  fs::remove(m.root() / "sys/bus/pci/devices/0000:04:00.0");
  std::set<std::string> gone_irqs;
  for (int i = 0; i < m.queues; ++i) gone_irqs.insert(fmt::format("proc/irq/{}/", TwoNics::irq(1, i)));
  gone_irqs.insert(fmt::format("proc/irq/{}/", TwoNics::irq(0, 3)));
  for (const auto& d : gone_irqs) fs::remove_all(m.root() / d);

  int vanished = 0, present = 0;
  for (const auto& [path, value] : before["knobs"].items()) {
    bool gone = path.find("/0000:04:00.0/") != std::string::npos || path.find("/eth1/") != std::string::npos;
    for (const auto& d : gone_irqs) gone = gone || path.rfind(d, 0) == 0;
    (gone ? vanished : present)++;
  }
  ASSERT_GT(vanished, 0);
  ASSERT_GT(present, 0);

  auto r = run_irqd({"--restore", "--root", m.root().string(), "--run-dir", run.path().string()});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find(fmt::format("restored {}, vanished {}, failed 0", present, vanished)), std::string::npos)
      << r.out << r.err;
  // One line names what went: the NIC and the IRQs, not every knob.
  std::string line = r.out.substr(r.out.find("vanished:") == std::string::npos ? 0 : r.out.find("vanished:"));
  line = line.substr(0, line.find('\n'));
  EXPECT_EQ(line.rfind("vanished:", 0), 0u) << r.out;
  EXPECT_NE(line.find("eth1"), std::string::npos) << line;
  EXPECT_NE(line.find("IRQ"), std::string::npos) << line;
  EXPECT_NE(line.find(std::to_string(TwoNics::irq(0, 3))), std::string::npos) << line;
  EXPECT_EQ(count(r.out, "\n"), 2u) << r.out;  // the counts and the one line naming what vanished
  EXPECT_EQ(r.err, "");
  // What is still there is back as it was, and nothing is left to restore: the file is gone.
  EXPECT_EQ(m.affinity(TwoNics::irq(0, 0)), "0-3");
  EXPECT_FALSE(fs::exists(file)) << read_text(file);
  auto again = run_irqd({"--restore", "--root", m.root().string(), "--run-dir", run.path().string()});
  EXPECT_EQ(again.exit_code, 0);
  EXPECT_NE(again.out.find("nothing to restore"), std::string::npos) << again.out;
}

TEST(Restore, VanishedKnobsLeaveTheFileWhileAFailedOneStaysInIt) {
  TwoNics m(2);
  TempDir run;
  auto once = run_irqd({"--oneshot", "--root", m.root().string(), "--topology-xml", xml(), "--no-netlink",
                        "--run-dir", run.path().string()});
  ASSERT_EQ(once.exit_code, 0) << once.out << once.err;
  const fs::path file = run.path() / "original.json";
  const std::string failing = fmt::format("proc/irq/{}/smp_affinity_list", TwoNics::irq(0, 0));
  ASSERT_TRUE(read_json(file)["knobs"].contains(failing));
  // eth1's IRQs vanish; one of eth0's refuses every write (read-only sysfs file: EACCES).
  for (int i = 0; i < m.queues; ++i) fs::remove_all(m.root() / fmt::format("proc/irq/{}", TwoNics::irq(1, i)));
  fs::remove(m.root() / failing);
  fs::create_symlink("/sys/devices/system/cpu/possible", m.root() / failing);

  auto r = run_irqd({"--restore", "--root", m.root().string(), "--run-dir", run.path().string()});
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_NE(r.out.find(fmt::format("vanished {}, failed 1", m.queues)), std::string::npos) << r.out;
  EXPECT_NE(r.err.find(failing), std::string::npos) << r.err;
  // Only the knob that can still be restored is kept for the next attempt.
  json left = read_json(file);
  ASSERT_EQ(left["knobs"].size(), 1u) << left.dump(2);
  EXPECT_TRUE(left["knobs"].contains(failing));
}

TEST(Restore, OnExitTheDaemonReportsVanishedKnobsTheSameWay) {
  TwoNics m(2);
  TempDir run;
  const std::string log = (run.path() / "irqd.log").string();
  Child d({std::getenv("IRQD_BINARY"), "--foreground", "--restore-on-exit", "--no-dbus", "--no-netlink", "--root",
           m.root().string(), "--topology-xml", xml(), "--run-dir", run.path().string(), "--state-dir",
           run.path().string(), "--interval", "3600", "--log-level", "debug"},
          log);
  auto cycled = [&] { return read_text(log).find("cycle 1:") != std::string::npos; };
  ASSERT_TRUE(eventually([&] { return cycled() || !d.running(); }) && cycled()) << read_text(log);
  for (int i = 0; i < m.queues; ++i) fs::remove_all(m.root() / fmt::format("proc/irq/{}", TwoNics::irq(1, i)));
  d.signal(SIGTERM);
  EXPECT_EQ(d.wait(5000), 0) << read_text(log);
  std::string text = read_text(log);
  EXPECT_NE(text.find(fmt::format("vanished {}, failed 0", m.queues)), std::string::npos) << text;
  EXPECT_NE(text.find(fmt::format("vanished: IRQs {}, {}", TwoNics::irq(1, 0), TwoNics::irq(1, 1))), std::string::npos)
      << text;
  EXPECT_EQ(m.affinity(TwoNics::irq(0, 0)), "0-3");
  EXPECT_FALSE(fs::exists(run.path() / "original.json"));
}

// --- --restore-on-exit with more signals arriving during the shutdown ---------------------------

struct StopCase {
  int first;       // the signal that stops the daemon
  bool fail_one;   // one original cannot be written back: exit 3
};

class RestoreOnExit : public ::testing::TestWithParam<StopCase> {};

TEST_P(RestoreOnExit, MoreSignalsDuringTheRestoreDoNotKillIt) {
  const StopCase c = GetParam();
  TwoNics m(32);  // 64 IRQs, 192 queue knobs: the restore takes a while
  TempDir run;
  const std::string log = (run.path() / "irqd.log").string();
  Child d({std::getenv("IRQD_BINARY"), "--foreground", "--restore-on-exit", "--no-dbus", "--no-netlink", "--root",
           m.root().string(), "--topology-xml", xml(), "--run-dir", run.path().string(), "--state-dir",
           run.path().string(), "--interval", "3600", "--log-level", "debug"},
          log);
  auto cycled = [&] { return read_text(log).find("cycle 1:") != std::string::npos; };
  ASSERT_TRUE(eventually([&] { return cycled() || !d.running(); }) && cycled()) << read_text(log);
  ASSERT_NE(m.affinity(TwoNics::irq(0, 0)), "0-3") << "the first cycle placed nothing";
  const std::string failing = fmt::format("proc/irq/{}/smp_affinity_list", TwoNics::irq(1, 5));
  if (c.fail_one) {
    fs::remove(m.root() / failing);
    fs::create_symlink("/sys/devices/system/cpu/possible", m.root() / failing);
  }

  d.signal(c.first);
  // Then HUP, TERM and INT as fast as they can be sent, until it has exited.
  const int storm[] = {SIGHUP, SIGTERM, SIGINT};
  int sent = 0;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (d.running() && std::chrono::steady_clock::now() < deadline) d.signal(storm[sent++ % 3]);
  int code = d.wait(5000);
  EXPECT_EQ(code, c.fail_one ? 3 : 0) << "after " << sent << " more signals\n" << read_text(log);
  std::string text = read_text(log);
  EXPECT_NE(text.find("restored"), std::string::npos) << text;
  // The stop came first: the reloads asked for after it are not run (nor do they delay it).
  EXPECT_EQ(text.find("SIGHUP: reloading"), std::string::npos) << text;
  // Every original is back (but the one that refuses writes), whatever arrived meanwhile.
  for (int n = 0; n < 2; ++n) {
    for (int i = 0; i < m.queues; ++i) {
      if (c.fail_one && n == 1 && i == 5) continue;
      EXPECT_EQ(m.affinity(TwoNics::irq(n, i)), "0-3") << n << " " << i;
    }
  }
  if (c.fail_one) {
    json left = read_json(run.path() / "original.json");
    EXPECT_EQ(left["knobs"].size(), 1u) << left.dump(2);
    EXPECT_NE(text.find(failing), std::string::npos) << text;
  } else {
    EXPECT_FALSE(fs::exists(run.path() / "original.json"));
  }
}

INSTANTIATE_TEST_SUITE_P(Signals, RestoreOnExit,
                         ::testing::Values(StopCase{SIGTERM, false}, StopCase{SIGINT, false},
                                           StopCase{SIGTERM, true}),
                         [](const ::testing::TestParamInfo<StopCase>& p) {
                           return std::string(p.param.first == SIGTERM ? "Term" : "Int") +
                                  (p.param.fail_one ? "OneFails" : "AllRestored");
                         });

// --- Device-wide NAPI files on a captured tree --------------------------------------------------

// node_exporter's igb capture has its netdev's device-wide NAPI files (threaded,
// napi_defer_hard_irqs, gro_flush_timeout; all 0). With [[device]] napi settings and no netdev
// family (--no-netlink: nothing is known per NAPI, as on 6.1) the dry run plans them, --oneshot
// writes them and records their originals, a second run writes nothing, --restore puts them back.
TEST(Restore, DeviceWideNapiFilesOfAFixtureRootAreWrittenRecordedAndRestored) {
  ExtractedTree tree("node-exporter-igb-i350-ens10f0-256cpu-8q");
  TempDir run, cfg;
  cfg.write("irqd.toml",
            "[[device]]\nname = \"ens10f0\"\nrps = \"off\"\nrfs = \"off\"\nxps = \"off\"\n"
            "napi_threaded = \"on\"\nnapi_defer_hard_irqs = 7\ngro_flush_timeout = 20000\nirq_suspend_timeout = 1000\n");
  const std::string nic = "sys/devices/pci0000:40/0000:40:01.3/0000:45:00.0/net/ens10f0";
  const auto file = [&](const std::string& leaf) { return first_line(tree.root() / nic / leaf); };
  const std::vector<std::string> args = {"--root", tree.root().string(), "--topology-xml", xml(), "--no-netlink",
                                         "--run-dir", run.path().string(), "--config",
                                         (cfg.path() / "irqd.toml").string()};
  const auto irqd = [&](std::vector<std::string> first) {
    first.insert(first.end(), args.begin(), args.end());
    return run_irqd(first);
  };

  auto dry = irqd({"--dry-run", "--oneshot"});
  EXPECT_EQ(dry.exit_code, 2) << dry.out << dry.err;
  EXPECT_NE(dry.out.find("Device-wide NAPI settings (3)"), std::string::npos) << dry.out;
  EXPECT_NE(dry.out.find("device-wide /sys/class/net/ens10f0/threaded: NAPIs unknown"), std::string::npos) << dry.out;
  EXPECT_NE(dry.out.find("left as they are: irq_suspend_timeout (no device-wide file exists)"), std::string::npos)
      << dry.out;
  EXPECT_EQ(file("threaded"), "0") << "a dry run writes nothing";
  EXPECT_FALSE(fs::exists(run.path() / "original.json"));

  auto once = irqd({"--oneshot"});
  ASSERT_EQ(once.exit_code, 0) << once.out << once.err;
  EXPECT_NE(once.out.find("applied 3, "), std::string::npos) << once.out;
  EXPECT_EQ(file("threaded"), "1");
  EXPECT_EQ(file("napi_defer_hard_irqs"), "7");
  EXPECT_EQ(file("gro_flush_timeout"), "20000");
  const json knobs = read_json(run.path() / "original.json")["knobs"];
  EXPECT_EQ(knobs, json({{nic + "/gro_flush_timeout", "0"}, {nic + "/napi_defer_hard_irqs", "0"}, {nic + "/threaded", "0"}}));

  auto again = irqd({"--oneshot", "--format", "json"});
  ASSERT_EQ(again.exit_code, 0) << again.out << again.err;
  const json report = json::parse(again.out);
  EXPECT_EQ(report["apply"]["applied"], 0) << again.out;
  ASSERT_EQ(report["device_napi"].size(), 3u);
  EXPECT_EQ(report["device_napi"][0]["current"], 1);
  EXPECT_EQ(report["device_napi"][0]["change"], false);

  auto back = run_irqd({"--restore", "--root", tree.root().string(), "--run-dir", run.path().string()});
  EXPECT_EQ(back.exit_code, 0) << back.out << back.err;
  EXPECT_NE(back.out.find("restored 3, vanished 0, failed 0"), std::string::npos) << back.out;
  EXPECT_EQ(file("threaded"), "0");
  EXPECT_EQ(file("napi_defer_hard_irqs"), "0");
  EXPECT_EQ(file("gro_flush_timeout"), "0");
}

}  // namespace
}  // namespace irqd::testing
