// irqctl end to end on a private bus against a stand-in service (tests/support/fake_irqd_service):
// real D-Bus replies rendered as tables and JSON, every error the daemon can send mapped to its
// message and exit code, the bus unreachable, and a non-root caller refused.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

#include "tests/integration/irqctl_cli.hpp"
#include "tests/integration/private_bus.hpp"
#include "tests/integration/run_process.hpp"
#include "tests/support/poll.hpp"

namespace irqd::testing {
namespace {

class IrqctlTest : public ::testing::Test {
 protected:
  void SetUp() override {
    bus_ = std::make_unique<PrivateBus>();
    service_ = std::make_unique<Child>(std::vector<std::string>{required_env("IRQD_FAKE_SERVICE")},
                                       (bus_->dir().path() / "service.log").string());
    // Ready when it answers.
    ASSERT_TRUE(eventually([&] { return run_irqctl({"status"}).exit_code == 0; }, 6000))
        << "the stand-in service never answered";
  }
  void TearDown() override {
    service_.reset();
    bus_.reset();
  }

  std::unique_ptr<PrivateBus> bus_;
  std::unique_ptr<Child> service_;
};

TEST_F(IrqctlTest, StatusTableAndJson) {
  auto r = run_irqctl({"status"});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_NE(r.out.find("irqd 0.1.0\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("policy:        spread"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("2 placed by irqd, 1 kernel-managed"), std::string::npos) << r.out;
  auto j = run_irqctl({"status", "--json"});
  ASSERT_EQ(j.exit_code, 0) << describe(j);
  auto doc = nlohmann::json::parse(j.out);
  EXPECT_EQ(doc["cycles"], 42);
  EXPECT_EQ(doc["policy"], "spread");
  EXPECT_EQ(doc["placed"], 2);
  EXPECT_EQ(doc["kernel_managed"], 1);
  EXPECT_FALSE(doc.contains("managed"));
  EXPECT_TRUE(doc["last_error"].is_null());
}

TEST_F(IrqctlTest, IrqsDevicesPlanAsTablesAndJson) {
  auto r = run_irqctl({"irqs"});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_NE(r.out.find("IRQs (3)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("virtio2-input.0"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("kernel-managed"), std::string::npos) << r.out;
  auto j = nlohmann::json::parse(run_irqctl({"--json", "irqs"}).out);
  ASSERT_EQ(j["irqs"].size(), 3u);
  EXPECT_EQ(j["irqs"][0]["irq"], 38);
  EXPECT_EQ(j["irqs"][0]["device"], "eth0");
  EXPECT_TRUE(j["irqs"][2]["device"].is_null());
  EXPECT_EQ(j["irqs"][0]["reason"], "the busiest queue gets a core of its own");  // from its a{sv}
  EXPECT_TRUE(j["irqs"][1]["reason"].is_null());

  auto d = run_irqctl({"devices"});
  ASSERT_EQ(d.exit_code, 0) << describe(d);
  EXPECT_NE(d.out.find("virtio_net"), std::string::npos) << d.out;
  EXPECT_NE(d.out.find("32768"), std::string::npos) << d.out;
  auto dj = nlohmann::json::parse(run_irqctl({"devices", "--json"}).out);
  EXPECT_EQ(dj["devices"][0]["queues"].size(), 2u);
  EXPECT_EQ(dj["devices"][0]["numa_source"], "device");

  auto p = run_irqctl({"plan"});
  ASSERT_EQ(p.exit_code, 0) << describe(p);
  EXPECT_NE(p.out.find("Planned changes (2)"), std::string::npos) << p.out;
  EXPECT_NE(p.out.find("proc/irq/38/smp_affinity_list"), std::string::npos) << p.out;
  auto pj = nlohmann::json::parse(run_irqctl({"plan", "--json"}).out);
  EXPECT_EQ(pj["changes"][0]["reason"], "the busiest queue gets a core of its own");
  EXPECT_TRUE(pj["changes"][1]["reason"].is_null());
}

TEST_F(IrqctlTest, PinShowsUpInOverridesAndIrqsThenUnpin) {
  auto r = run_irqctl({"pin", "38", "1"});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_NE(r.out.find("IRQ 38 pinned to CPUs 1"), std::string::npos) << r.out;
  auto o = nlohmann::json::parse(run_irqctl({"overrides", "--json"}).out);
  ASSERT_EQ(o["irq_pins"].size(), 1u);
  EXPECT_EQ(o["irq_pins"][0]["cpus"], "1");
  auto j = nlohmann::json::parse(run_irqctl({"irqs", "--json"}).out);
  EXPECT_EQ(j["irqs"][0]["pinned"], true);
  EXPECT_EQ(run_irqctl({"unpin", "38"}).exit_code, 0);
  auto again = run_irqctl({"unpin", "38"});
  EXPECT_EQ(again.exit_code, 4) << describe(again);
  EXPECT_NE(again.err.find("IRQ 38 is not pinned (NotFound)"), std::string::npos) << again.err;
}

TEST_F(IrqctlTest, DaemonErrorsArePrintedWithTheirMessageAndExitCode) {
  struct Case {
    std::vector<std::string> args;
    int code;
    std::string message;
  };
  for (const auto& c : std::vector<Case>{
           {{"pin", "999", "0"}, 4, "no IRQ 999 (NotFound)"},
           {{"pin", "24", "0"}, 5, "IRQ 24 (nvme0q1) is managed by the kernel (Unchangeable)"},
           {{"pin", "38", "0-999"}, 4, "cpulist '0-999': CPU 999 does not exist (InvalidArgument)"},
           {{"ban", "7"}, 4, "CPU 7 does not exist"},
           {{"pin-queue", "nope", "rx-0", "1"}, 4, "no network device 'nope'"},
           {{"policy", "eth0", "fastest"}, 4, "unknown policy 'fastest' (known: balanced, spread)"},
           {{"reload"}, 4, "unknown key 'polcy' (did you mean 'policy'?)"},
           {{"rebalance"}, 6, "a cycle is already running (Failed)"},
       }) {
    auto r = run_irqctl(c.args);
    EXPECT_EQ(r.exit_code, c.code) << c.args[0] << "\n" << describe(r);
    EXPECT_NE(r.err.find(c.message), std::string::npos) << describe(r);
    EXPECT_TRUE(r.out.empty()) << describe(r);
  }
}

TEST_F(IrqctlTest, PolicyAndBanSucceedAndShowInOverrides) {
  auto shown = run_irqctl({"policy", "eth0"});
  ASSERT_EQ(shown.exit_code, 0) << describe(shown);
  EXPECT_EQ(shown.out, "eth0: policy spread (the daemon's default policy)\n");
  EXPECT_EQ(run_irqctl({"policy", "nope"}).exit_code, 4);
  EXPECT_EQ(run_irqctl({"policy", "eth0", "balanced"}).exit_code, 0);
  auto now = run_irqctl({"--json", "policy", "eth0"});
  ASSERT_EQ(now.exit_code, 0) << describe(now);
  EXPECT_EQ(nlohmann::json::parse(now.out)["source"], "runtime") << now.out;
  EXPECT_EQ(nlohmann::json::parse(now.out)["policy"], "balanced") << now.out;
  EXPECT_EQ(run_irqctl({"ban", "3"}).exit_code, 0);
  auto o = run_irqctl({"overrides"});
  ASSERT_EQ(o.exit_code, 0) << describe(o);
  EXPECT_NE(o.out.find("banned CPUs: 3"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("balanced"), std::string::npos) << o.out;
  auto reset = run_irqctl({"policy", "eth0", "--reset", "--json"});
  EXPECT_EQ(reset.exit_code, 0) << describe(reset);
  EXPECT_EQ(nlohmann::json::parse(reset.out)["ok"], true);
}

// irqctl napi over real D-Bus replies: the device's NAPI (its queues grouped, the kthread's pid
// from the queue record's a{sv}), a set that shows at once as run-time, in overrides, and errors.
TEST_F(IrqctlTest, NapiShowsSetsAndListsInOverrides) {
  auto show = run_irqctl({"napi", "eth0"});
  ASSERT_EQ(show.exit_code, 0) << describe(show);
  EXPECT_NE(show.out.find("gro_flush_timeout    10000    config\n"), std::string::npos) << show.out;
  EXPECT_NE(
      show.out.find("8193  rx-0,tx-0   38      0   10000           0  on        pid 4242, cpus 1"),
      std::string::npos)
      << show.out;
  auto set = run_irqctl({"napi", "eth0", "defer_hard_irqs=5", "threaded=off"});
  ASSERT_EQ(set.exit_code, 0) << describe(set);
  auto j = nlohmann::json::parse(run_irqctl({"napi", "eth0", "--json"}).out);
  EXPECT_EQ(j["settings"]["defer_hard_irqs"]["value"], 5) << j.dump(2);
  EXPECT_EQ(j["settings"]["defer_hard_irqs"]["from"], "runtime");
  EXPECT_EQ(j["napis"][0]["current"]["defer_hard_irqs"], 5);
  EXPECT_EQ(j["napis"][0]["current"]["threaded"], false);
  auto o = nlohmann::json::parse(run_irqctl({"overrides", "--json"}).out);
  EXPECT_EQ(o["device_napi"][0]["settings"]["threaded"], "off") << o.dump(2);
  auto nope = run_irqctl({"napi", "nope", "threaded=on"});
  EXPECT_EQ(nope.exit_code, 4) << describe(nope);
  EXPECT_NE(nope.err.find("no network device 'nope'"), std::string::npos) << nope.err;
  EXPECT_EQ(run_irqctl({"napi", "eth0", "--reset"}).exit_code, 0);
  EXPECT_TRUE(
      nlohmann::json::parse(run_irqctl({"overrides", "--json"}).out)["device_napi"].empty());
  auto nobody = run_irqctl_as_nobody({"napi", "eth0", "threaded=on"});
  EXPECT_EQ(nobody.exit_code, 3) << describe(nobody);
}

TEST_F(IrqctlTest, BadArgumentsAreRefusedBeforeTheCall) {
  auto q = run_irqctl({"pin-queue", "eth0", "rx0", "1"});
  EXPECT_EQ(q.exit_code, 4) << describe(q);
  EXPECT_NE(q.err.find("queue 'rx0': expected rx-N or tx-N"), std::string::npos) << q.err;
  auto c = run_irqctl({"pin", "38", "1-"});
  EXPECT_EQ(c.exit_code, 4) << describe(c);
  EXPECT_NE(c.err.find("'1-'"), std::string::npos) << c.err;
  auto u = run_irqctl({"pin", "abc", "1"});
  EXPECT_EQ(u.exit_code, 1) << describe(u);
  EXPECT_EQ(run_irqctl({"frobnicate"}).exit_code, 1);
  EXPECT_EQ(run_irqctl({"policy"}).exit_code, 1);
  EXPECT_EQ(run_irqctl({"top"}).exit_code, 1) << "live view without a terminal";
}

// irqctl checks arguments with the daemon's own validator (config/arguments.hpp): what the daemon
// would refuse never reaches it, and the message is the daemon's.
TEST_F(IrqctlTest, ArgumentsFollowTheDaemonsRules) {
  for (const auto& [args, message] : std::vector<std::pair<std::vector<std::string>, std::string>>{
           {{"pin-queue", "eth0", "rx-00", "1"}, "irqctl: queue 'rx-00': expected rx-N or tx-N (e.g. rx-0)\n"},
           {{"unpin-queue", "eth0", "tx-65536"}, "irqctl: queue 'tx-65536': expected rx-N or tx-N (e.g. rx-0)\n"},
           {{"pin-queue", "eth0", "rx-0", ""}, "irqctl: cpulist '': names no CPU\n"},
           {{"policy", "eth0", "Spread!"}, "irqctl: policy 'Spread!': not a policy name\n"},
       }) {
    auto r = run_irqctl(args);
    EXPECT_EQ(r.exit_code, 4) << describe(r);
    EXPECT_EQ(r.err, message) << describe(r);
    EXPECT_TRUE(r.out.empty()) << describe(r);
  }
}

TEST_F(IrqctlTest, NonRootWritesAreRefusedReadsAllowed) {
  auto read = run_irqctl_as_nobody({"status"});
  EXPECT_EQ(read.exit_code, 0) << describe(read);
  auto write = run_irqctl_as_nobody({"pin", "38", "1"});
  EXPECT_EQ(write.exit_code, 3) << describe(write);
  EXPECT_NE(write.err.find("needs root"), std::string::npos) << write.err;
}

TEST_F(IrqctlTest, TopOnceAndMetrics) {
  TempDir root;
  root.write("sys/devices/system/cpu/online", "0-3\n");
  root.write("sys/devices/system/node/node0/cpulist", "0-1\n");
  root.write("sys/devices/system/node/node1/cpulist", "2-3\n");
  // The topology comes from the daemon (GetTopology), not from the client's machine.
  auto t = run_irqctl({"top", "--once", "--sort", "cpu"});
  ASSERT_EQ(t.exit_code, 0) << describe(t);
  EXPECT_EQ(t.out.find('\x1b'), std::string::npos) << "no terminal control in --once";
  EXPECT_NE(t.out.find("\nCPU    0 node  0 core   0 ["), std::string::npos) << t.out;
  EXPECT_EQ(t.out.find("node ?"), std::string::npos) << t.out;
  EXPECT_NE(t.out.find("1500 irq/s"), std::string::npos) << t.out;
  EXPECT_NE(t.out.find("Busiest IRQs (3 of 3)"), std::string::npos) << t.out;
  auto small = run_irqctl({"top", "--once", "--size", "40x10"});
  ASSERT_EQ(small.exit_code, 0) << describe(small);
  std::size_t lines = 0;
  for (std::size_t pos = 0, end; (end = small.out.find('\n', pos)) != std::string::npos;
       pos = end + 1, ++lines) {
    std::size_t columns = 0;  // one per code point: "…" is 3 bytes
    for (std::size_t k = pos; k < end; ++k)
      columns += (static_cast<unsigned char>(small.out[k]) & 0xC0) != 0x80;
    EXPECT_LE(columns, 40u) << small.out;
  }
  EXPECT_LE(lines, 10u) << small.out;
  EXPECT_EQ(run_irqctl({"top", "--once", "--size", "80by24"}).exit_code, 1);
  auto j = run_irqctl({"--json", "top", "--irqs", "1"});
  ASSERT_EQ(j.exit_code, 0) << describe(j);
  EXPECT_NE(j.out.find("\"busiest_irqs\": ["), std::string::npos) << j.out;
  EXPECT_NE(j.out.find("\"numa_node\": 1"), std::string::npos) << j.out;
  auto two = run_irqctl({"top", "--iterations", "2", "--interval", "0.1", "--irqs", "1"});
  ASSERT_EQ(two.exit_code, 0) << describe(two);
  EXPECT_NE(two.out.find("Busiest IRQs (1 of 3)"), two.out.rfind("Busiest IRQs (1 of 3)"))
      << two.out;

  auto m = run_irqctl({"metrics", "--root", root.path().string()});
  ASSERT_EQ(m.exit_code, 0) << describe(m);
  EXPECT_NE(m.out.find("irqd_cycles_total 42\n"), std::string::npos) << m.out;
  EXPECT_NE(m.out.find("irqd_irq_rate{irq=\"38\",name=\"virtio2-input.0\",device=\"eth0\",queue="
                       "\"rx-0\"} 1500\n"),
            std::string::npos)
      << m.out;
  EXPECT_NE(m.out.find("irqd_cpu_irq_load{cpu=\"0\",node=\"0\"} 0.2\n"), std::string::npos)
      << m.out;
}

TEST_F(IrqctlTest, LiveTopDrawsOnTheAlternateScreenAndQuitsOnQOrCtrlC) {
  for (const std::string key : {"q", "\x03"}) {
    auto r = run_irqctl_on_terminal({"top", "--interval", "0.2"}, key);
    EXPECT_EQ(r.exit_code, 0) << "key " << int(key[0]) << "\n" << r.out;
    EXPECT_EQ(r.out.rfind("\x1b[?1049h\x1b[?25l", 0), 0u) << "alternate screen first:\n" << r.out;
    EXPECT_NE(r.out.find("\x1b[H\x1b[2Jirqd 0.1.0  spread"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("virtio2-input.0"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("keys: q quit  sort l load"), std::string::npos) << r.out;
    // The terminal is given back: cursor shown, normal screen, as the very last output.
    auto tail = r.out.size() >= 16 ? r.out.substr(r.out.size() - 16) : r.out;
    EXPECT_NE(tail.find("\x1b[?25h\x1b[?1049l"), std::string::npos) << r.out;
  }
}

TEST_F(IrqctlTest, AddressOptionAndUnreachableDaemon) {
  std::string addr = bus_->address();
  ::unsetenv("DBUS_SYSTEM_BUS_ADDRESS");
  auto ok = run_irqctl({"--address", addr, "status"});
  EXPECT_EQ(ok.exit_code, 0) << describe(ok);
  auto nobus = run_irqctl({"--address", "unix:path=/nonexistent/bus", "status"});
  EXPECT_EQ(nobus.exit_code, 2) << describe(nobus);
  EXPECT_NE(nobus.err.find("cannot connect to the system bus at 'unix:path=/nonexistent/bus'"),
            std::string::npos)
      << nobus.err;
  ::setenv("DBUS_SYSTEM_BUS_ADDRESS", addr.c_str(), 1);
  service_.reset();  // the bus is up, nobody owns the name
  auto gone = run_irqctl({"status"});
  EXPECT_EQ(gone.exit_code, 2) << describe(gone);
  EXPECT_NE(gone.err.find("irqd is not reachable"), std::string::npos) << gone.err;
}

}  // namespace
}  // namespace irqd::testing

namespace irqd::testing {
namespace {

// Every line of `text` fits 80 columns (code points, not bytes).
void expect_fits_80(const std::string& text) {
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    std::size_t width = 0;
    for (char c : line) width += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    EXPECT_LE(width, 80u) << line;
  }
}

TEST_F(IrqctlTest, HistoryShowsChangesWithReasonsInEightyColumnsAndJson) {
  auto r = run_irqctl({"history"});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_NE(r.out.find("Changes (3), oldest first"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("IRQ 38     affinity  0-1   2    ok"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("eth0 rx-0  rps_cpus  none  1-3  ok"), std::string::npos) << r.out;
  // The whole reason, wrapped beneath its row; a failure's error instead.
  EXPECT_NE(r.out.find("CPU 0 was the busiest, above the lower bound 0.300 + 10%"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("error: IRQ 38 (eth0-TxRx-0, eth0): cannot set 3"), std::string::npos) << r.out;
  expect_fits_80(r.out);
  auto dev = run_irqctl({"history", "--irq", "38"});
  ASSERT_EQ(dev.exit_code, 0) << describe(dev);
  EXPECT_NE(dev.out.find("Changes (2)"), std::string::npos) << dev.out;
  EXPECT_EQ(dev.out.find("rps_cpus"), std::string::npos) << dev.out;
  auto j = run_irqctl({"history", "--device", "eth0", "--json"});
  ASSERT_EQ(j.exit_code, 0) << describe(j);
  auto doc = nlohmann::json::parse(j.out);
  ASSERT_EQ(doc["changes"].size(), 3u) << j.out;
  const auto& first = doc["changes"][0];
  EXPECT_EQ(first["time"], "2026-12-07T10:41:02.000000Z");
  EXPECT_EQ(first["irq"], 38);
  EXPECT_EQ(first["old"], "0-1");
  EXPECT_EQ(first["new"], "2");
  EXPECT_EQ(first["load_source"], "packets");
  EXPECT_EQ(first["cost_seconds_per_second"], 0.25);
  EXPECT_TRUE(first["queue"].is_null());
  EXPECT_EQ(doc["changes"][1]["queue"], 0);
  EXPECT_EQ(doc["changes"][1]["role"], "rx");
  EXPECT_FALSE(doc["changes"][2]["ok"].get<bool>());
  // --irq and --device together are a usage error.
  EXPECT_EQ(run_irqctl({"history", "--irq", "38", "--device", "eth0"}).exit_code, 1);
}

TEST_F(IrqctlTest, ExplainShowsWhereWhyLoadConstraintsAndLastMoves) {
  auto r = run_irqctl({"explain", "38"});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  for (const char* want : {"IRQ 38 (eth0-TxRx-0, eth0 rxtx-0)", "now:       affinity 2, delivered on 2",
                           "planned:   2, as now (policy balanced)", "measured by packets",
                           "NIC:       eth0 on node 0, local CPUs 0-3", "banned:    - (config), 1 (run time)",
                           "cooldown:  moved 1 cycle ago; 2 of 3 cycles left; not back to CPU 0",
                           "last changes (2)", "2 -> 3 FAILED"})
    EXPECT_NE(r.out.find(want), std::string::npos) << want << "\n" << r.out;
  expect_fits_80(r.out);
  auto j = run_irqctl({"explain", "38", "--json"});
  ASSERT_EQ(j.exit_code, 0) << describe(j);
  auto doc = nlohmann::json::parse(j.out);
  EXPECT_EQ(doc["irq"], 38);
  EXPECT_EQ(doc["current"], "2");
  EXPECT_EQ(doc["load_source"], "packets");
  EXPECT_EQ(doc["cooldown_left"], 2);
  EXPECT_EQ(doc["history"].size(), 2u);
  auto missing = run_irqctl({"explain", "999"});
  EXPECT_EQ(missing.exit_code, 4) << describe(missing);
  EXPECT_NE(missing.err.find("no IRQ 999"), std::string::npos) << describe(missing);
}

TEST_F(IrqctlTest, IrqsHaveAReasonColumnTrimmedAndWholeInJson) {
  auto r = run_irqctl({"irqs"});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_NE(r.out.find("REASON"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("the busiest q..."), std::string::npos) << r.out;
  auto j = run_irqctl({"irqs", "--json"});
  EXPECT_NE(j.out.find("the busiest queue gets a core of its own"), std::string::npos) << j.out;
}

// contrib/irqctl.8 and the bash, zsh and fish completions keep up with --help: every subcommand
// and option (fish spells options without their dashes: -l NAME).
TEST(IrqctlDocs, ManPageAndCompletionCoverEverySubcommandAndOption) {
  auto slurp = [](const std::filesystem::path& p) {
    std::ifstream in(p);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  };
  auto contrib = fixtures_dir().parent_path().parent_path() / "contrib";
  std::string man = slurp(contrib / "irqctl.8"), completion = slurp(contrib / "irqctl.bash");
  std::string zsh = slurp(contrib / "irqctl.zsh"), fish = slurp(contrib / "irqctl.fish");
  ASSERT_FALSE(man.empty());
  // roff escapes dashes: compare on the unescaped text.
  for (std::size_t p; (p = man.find("\\-")) != std::string::npos;) man.erase(p, 1);
  auto help = run_irqctl({"--help"});
  ASSERT_EQ(help.exit_code, 0) << describe(help);
  std::regex sub(R"(^  ([a-z-]+) {2,})"), opt(R"(--[a-z-]+)");
  std::vector<std::string> commands;
  std::istringstream in(help.out);
  bool in_subcommands = false;
  for (std::string line; std::getline(in, line);) {
    if (line == "Subcommands:") in_subcommands = true;
    std::smatch m;
    if (in_subcommands && std::regex_search(line, m, sub)) commands.push_back(m[1]);
    if (line.empty()) in_subcommands = false;
  }
  ASSERT_GE(commands.size(), 16u) << help.out;
  for (const auto& c : commands) {
    bool documented = man.find(".B " + c + "\n") != std::string::npos ||
                      man.find(".BI " + c + " ") != std::string::npos;
    EXPECT_TRUE(documented) << "irqctl.8 lacks command " << c;
    EXPECT_NE(completion.find(c), std::string::npos) << "irqctl.bash lacks command " << c;
    EXPECT_NE(zsh.find("'" + c + ":"), std::string::npos) << "irqctl.zsh lacks command " << c;
    EXPECT_NE(fish.find("        " + c + " '"), std::string::npos)
        << "irqctl.fish lacks command " << c;
    auto h = run_irqctl({c, "--help"});
    ASSERT_EQ(h.exit_code, 0) << describe(h);
    for (std::sregex_iterator it(h.out.begin(), h.out.end(), opt), end; it != end; ++it) {
      EXPECT_NE(man.find(it->str()), std::string::npos)
          << "irqctl.8 lacks " << c << " " << it->str();
      EXPECT_NE(completion.find(it->str()), std::string::npos)
          << "irqctl.bash lacks " << c << " " << it->str();
      EXPECT_NE(zsh.find("'" + it->str()), std::string::npos)
          << "irqctl.zsh lacks " << c << " " << it->str();
      EXPECT_NE(fish.find("-l " + it->str().substr(2)), std::string::npos)
          << "irqctl.fish lacks " << c << " " << it->str();
    }
  }
  for (const char* code : {".B 0\n", ".B 1\n", ".B 2\n", ".B 3\n", ".B 4\n", ".B 5\n", ".B 6\n"}) {
    EXPECT_NE(man.find(code), std::string::npos) << "irqctl.8 lacks exit code " << code;
  }
}

}  // namespace
}  // namespace irqd::testing
