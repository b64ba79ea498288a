// Fleet configuration in pieces: topology words resolved against a machine model (config/cpu_spec),
// which devices irqd leaves alone and why (config/device_filter), and --check-config's warnings
// about rules on this host (irqd/daemon/config_check).
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "config/cpu_spec.hpp"
#include "config/device_filter.hpp"
#include "config/toml_reader.hpp"
#include "irqd/daemon/config_check.hpp"

namespace irqd::config {
namespace {

using sysfs::CpuSet;
using Lines = std::vector<std::string>;

// Two packages, one node each, two cores per package with two threads: core k = CPUs k and k+4.
// node0 = 0,1,4,5; node1 = 2,3,6,7.
topology::Machine two_nodes() {
  topology::Machine m;
  m.packages = {{0, CpuSet::parse_list("0-1,4-5")}, {1, CpuSet::parse_list("2-3,6-7")}};
  m.nodes = {{0, CpuSet::parse_list("0-1,4-5")}, {1, CpuSet::parse_list("2-3,6-7")}};
  for (int k = 0; k < 4; ++k) m.cores.push_back({k / 2, k / 2, -1, {k, k + 4}});
  for (int c = 0; c < 8; ++c) m.pus.push_back({c, c % 4, (c % 4) / 2, (c % 4) / 2, -1, -1, c / 4});
  m.online = CpuSet::range(0, 7);
  return m;
}

std::string resolved(const std::string& text) { return resolve_cpu_spec(text, two_nodes()).cpus.to_list(); }

TEST(CpuSpec, WordsResolveAgainstTheMachine) {
  EXPECT_EQ(resolved("all"), "0-7");
  EXPECT_EQ(resolved("node1"), "2-3,6-7");
  EXPECT_EQ(resolved("package0"), "0-1,4-5");
  EXPECT_EQ(resolved("first-of-each-node"), "0,2");
  EXPECT_EQ(resolved("smt-siblings-of:1"), "1,5");
  EXPECT_EQ(resolved("smt-siblings-of:0, first-of-each-node, 7"), "0,2,4,7");
  EXPECT_EQ(resolved("3-4"), "3-4");  // a plain cpulist as before
  EXPECT_TRUE(has_topology_words("0,node1"));
  EXPECT_FALSE(has_topology_words("0-3,8"));
}

TEST(CpuSpec, WhatTheHostLacksIsSaidNotFatal) {
  auto r = resolve_cpu_spec("node3,package2,smt-siblings-of:64,1", two_nodes());
  EXPECT_EQ(r.cpus.to_list(), "1");
  EXPECT_EQ(r.absent, (Lines{"node3 (nodes with CPUs here: 0-1)", "package2 (packages here: 0-1)",
                             "smt-siblings-of:64 (CPUs here: 0-7)"}));
}

TEST(CpuSpec, UnknownWordsAndBadItemsAreErrors) {
  EXPECT_THROW(check_cpu_spec("nodes1"), std::invalid_argument);
  EXPECT_THROW(check_cpu_spec("node"), std::invalid_argument);
  EXPECT_THROW(check_cpu_spec("node1,,2"), std::invalid_argument);
  EXPECT_THROW(check_cpu_spec("smt-siblings-of:x"), std::invalid_argument);
  EXPECT_THROW(check_cpu_spec("node0,3-1"), std::invalid_argument);  // the cpulist parser's own check
  try {
    check_cpu_spec("socket0");
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "'socket0' is not a CPU, a range or a topology word");
  }
}

LoadResult read(const std::string& text) {
  LoadResult r;
  read_toml(text, "t.toml", {}, r);
  return r;
}

TEST(CpuSpec, FilesResolveWithTheMachineAndWarnOfWhatItLacks) {
  auto r = read("[daemon]\nbanned_cpus = \"smt-siblings-of:0,9\"\n[[device]]\nname = \"e*\"\nallowed_cpus = \"node1,node2\"\n"
           "[[device]]\nname = \"x*\"\nallowed_cpus = \"nodes\"\n");
  ASSERT_EQ(r.errors.size(), 1u);  // the bad rule is dropped with its spec
  EXPECT_EQ(r.errors[0].to_string(), "t.toml:8:16: device.allowed_cpus: 'nodes' is not a CPU, a range or a topology word "
                                     "(expected a non-empty value: a cpulist such as \"0-3,8\" or items all, nodeN, "
                                     "packageN, first-of-each-node, smt-siblings-of:N)");
  r.errors.clear();
  resolve_cpu_specs(r, two_nodes());
  check_cpus(r, CpuSet::range(0, 7));
  r.sort_errors();
  EXPECT_TRUE(r.ok()) << r.error_text();
  EXPECT_EQ(r.config.banned_cpus.to_list(), "0,4,9");
  ASSERT_EQ(r.config.device_rules.size(), 1u);
  EXPECT_EQ(r.config.device_rules[0].set.allowed_cpus->to_list(), "2-3,6-7");
  EXPECT_EQ(r.warning_text(),
            "warning: t.toml:2:15: daemon.banned_cpus: CPU 9 does not exist on this host (its CPUs: 0-7): left out here\n"
            "warning: t.toml:5:16: device.allowed_cpus: 'node1,node2': this host has no node2 (nodes with CPUs here: "
            "0-1): that item is left out here\n");
}

sysfs::NicInfo nic(std::string name, bool up, int queue_irq = -1) {
  sysfs::NicInfo n;
  n.name = std::move(name);
  n.up = up;
  n.rx.push_back({});
  if (queue_irq >= 0) n.rx[0].irqs.push_back(queue_irq);
  return n;
}

Config parse(const std::string& text) {
  auto r = read(text);
  EXPECT_TRUE(r.ok()) << r.error_text();
  return r.config;
}

Lines left(const Config& c, const sysfs::Inventory& inv) {
  Lines out;
  for (const auto& l : devices_left_alone(c, inv)) out.push_back(l.device + ": " + l.reason);
  return out;
}

TEST(DeviceFilter, DownDevicesWithoutQueueIrqsIgnoreRulesAndGlobs) {
  sysfs::Inventory inv;
  inv.nics = {nic("docker0", true), nic("eth0", true, 30), nic("eth1", false, 31), nic("ifb0", false), nic("veth0", true),
              nic("veth1", false)};
  // Defaults: only what is down and has no queue IRQs; a down NIC with its IRQs stays planned.
  EXPECT_EQ(left(Config{}, inv),
            (Lines{"ifb0: down and without queue IRQs (planned once up; [daemon] plan_down_devices plans it now)",
                   "veth1: down and without queue IRQs (planned once up; [daemon] plan_down_devices plans it now)"}));
  Config c = parse("[daemon]\nexclude_devices = [\"docker*\"]\nplan_down_devices = [\"veth*\"]\n"
                   "[[device]]\nname = \"eth*\"\nignore = true\n[[device]]\nname = \"eth0\"\nignore = false\n");
  EXPECT_EQ(left(c, inv), (Lines{"docker0: excluded by [daemon] exclude_devices \"docker*\"",
                                 "eth1: ignored (config: [[device]] at t.toml:4:1)",
                                 "ifb0: down and without queue IRQs (planned once up; [daemon] plan_down_devices plans it now)"}));
  c = parse("[daemon]\ndevices = [\"eth*\"]\n");
  EXPECT_EQ(left(c, inv).size(), 4u);
  EXPECT_EQ(left(c, inv)[0], "docker0: not in [daemon] devices");
}

TEST(DeviceFilter, LeftDevicesLoseTheirIrqsForGood) {
  sysfs::Inventory inv;
  inv.nics = {nic("eth0", true, 30), nic("eth1", true, 31), nic("eth2", true, 32)};
  for (int i = 30; i <= 32; ++i) {
    sysfs::IrqInfo irq;
    irq.irq = i;
    irq.cls = sysfs::IrqClass::kQueue;
    irq.device = "eth" + std::to_string(i - 30);
    inv.irqs.push_back(irq);
  }
  leave_devices(inv, {{"eth1", "ignored (config)"}}, {"eth0", "eth1"});
  ASSERT_EQ(inv.nics.size(), 1u);
  EXPECT_EQ(inv.nics[0].name, "eth0");
  EXPECT_EQ(inv.irqs[1].cls, sysfs::IrqClass::kOther);
  EXPECT_EQ(inv.irqs[1].error, "its device eth1 is left alone: ignored (config)");  // never placed
  EXPECT_EQ(inv.irqs[2].cls, sysfs::IrqClass::kOther);
  // Out of --device's scope: not network, and never placed as a non-network IRQ either.
  EXPECT_EQ(inv.irqs[2].error, "its device eth2 is outside --device");
}

TEST(ConfigCheck, RulesThatMatchNothingManagedPinsAndPinsOutsideAllowedCpus) {
  sysfs::Inventory inv;
  inv.nics = {nic("eth0", true, 30)};
  sysfs::IrqInfo queue;
  queue.irq = 30;
  queue.name = "eth0-TxRx-0";
  queue.cls = sysfs::IrqClass::kQueue;
  queue.device = "eth0";
  sysfs::IrqInfo managed;
  managed.irq = 40;
  managed.name = "nvme0q1";
  managed.cls = sysfs::IrqClass::kManaged;
  inv.irqs = {queue, managed};
  auto r = read("[daemon]\ndevices = [\"ens*\"]\n[[device]]\nname = \"eth0\"\nallowed_cpus = \"0-1\"\n"
                "[[device]]\ndriver = \"mlx5*\"\nrps = \"off\"\n"
                "[[irq]]\nnumber = 30\npin = \"2\"\n[[irq]]\nname = \"nvme*\"\npin = \"1\"\n[[irq]]\nnumber = 99\nignore = true\n");
  ASSERT_TRUE(r.ok()) << r.error_text();
  check_against_inventory(r, inv);
  // (t.toml is no file the loader read, so the warning without a location sorts first here)
  EXPECT_EQ(r.warning_text(),
            "warning: daemon.devices: no glob matches a device on this host: irqd plans none (devices here: eth0)\n"
            "warning: t.toml:6:1: device: the rule matches no device on this host (devices here: eth0)\n"
            "warning: t.toml:9:1: irq.pin: IRQ 30 (eth0-TxRx-0) is pinned to CPUs 2 outside eth0's allowed_cpus 0-1 "
            "(the pin wins)\n"
            "warning: t.toml:12:1: irq.pin: IRQ 40 (nvme0q1) is kernel-managed: its affinity cannot be written, the pin "
            "does nothing\n"
            "warning: t.toml:15:1: irq: the rule matches no IRQ on this host\n");
}

}  // namespace
}  // namespace irqd::config
