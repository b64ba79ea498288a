// The fixture of the irqctl-against-the-real-daemon tests: a synthetic tree with two NICs (eth0:
// IRQs 101, 102; eth1: 201, 202) on 4 CPUs, a private bus and irqd serving it.
#pragma once

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "tests/integration/irqctl_cli.hpp"
#include "tests/integration/private_bus.hpp"
#include "tests/integration/run_process.hpp"
#include "tests/support/poll.hpp"
#include "tests/support/synthetic_tree.hpp"

namespace irqd::testing {

inline std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class IrqctlDaemonTest : public ::testing::Test {
 protected:
  void SetUp() override {
    tree_.add_nic(
        {.name = "eth0", .pci = "0000:03:00.0", .rx = 2, .tx = 2, .msi_irqs = {101, 102}});
    tree_.add_nic(
        {.name = "eth1", .pci = "0000:04:00.0", .rx = 2, .tx = 2, .msi_irqs = {201, 202}});
    tree_.add_irq({101, "eth0-TxRx-0", "0"});
    tree_.add_irq({102, "eth0-TxRx-1", "0"});
    tree_.add_irq({201, "eth1-TxRx-0", "0"});
    tree_.add_irq({202, "eth1-TxRx-1", "0"});
    tree_.finish();
    std::string stat = "cpu  400 0 400 4000 0 40 40 0 0 0\n";
    for (int c = 0; c < 4; ++c) stat += fmt::format("cpu{} 100 0 100 1000 0 10 10 0 0 0\n", c);
    tree_.dir().write("proc/stat", stat);
    tree_.dir().write("sys/devices/system/node/node0/cpulist", "0-3\n");

    bus_ = std::make_unique<PrivateBus>();
    log_ = (bus_->dir().path() / "irqd.log").string();
    start_daemon();
  }
  // irqd on the tree and the bus, with the fixture's state directory; waits until it answers.
  void start_daemon(const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args{
        required_env("IRQD_BINARY"), "--foreground", "--interval", "0.2", "--root",
        tree_.root().string(), "--no-netlink", "--topology-xml",
        fixture("hwloc/derived/1s-intel-i7-7600u-2c4t-laptop.from-cpuid-dump.xml").string(),
        "--state-dir", state_.path().string(), "--run-dir", run_.path().string()};
    args.insert(args.end(), extra.begin(), extra.end());
    daemon_ = std::make_unique<Child>(args, log_);
    // Ready when the service answers and a cycle has run.
    const bool ready = eventually(
        [&] {
          auto r = run_irqctl({"status", "--json"});
          return r.exit_code == 0 && nlohmann::json::parse(r.out)["cycles"].get<int>() > 0;
        },
        10000);
    ASSERT_TRUE(ready) << "irqd never answered on the private bus\n" << slurp(log_);
  }
  void TearDown() override {
    daemon_.reset();
    bus_.reset();
  }
  std::string affinity(int irq) const {
    std::string s = slurp(tree_.root() / fmt::format("proc/irq/{}/smp_affinity_list", irq));
    return s.substr(0, s.find('\n'));
  }

  SyntheticTree tree_{4};
  TempDir state_, run_;
  std::unique_ptr<PrivateBus> bus_;
  std::string log_;
  std::unique_ptr<Child> daemon_;
};

}  // namespace irqd::testing
