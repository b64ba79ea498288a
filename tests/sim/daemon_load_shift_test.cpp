// History and explain after a load shift (issue #16), end to end: the real irqd --foreground on a
// simulated 4-CPU machine whose counters move in wall-clock time, serving a private bus. Once the
// eight queue IRQs are placed, two that share a CPU turn busy; the daemon moves one of them away,
// and `irqctl history` / `irqctl explain` say so with the load the decision used and its source.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/irqctl_cli.hpp"
#include "tests/integration/private_bus.hpp"
#include "tests/integration/run_process.hpp"
#include "tests/sim/sim_machine.hpp"

namespace irqd::sim {
namespace {

using testing::describe;
using testing::run_irqctl;

std::string first_line(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::string s;
  std::getline(in, s);
  return s;
}

class DaemonLoadShift : public ::testing::Test {
 protected:
  DaemonLoadShift()
      : sim_(SimSpec{.topology_synthetic = "pack:1 numa:1 l3:1 core:4 pu:1",
                     .nics = {{.name = "eth0", .node = 0, .queues = 8}},
                     .cost_per_interrupt = 20e-6}),
        load_(8, 0.02) {}

  void SetUp() override {
    bus_ = std::make_unique<testing::PrivateBus>();
    log_ = (bus_->dir().path() / "irqd.log").string();
    daemon_ = std::make_unique<testing::Child>(
        std::vector<std::string>{testing::required_env("IRQD_BINARY"), "--foreground", "--interval", "0.3",
                                 "--root", sim_.root().string(), "--no-netlink", "--topology-xml",
                                 sim_.spec_topology().string(), "--state-dir", state_.path().string(),
                                 "--run-dir", run_.path().string()},
        log_);
  }
  void TearDown() override {
    daemon_.reset();
    bus_.reset();
  }

  // Runs the machine in wall-clock time for `seconds`: every 50 ms a step of the real time passed,
  // each queue doing load_[q] CPU seconds per second.
  void run_for(double seconds) {
    using clock = std::chrono::steady_clock;
    const auto end = clock::now() + std::chrono::duration<double>(seconds);
    auto last = clock::now();
    while (clock::now() < end) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      const auto now = clock::now();
      const double dt = std::chrono::duration<double>(now - last).count();
      last = now;
      sim_.step(dt, [&](std::size_t q, double t0, double t1) { return load_[q] * (t1 - t0); });
    }
  }
  std::string affinity(int irq) const {
    return first_line(sim_.root() / fmt::format("proc/irq/{}/smp_affinity_list", irq));
  }
  std::string log() const {
    std::ifstream in(log_);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

  SimMachine sim_;
  std::vector<double> load_;
  testing::TempDir state_, run_;
  std::unique_ptr<testing::PrivateBus> bus_;
  std::string log_;
  std::unique_ptr<testing::Child> daemon_;
};

TEST_F(DaemonLoadShift, HistoryAndExplainSayWhyABusyIrqMoved) {
  // Placed and settled: every queue IRQ on one CPU, two per CPU.
  std::map<std::string, std::vector<int>> by_cpu;
  for (int round = 0; round < 40; ++round) {
    run_for(0.5);
    by_cpu.clear();
    for (const auto& q : sim_.queues()) by_cpu[affinity(q.irq)].push_back(q.irq);
    if (by_cpu.size() == 4 && !by_cpu.count("0-3")) break;
  }
  ASSERT_EQ(by_cpu.size(), 4u) << log();
  run_for(2.0);  // a few quiet cycles: the placement holds
  by_cpu.clear();
  for (const auto& q : sim_.queues()) by_cpu[affinity(q.irq)].push_back(q.irq);
  ASSERT_EQ(by_cpu.size(), 4u) << log();
  const auto& [shared_cpu, pair] = *by_cpu.begin();
  ASSERT_EQ(pair.size(), 2u) << log();
  const int a = pair[0], b = pair[1];

  // The shift: both IRQs on that CPU turn busy (0.35 CPU each; the others stay at 0.02).
  for (const auto& q : sim_.queues())
    if (q.irq == a || q.irq == b) load_[static_cast<std::size_t>(q.irq - sim_.queues().front().irq)] = 0.35;
  int moved = -1;
  for (int round = 0; round < 40 && moved < 0; ++round) {
    run_for(0.5);
    if (affinity(a) != shared_cpu) moved = a;
    if (affinity(b) != shared_cpu) moved = b;
  }
  ASSERT_GE(moved, 0) << "neither busy IRQ left CPU " << shared_cpu << "\n" << log();
  const std::string to = affinity(moved);

  // History: the move, from the shared CPU to where it went, with the plan's reason and the load
  // it used, measured from this machine's counters.
  auto h = run_irqctl({"history", "--irq", std::to_string(moved), "--json"});
  ASSERT_EQ(h.exit_code, 0) << describe(h);
  const auto changes = nlohmann::json::parse(h.out)["changes"];
  ASSERT_FALSE(changes.empty()) << h.out;
  const auto& last = changes.back();
  EXPECT_EQ(last["old"], shared_cpu) << h.out;
  EXPECT_EQ(last["new"], to) << h.out;
  EXPECT_EQ(last["ok"], true) << h.out;
  ASSERT_TRUE(last["reason"].is_string()) << h.out;
  EXPECT_NE(last["reason"].get<std::string>().find("moved from CPU " + shared_cpu), std::string::npos) << h.out;
  EXPECT_FALSE(last["load_source"].is_null()) << h.out;
  ASSERT_TRUE(last["cost_seconds_per_second"].is_number()) << h.out;
  // Above the quiet 0.02 CPU: the interval the decision used saw (part of) the shift.
  EXPECT_GT(last["cost_seconds_per_second"].get<double>(), 0.05) << "the decision used the new load\n" << h.out;

  // Explain: where it is and why, the load and its source, its last move.
  auto e = run_irqctl({"explain", std::to_string(moved)});
  ASSERT_EQ(e.exit_code, 0) << describe(e);
  EXPECT_NE(e.out.find("planned:   " + to), std::string::npos) << e.out;
  EXPECT_NE(e.out.find("  load:      0."), std::string::npos) << e.out;
  EXPECT_NE(e.out.find("measured by "), std::string::npos) << e.out;
  EXPECT_NE(e.out.find(shared_cpu + " -> " + to), std::string::npos) << e.out;
  EXPECT_NE(e.out.find("cooldown:  moved "), std::string::npos) << e.out;
  auto ej = nlohmann::json::parse(run_irqctl({"explain", std::to_string(moved), "--json"}).out);
  EXPECT_GT(ej["cost_seconds_per_second"].get<double>(), 0.05) << ej.dump(2);
  EXPECT_EQ(ej["current"], to) << ej.dump(2);

  // The decision log said the same, at the default level.
  EXPECT_NE(log().find(fmt::format("IRQ {} (", moved)), std::string::npos) << log();
  EXPECT_NE(log().find(": " + shared_cpu + " -> " + to + ": "), std::string::npos) << log();
}

}  // namespace
}  // namespace irqd::sim
