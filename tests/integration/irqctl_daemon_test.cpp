// irqctl against the real daemon: `irqd --foreground --root <synthetic tree> --no-netlink` serving
// io.github.irqd.Irqd1 on a private bus. Checks what a user sees (tables, JSON, top, metrics) and
// that a pin made with irqctl reaches the tree's smp_affinity_list on the next cycle.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <tuple>
#include <vector>

#include "tests/integration/irqctl_cli.hpp"
#include "tests/integration/irqctl_daemon_fixture.hpp"
#include "tests/integration/private_bus.hpp"
#include "tests/integration/run_process.hpp"
#include "tests/support/poll.hpp"
#include "tests/support/prom_text.hpp"
#include "tests/support/synthetic_tree.hpp"

namespace irqd::testing {
namespace {

TEST_F(IrqctlDaemonTest, StatusIrqsDevicesAndPlanFromTheRealDaemon) {
  auto s = run_irqctl({"status"});
  ASSERT_EQ(s.exit_code, 0) << describe(s);
  EXPECT_NE(s.out.find("policy:        balanced"), std::string::npos) << s.out;
  EXPECT_NE(s.out.find("last cycle:    ok"), std::string::npos) << s.out << slurp(log_);

  auto i = run_irqctl({"irqs"});
  ASSERT_EQ(i.exit_code, 0) << describe(i);
  for (const char* name : {"eth0-TxRx-0", "eth0-TxRx-1", "eth1-TxRx-0", "eth1-TxRx-1"}) {
    EXPECT_NE(i.out.find(name), std::string::npos) << i.out;
  }
  auto ij = nlohmann::json::parse(run_irqctl({"irqs", "--json"}).out);
  bool found = false;
  for (const auto& row : ij["irqs"]) {
    if (row["irq"] == 101) {
      found = true;
      EXPECT_EQ(row["device"], "eth0");
      EXPECT_FALSE(row["queue"].is_null());
      EXPECT_EQ(row["pinned"], false);
    }
  }
  EXPECT_TRUE(found) << ij.dump(2);

  auto d = run_irqctl({"devices"});
  ASSERT_EQ(d.exit_code, 0) << describe(d);
  EXPECT_NE(d.out.find("Network devices (2)"), std::string::npos) << d.out;
  EXPECT_NE(d.out.find("0000:04:00.0"), std::string::npos) << d.out;
  auto dj = nlohmann::json::parse(run_irqctl({"devices", "--json"}).out);
  ASSERT_EQ(dj["devices"].size(), 2u) << dj.dump(2);
  EXPECT_EQ(dj["devices"][0]["queues"].size(), 4u) << dj.dump(2);

  auto p = run_irqctl({"plan", "--json"});
  ASSERT_EQ(p.exit_code, 0) << describe(p);
  EXPECT_TRUE(nlohmann::json::parse(p.out)["changes"].is_array()) << p.out;
}

TEST_F(IrqctlDaemonTest, PinReachesTheKernelFileAndUnpinGivesItBack) {
  auto r = run_irqctl({"pin", "101", "3"});
  ASSERT_EQ(r.exit_code, 0) << describe(r) << slurp(log_);
  EXPECT_TRUE(eventually([&] { return affinity(101) == "3"; })) << affinity(101) << "\n"
                                                                << slurp(log_);
  auto o = nlohmann::json::parse(run_irqctl({"overrides", "--json"}).out);
  ASSERT_EQ(o["irq_pins"].size(), 1u) << o.dump(2);
  EXPECT_EQ(o["irq_pins"][0]["irq"], 101);
  // Unpinned, the IRQ is the policy's again: listed as not pinned (balanced keeps it on CPU 3
  // while no move would gain anything).
  EXPECT_EQ(run_irqctl({"unpin", "101"}).exit_code, 0);
  EXPECT_TRUE(eventually([&] {
    const auto irqs = nlohmann::json::parse(run_irqctl({"irqs", "--json"}).out);
    for (const auto& i : irqs["irqs"])
      if (i["irq"] == 101) return i["pinned"] == false;
    return false;
  })) << slurp(log_);
  EXPECT_TRUE(nlohmann::json::parse(run_irqctl({"overrides", "--json"}).out)["irq_pins"].empty());
}

// Every change the daemon makes is in its log (old -> new, reason) and its history; explain shows
// a pinned IRQ's pin and its source, the run-time bans and its last moves with their reasons.
TEST_F(IrqctlDaemonTest, HistoryAndExplainAfterPinsAndBans) {
  // The first cycles' placements are logged at the default level, each with its reason.
  EXPECT_TRUE(eventually([&] { return slurp(log_).find("IRQ 102 (eth0-TxRx-1, eth0): 0 -> ") != std::string::npos; }))
      << slurp(log_);
  std::string log = slurp(log_);
  EXPECT_NE(log.find("starting: policy balanced, usable CPUs 0-3"), std::string::npos) << log;
  EXPECT_NE(log.find(" changes: "), std::string::npos) << log;
  EXPECT_EQ(log.find("smp_affinity"), std::string::npos) << log;  // subjects, not files
  ASSERT_EQ(run_irqctl({"pin", "101", "3"}).exit_code, 0) << slurp(log_);
  ASSERT_EQ(run_irqctl({"ban", "2"}).exit_code, 0) << slurp(log_);
  ASSERT_TRUE(eventually([&] { return affinity(101) == "3"; })) << slurp(log_);
  // Nothing left on the banned CPU.
  ASSERT_TRUE(eventually([&] {
    for (int irq : {102, 201, 202})
      if (affinity(irq) == "2") return false;
    return true;
  })) << slurp(log_);

  auto h = run_irqctl({"history", "--irq", "101", "--json"});
  ASSERT_EQ(h.exit_code, 0) << describe(h);
  auto changes = nlohmann::json::parse(h.out)["changes"];
  ASSERT_FALSE(changes.empty()) << h.out;
  const auto& last = changes.back();
  EXPECT_EQ(last["new"], "3") << h.out;
  EXPECT_EQ(last["ok"], true) << h.out;
  EXPECT_FALSE(last["reason"].is_null()) << h.out;
  EXPECT_NE(last["reason"].get<std::string>().find("pin"), std::string::npos) << h.out;
  for (const auto& c : changes) EXPECT_EQ(c["irq"], 101) << h.out;

  // An IRQ the ban moved off CPU 2 says so (the plan's reason alone would not).
  auto everything = nlohmann::json::parse(run_irqctl({"history", "--json"}).out)["changes"];
  std::map<int, nlohmann::json> latest;
  for (const auto& c : everything)
    if (!c["irq"].is_null()) latest[c["irq"].get<int>()] = c;
  for (const auto& [irq, c] : latest) {
    if (c["old"] != "2") continue;
    EXPECT_NE(c["reason"].get<std::string>().find("(leaves CPU 2 banned)"), std::string::npos) << c.dump();
  }

  auto all = run_irqctl({"history"});
  ASSERT_EQ(all.exit_code, 0) << describe(all);
  EXPECT_NE(all.out.find("IRQ 101"), std::string::npos) << all.out;
  std::istringstream lines(all.out);
  for (std::string line; std::getline(lines, line);) EXPECT_LE(line.size(), 80u) << line;

  auto e = run_irqctl({"explain", "101"});
  ASSERT_EQ(e.exit_code, 0) << describe(e);
  EXPECT_NE(e.out.find("pin:       3 (run-time)"), std::string::npos) << e.out;
  EXPECT_NE(e.out.find("(run time)"), std::string::npos) << e.out;
  EXPECT_NE(e.out.find("banned:    - (config), 2 (run time)"), std::string::npos) << e.out;
  EXPECT_NE(e.out.find("last changes ("), std::string::npos) << e.out;
  std::istringstream elines(e.out);
  for (std::string line; std::getline(elines, line);) EXPECT_LE(line.size(), 80u) << line;
  auto ej = nlohmann::json::parse(run_irqctl({"explain", "101", "--json"}).out);
  EXPECT_EQ(ej["pin_source"], "runtime");
  EXPECT_EQ(ej["current"], "3");
  EXPECT_EQ(ej["banned_cpus"]["runtime"], "2");
  EXPECT_EQ(ej["device"], "eth0");
  EXPECT_FALSE(ej["history"].empty());
  EXPECT_EQ(run_irqctl({"explain", "999"}).exit_code, 4);
}

// IRQ 202's smp_affinity_list turns malformed under the running daemon: `irqctl status` says the
// IRQ is skipped and why instead of "last cycle: ok", and the log warns once, not every cycle.
TEST_F(IrqctlDaemonTest, UnreadableIrqIsShownByStatusAndLoggedOnce) {
  tree_.dir().write("proc/irq/202/smp_affinity_list", "zz\n");
  const std::string want = "last cycle:    error: 1 network IRQ skipped (their /proc/irq/N files cannot be read): IRQ 202: ";
  std::string out;
  EXPECT_TRUE(eventually([&] { return (out = run_irqctl({"status"}).out).find(want) != std::string::npos; }))
      << out << slurp(log_);
  EXPECT_NE(out.find(tree_.root().string() + "/proc/irq/202/smp_affinity_list:1: "), std::string::npos) << out;
  const auto cycles = [&] { return nlohmann::json::parse(run_irqctl({"status", "--json"}).out)["cycles"].get<int>(); };
  const int seen = cycles();
  EXPECT_TRUE(eventually([&] { return cycles() >= seen + 3; })) << slurp(log_);
  const std::string log = slurp(log_);
  int warnings = 0;
  for (std::size_t p = log.find("IRQ 202 (eth1-TxRx-1): "); p != std::string::npos; p = log.find("IRQ 202 (eth1-TxRx-1): ", p + 1))
    ++warnings;
  EXPECT_EQ(warnings, 1) << log;
}

// irqctl napi against the real daemon: settings set, shown by `irqctl napi` and `irqctl
// overrides`, kept across a restart (STATE_DIR/overrides.json), dropped one by one and all at
// once; bad input refused with the daemon's message and nothing changed. (--no-netlink: no NAPIs
// to write here; tests/integration/napi_apply_test.cpp writes them on veth.)
TEST_F(IrqctlDaemonTest, NapiSettingsAreSetShownKeptAcrossARestartAndDropped) {
  auto overrides = [] { return nlohmann::json::parse(run_irqctl({"overrides", "--json"}).out); };
  auto settings = [] {
    return nlohmann::json::parse(run_irqctl({"napi", "eth0", "--json"}).out)["settings"];
  };
  auto set = run_irqctl({"napi", "eth0", "defer_hard_irqs=2", "gro_flush_timeout=20000",
                         "threaded=on", "thread_cpus=same-core"});
  ASSERT_EQ(set.exit_code, 0) << describe(set) << slurp(log_);
  EXPECT_EQ(set.out,
            "eth0: NAPI defer_hard_irqs=2 gro_flush_timeout=20000 thread_cpus=same-core "
            "threaded=on from the next cycle\n");
  auto show = run_irqctl({"napi", "eth0"});
  ASSERT_EQ(show.exit_code, 0) << describe(show);
  EXPECT_NE(show.out.find("defer_hard_irqs      2          run-time\n"), std::string::npos)
      << show.out;
  EXPECT_NE(show.out.find("irq_suspend_timeout  -          - (the kernel's value stays)\n"),
            std::string::npos)
      << show.out;
  EXPECT_NE(show.out.find("NAPIs: the kernel lists none for eth0"), std::string::npos) << show.out;
  auto text = run_irqctl({"overrides"}).out;
  EXPECT_NE(text.find("NAPI settings\nDEVICE  SETTING            VALUE\n"
                      "eth0    defer_hard_irqs    2\n"),
            std::string::npos)
      << text;
  const auto before = overrides();
  ASSERT_EQ(before["device_napi"].size(), 1u) << before.dump(2);
  EXPECT_EQ(before["device_napi"][0]["settings"]["gro_flush_timeout"], 20000);
  EXPECT_NE(slurp(state_.path() / "overrides.json").find("\"device_napi\""), std::string::npos);

  for (const auto& [args, code, message] :
       std::vector<std::tuple<std::vector<std::string>, int, std::string>>{
           {{"napi", "eth0", "defer_hard_irqs=-1"},
            4,
            "irqctl: defer_hard_irqs '-1': expected an integer from 0 to 2147483647\n"},
           {{"napi", "eth0", "busy_poll=1"},
            4,
            "irqctl: unknown NAPI setting 'busy_poll' (expected threaded, thread_cpus, "
            "defer_hard_irqs, gro_flush_timeout or irq_suspend_timeout)\n"},
           {{"napi", "eth0", "threaded"},
            4,
            "irqctl: 'threaded': expected NAME=VALUE, e.g. defer_hard_irqs=2 or "
            "threaded=default\n"},
           {{"napi", "eth0", "threaded=on", "threaded=off"},
            4,
            "irqctl: threaded is given twice\n"},
           {{"napi", "eth9", "threaded=on"}, 4, "device 'eth9': no such network device"},
           {{"napi", "eth9"}, 4, "irqctl: device 'eth9': no such network device\n"},
           {{"napi", "eth/0"}, 4, "irqctl: device 'eth/0': not a network interface name"},
           {{"napi", "eth0", "--reset", "threaded=on"}, 1, "SETTINGS excludes --reset"},
       }) {
    auto r = run_irqctl(args);
    EXPECT_EQ(r.exit_code, code) << describe(r);
    EXPECT_NE(r.err.find(message), std::string::npos) << describe(r);
    EXPECT_TRUE(r.out.empty()) << describe(r);
  }
  auto nobody = run_irqctl_as_nobody({"napi", "eth0", "threaded=off"});
  EXPECT_EQ(nobody.exit_code, 3) << describe(nobody);
  EXPECT_EQ(run_irqctl_as_nobody({"napi", "eth0"}).exit_code, 0);
  EXPECT_EQ(overrides(), before);

  daemon_->signal(SIGTERM);  // the next daemon reads overrides.json
  ASSERT_EQ(daemon_->wait(5000), 0) << slurp(log_);
  start_daemon();
  EXPECT_EQ(overrides(), before);
  EXPECT_EQ(settings()["defer_hard_irqs"]["from"], "runtime");
  EXPECT_EQ(settings()["defer_hard_irqs"]["value"], 2);

  auto drop = run_irqctl({"napi", "eth0", "gro_flush_timeout=default", "threaded="});
  ASSERT_EQ(drop.exit_code, 0) << describe(drop);
  EXPECT_EQ(drop.out, "eth0: NAPI gro_flush_timeout, threaded back to the configuration\n");
  EXPECT_TRUE(settings()["gro_flush_timeout"]["value"].is_null());
  EXPECT_EQ(settings()["threaded"]["value"], "keep");
  EXPECT_EQ(settings()["threaded"]["from"], "default");
  auto reset = run_irqctl({"napi", "eth0", "--reset", "--json"});
  ASSERT_EQ(reset.exit_code, 0) << describe(reset);
  EXPECT_EQ(reset.out, "{\n  \"schema\": 2,\n  \"ok\": true\n}\n");
  EXPECT_TRUE(overrides()["device_napi"].empty());
  EXPECT_EQ(slurp(state_.path() / "overrides.json").find("device_napi"), std::string::npos);
  EXPECT_EQ(settings()["defer_hard_irqs"]["from"], nullptr);
}

TEST_F(IrqctlDaemonTest, DaemonErrorsBecomeExitCodes) {
  auto missing = run_irqctl({"pin", "999", "0"});
  EXPECT_EQ(missing.exit_code, 4) << describe(missing);
  EXPECT_NE(missing.err.find("999"), std::string::npos) << missing.err;
  auto bad_cpu = run_irqctl({"pin", "101", "0-999"});
  EXPECT_EQ(bad_cpu.exit_code, 4) << describe(bad_cpu);
  EXPECT_NE(bad_cpu.err.find("999"), std::string::npos) << bad_cpu.err;
  auto policy = run_irqctl({"policy", "eth0", "fastest"});
  EXPECT_EQ(policy.exit_code, 4) << describe(policy);
  EXPECT_NE(policy.err.find("spread"), std::string::npos)
      << "the message lists known policies: " << policy.err;
  auto as_nobody = run_irqctl_as_nobody({"ban", "1"});
  EXPECT_EQ(as_nobody.exit_code, 3) << describe(as_nobody);
}

// The daemon's own metrics: well-formed exposition text, counters of what it did (its first cycle
// moved the queue IRQs: moves and affinity changes counted), counters that never go down across
// cycles, a cycle histogram that counts every cycle; and the same text in [metrics] textfile.
TEST_F(IrqctlDaemonTest, MetricsAreCountersThatOnlyGrowAndReachTheTextfile) {
  // A sample's value; a missing one fails the test and shows the whole text.
  auto at = [](const PromText& m, const std::string& key) {
    if (auto it = m.samples.find(key); it != m.samples.end()) return it->second;
    std::string all;
    for (const auto& [k, v] : m.samples) all += k + "\n";
    ADD_FAILURE() << "no sample " << key << " among:\n" << all;
    return -1.0;
  };
  auto cycles_now = [&at] {
    auto r = run_irqctl({"metrics"});
    return r.exit_code == 0 ? at(parse_prom_text(r.out), "irqd_cycles_total") : 0.0;
  };
  ASSERT_TRUE(eventually([&] { return cycles_now() >= 3; }, 10000));  // a measured interval
  auto first = run_irqctl({"metrics"});
  ASSERT_EQ(first.exit_code, 0) << describe(first);
  SCOPED_TRACE(first.out);
  const PromText a = parse_prom_text(first.out);
  EXPECT_EQ(a.types.at("irqd_changes_total"), "counter");
  EXPECT_EQ(a.types.at("irqd_cycle_seconds"), "histogram");
  EXPECT_EQ(a.types.at("irqd_last_cycle_timestamp_seconds"), "gauge");
  EXPECT_GE(at(a, "irqd_changes_total{kind=\"affinity\",result=\"ok\"}"), 1.0) << first.out;
  EXPECT_GE(at(a, "irqd_moves_total{reason=\"layout\"}"), 1.0) << first.out;
  EXPECT_TRUE(a.samples.contains("irqd_irq_interrupts_total{irq=\"101\",device=\"eth0\",queue=\"rxtx-0\"}")) << first.out;
  EXPECT_EQ(at(a, "irqd_irqs{state=\"placed\"}"), 4.0);
  // Cycles run.
  const double cycles = at(a, "irqd_cycles_total");
  ASSERT_TRUE(eventually([&] { return cycles_now() >= cycles + 3; }, 10000));
  const PromText b = parse_prom_text(run_irqctl({"metrics"}).out);
  for (const auto& [key, value] : a.samples) {
    const std::string family = key.substr(0, key.find('{'));
    if (!a.types.contains(family) || a.types.at(family) != "counter") continue;
    ASSERT_TRUE(b.samples.contains(key)) << key;
    EXPECT_GE(at(b, key), value) << key << " went down";
  }
  EXPECT_EQ(at(b, "irqd_cycle_seconds_count"), at(b, "irqd_cycles_total"));
  EXPECT_GT(at(b, "irqd_last_cycle_timestamp_seconds"), 1.7e9);

  // [metrics] textfile: written after every cycle, atomically, readable by the same parser.
  daemon_.reset();
  TempDir collector;
  const auto prom = collector.path() / "irqd.prom";
  collector.write("irqd.toml", fmt::format("[metrics]\ntextfile = \"{}\"\n", prom.string()));
  start_daemon({"--config", (collector.path() / "irqd.toml").string()});
  ASSERT_TRUE(eventually([&] { return std::filesystem::exists(prom); }, 10000)) << slurp(log_);
  const PromText f = parse_prom_text(slurp(prom));
  EXPECT_GE(at(f, "irqd_cycles_total"), 1.0);
  for (const auto& e : std::filesystem::directory_iterator(collector.path()))
    EXPECT_TRUE(e.path().filename() == "irqd.prom" || e.path().filename() == "irqd.toml") << e.path();
}

TEST_F(IrqctlDaemonTest, TopOnceAndMetrics) {
  // No --root: the daemon's GetTopology names every CPU's node and core.
  auto t = run_irqctl({"top", "--once", "--sort", "cpu"});
  ASSERT_EQ(t.exit_code, 0) << describe(t);
  EXPECT_EQ(t.out.find("node ?"), std::string::npos) << t.out;
  EXPECT_EQ(t.out.find("node  -"), std::string::npos) << t.out;
  EXPECT_NE(t.out.find("\nCPU 0-3 idle (4 CPUs, node 0)\n"), std::string::npos) << t.out;
  auto j = run_irqctl({"--json", "top"});
  ASSERT_EQ(j.exit_code, 0) << describe(j);
  EXPECT_NE(j.out.find("\"cpu\": 3,\n      \"numa_node\": 0,\n      \"core\": 1,"), std::string::npos)
      << "the laptop's CPU 3 is core 1's second thread:\n" << j.out;
  EXPECT_NE(t.out.find("eth1-TxRx-1"), std::string::npos) << t.out;
  ASSERT_TRUE(eventually([&] { return run_irqctl({"metrics"}).out.find("irqd_cycles_total 1\n") == std::string::npos; }, 10000));
  auto m = run_irqctl({"metrics", "--root", tree_.root().string()});
  ASSERT_EQ(m.exit_code, 0) << describe(m);
  EXPECT_NE(m.out.find("# TYPE irqd_cycles_total counter\nirqd_cycles_total "), std::string::npos)
      << m.out;
  EXPECT_NE(m.out.find("irqd_irq_cpu_seconds_total{irq=\"101\",device=\"eth0\",queue=\"rxtx-0\"}"), std::string::npos)
      << m.out;
}

}  // namespace
}  // namespace irqd::testing
