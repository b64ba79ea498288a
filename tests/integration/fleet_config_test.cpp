// End to end: one configuration file for a fleet. The same file on the captured 2-, 32- and
// 80-CPU roots: CPUs a host lacks in banned_cpus and allowed_cpus are warnings naming the host's
// CPUs (exit 0, the plan runs), pins stay strict; topology words resolve per host. Devices that
// are down without queue IRQs (ifb0/ifb1, as on the VM this was written on: flags 0x82) are left
// alone and reported, an up veth is still planned, and [[device]] ignore / exclude_devices leave a
// device alone with the reason in the text and JSON reports.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "tests/integration/run_process.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/support/synthetic_tree.hpp"

namespace irqd::testing {
namespace {

using nlohmann::json;

constexpr const char* kFleetFile = R"(# one file for every host
[daemon]
banned_cpus = "smt-siblings-of:0,first-of-each-node,64"
exclude_devices = ["docker*"]

[[device]]
name = "ens*"
allowed_cpus = "node1,70-79"
)";

struct Host {
  const char* tree;
  std::vector<std::string> warnings;  // after "warning: FILE"
};

TEST(FleetConfig, OneFileOnTwoThirtyTwoAndEightyCpuHosts) {
  const std::vector<Host> hosts = {
      {"nto-e2e-2vcpu-gce-4possible",
       {":3:15: daemon.banned_cpus: CPU 64 does not exist on this host (its CPUs: 0-1): left out here",
        ":6:1: device: the rule matches no device on this host (devices here: virtio1)",
        ":8:16: device.allowed_cpus: 'node1,70-79': this host has no node1 (nodes with CPUs here: 0): that item is "
        "left out here",
        ":8:16: device.allowed_cpus: CPUs 70-79 do not exist on this host (its CPUs: 0-1): none of the listed CPUs does, so "
        "its devices' IRQs stay as they are"}},
      {"nto-worker2-32cpu-2s-xeon6130-r740xd-ixgbe-i40e",
       {":3:15: daemon.banned_cpus: CPU 64 does not exist on this host (its CPUs: 0-31): left out here",
        ":8:16: device.allowed_cpus: CPUs 70-79 do not exist on this host (its CPUs: 0-31): left out here"}},
      {"nto-worker1-80cpu-2s-xeon6230-r740xd-rt-isolcpus", {}},
  };
  for (const auto& h : hosts) {
    SCOPED_TRACE(h.tree);
    ExtractedTree tree(h.tree);
    TempDir d;
    d.write("irqd.toml", kFleetFile);
    const std::string file = (d.path() / "irqd.toml").string();
    auto check = run_irqd({"--check-config", "--config", file, "--root", tree.root().string()});
    EXPECT_EQ(check.exit_code, 0) << check.err;  // warnings, not errors
    std::string expected;
    for (const auto& w : h.warnings) expected += "warning: " + file + w + "\n";
    EXPECT_EQ(check.err, expected + "configuration OK\n");
    // The dry run plans with the same file and logs the same warnings.
    auto plan = run_irqd({"--dry-run", "--oneshot", "--config", file, "--root", tree.root().string()});
    EXPECT_TRUE(plan.exit_code == 0 || plan.exit_code == 2) << plan.exit_code << plan.err;  // a plan, not an error
    for (const auto& w : h.warnings) {
      if (w.find("matches no device") != std::string::npos) continue;  // --check-config's own
      EXPECT_NE(plan.err.find("configuration: " + file + w), std::string::npos) << plan.err;
    }
  }
}

TEST(FleetConfig, TopologyWordsResolvePerHost) {
  // worker2: two nodes, CPUs interleaved (node0 even, node1 odd), no SMT: CPU 0's core is CPU 0.
  ExtractedTree tree("nto-worker2-32cpu-2s-xeon6130-r740xd-ixgbe-i40e");
  TempDir d;
  d.write("irqd.toml", kFleetFile);
  auto r = run_irqd({"--check-config", "--config", (d.path() / "irqd.toml").string(), "--root", tree.root().string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("banned_cpus = \"0-1,64\"\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("name = \"ens*\"\nallowed_cpus = \"1,3,5,7,9,11,13,15,17,19,21,23,25,27,29,31,70-79\"\n"),
            std::string::npos)
      << r.out;
}

TEST(FleetConfig, PinsStayStrictAndUnknownWordsNameTheGrammar) {
  ExtractedTree tree("nto-e2e-2vcpu-gce-4possible");
  TempDir d;
  d.write("irqd.toml", "[daemon]\nbanned_cpus = \"nodes0\"\n[[irq]]\nnumber = 30\npin = \"64\"\n");
  const std::string file = (d.path() / "irqd.toml").string();
  auto r = run_irqd({"--check-config", "--config", file, "--root", tree.root().string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, file + ":2:15: daemon.banned_cpus: 'nodes0' is not a CPU, a range or a topology word (expected a "
                          "cpulist such as \"0-3,8\" or items all, nodeN, packageN, first-of-each-node, smt-siblings-of:N)\n" +
                       file + ":5:7: irq.pin: CPU 64 does not exist (expected CPUs of this machine: 0-1)\n"
                              "configuration has errors\n");
}

// A virtio NIC with two queues, two ifb devices down (flags 0x82, operstate down: as
// /sys/class/net/ifb0 on the VM this test was written on), a veth that is up and has no IRQs,
// and a docker bridge.
void build_vm(SyntheticTree& t) {
  t.add_nic({.name = "eth0", .pci = "0000:00:03.0", .virtio = "virtio2", .driver = "virtio_net", .local_cpulist = "0-3",
             .rx = 2, .tx = 2, .msi_irqs = {37, 38, 39, 40, 41}, .flags = "0x1003", .operstate = "up"});
  t.add_nic({.name = "ifb0", .flags = "0x82", .operstate = "down"});
  t.add_nic({.name = "ifb1", .flags = "0x82", .operstate = "down"});
  t.add_nic({.name = "veth0", .flags = "0x1003", .operstate = "up"});
  t.add_nic({.name = "docker0", .flags = "0x1003", .operstate = "up"});
  t.add_irq({37, "virtio2-config", "0-3"});
  t.add_irq({38, "virtio2-input.0", "0"});
  t.add_irq({39, "virtio2-output.0", "0"});
  t.add_irq({40, "virtio2-input.1", "0"});
  t.add_irq({41, "virtio2-output.1", "0"});
  t.finish();
}

// Whether the report's queue table has a row for `device`'s `queue` ("rx-0").
bool has_queue_row(const std::string& report, const std::string& device, const std::string& queue) {
  for (std::size_t p = report.find("\n" + device + " "); p != std::string::npos; p = report.find("\n" + device + " ", p + 1)) {
    std::size_t q = report.find_first_not_of(' ', p + 1 + device.size());
    if (q != std::string::npos && report.compare(q, queue.size() + 1, queue + " ") == 0) return true;
  }
  return false;
}

std::string laptop_xml() { return fixture("hwloc/derived/1s-intel-i7-7600u-2c4t-laptop.from-cpuid-dump.xml").string(); }

TEST(FleetConfig, DownDevicesWithoutQueueIrqsAreLeftAloneAndSaidSo) {
  SyntheticTree t(4);
  build_vm(t);
  TempDir d;
  d.write("irqd.toml", "[daemon]\nexclude_devices = [\"docker*\"]\n");
  const std::string file = (d.path() / "irqd.toml").string();
  auto r = run_irqd({"--dry-run", "--oneshot", "--config", file, "--root", t.root().string(), "--topology-xml", laptop_xml()});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.out.find("left alone: docker0: excluded by [daemon] exclude_devices \"docker*\"\n"
                       "left alone: ifb0: down and without queue IRQs (planned once up; [daemon] plan_down_devices "
                       "plans it now)\n"
                       "left alone: ifb1: down and without queue IRQs (planned once up; [daemon] plan_down_devices "
                       "plans it now)\n"),
            std::string::npos)
      << r.out;
  // The veth is up: RPS and XPS are planned for it as before.
  EXPECT_TRUE(has_queue_row(r.out, "veth0", "rx-0")) << r.out;
  EXPECT_FALSE(has_queue_row(r.out, "ifb0", "rx-0")) << r.out;

  auto j = run_irqd({"--dry-run", "--oneshot", "--format", "json", "--config", file, "--root", t.root().string(),
                     "--topology-xml", laptop_xml()});
  const json report = json::parse(j.out);
  ASSERT_EQ(report["left_alone"].size(), 3u) << j.out;
  EXPECT_EQ(report["left_alone"][1]["device"], "ifb0");
  EXPECT_EQ(report["left_alone"][1]["reason"],
            "down and without queue IRQs (planned once up; [daemon] plan_down_devices plans it now)");
  for (const auto& q : report["queues"]) EXPECT_NE(q["device"], "ifb0") << q;

  // plan_down_devices takes them back; [[device]] ignore leaves an up device alone.
  d.write("irqd.toml", "[daemon]\nplan_down_devices = [\"ifb*\"]\n[[device]]\nname = \"veth*\"\nignore = true\n");
  auto back = run_irqd({"--dry-run", "--oneshot", "--config", file, "--root", t.root().string(), "--topology-xml", laptop_xml()});
  EXPECT_TRUE(has_queue_row(back.out, "ifb0", "rx-0")) << back.out;
  EXPECT_NE(back.out.find("left alone: veth0: ignored (config: [[device]] at " + file + ":3:1)\n"), std::string::npos)
      << back.out;
  EXPECT_FALSE(has_queue_row(back.out, "veth0", "rx-0")) << back.out;
}

TEST(FleetConfig, OnlyTheDevicesListedAndTheCommandLineNarrowsFurther) {
  SyntheticTree t(4);
  build_vm(t);
  TempDir d;
  d.write("irqd.toml", "[daemon]\ndevices = [\"eth*\", \"veth*\"]\n");
  const std::string file = (d.path() / "irqd.toml").string();
  auto r = run_irqd({"--dry-run", "--oneshot", "--config", file, "--root", t.root().string(), "--topology-xml",
                     laptop_xml(), "--device", "veth0"});
  EXPECT_NE(r.out.find("left alone: docker0: not in [daemon] devices\n"), std::string::npos) << r.out;
  EXPECT_TRUE(has_queue_row(r.out, "veth0", "rx-0")) << r.out;
  EXPECT_FALSE(has_queue_row(r.out, "eth0", "rx-0")) << r.out;  // --device named only veth0
}

}  // namespace
}  // namespace irqd::testing
