// NAPI policy: per-device NAPI settings on every NAPI the kernel reports them for, threaded
// NAPIs' kthreads next to their IRQ (SMT sibling by default) or spread when they have none, the
// device-wide files for what the kernel cannot set per NAPI (6.1: nothing per NAPI; 6.13: all but
// threaded), and a note saying what went where and what is left.
#include <gtest/gtest.h>

#include "config/rules.hpp"
#include "tests/unit/steering_support.hpp"

namespace irqd::policies {
namespace {

using namespace steering_test;  // NOLINT: test builders

sysfs::NicNapi napi(int id, int irq, int pid, bool modern = true) {
  sysfs::NicNapi n;
  n.id = id;
  n.irq = irq;
  n.pid = pid;
  if (modern) {
    n.threaded = pid > 0;
    n.defer_hard_irqs = 0;
    n.gro_flush_timeout = 0;
    n.irq_suspend_timeout = 0;
  }
  return n;
}

struct NapiCase {
  topology::Machine m = pascal();
  Inventory inv;
  config::Config cfg;
  explicit NapiCase(Irqs irqs = Irqs::kCombined) {
    add_nic(inv, {.name = "eth0", .node = 0, .rx = 2, .tx = 2, .irqs = irqs});
    auto& nic = inv.nics.front();
    const bool has_irqs = irqs != Irqs::kNone;
    nic.napis = {napi(8193, has_irqs ? 100 : -1, 501), napi(8194, has_irqs ? 101 : -1, 502)};
    inv.napis_listed = true;  // napi-get answered (6.8+)
  }
  Plan plan() {
    config::resolve_devices(cfg, inv);
    return build(m, inv, cfg);
  }
};

const NapiPlacement* find(const Plan& p, int id) {
  for (const auto& n : p.napis)
    if (n.napi_id == id) return &n;
  return nullptr;
}

TEST(NapiPlan, DeviceSettingsGoToEveryNapi) {
  NapiCase c;
  c.cfg.device_defaults.napi_defer_hard_irqs = 100;
  c.cfg.device_defaults.gro_flush_timeout = 20000;
  c.cfg.device_defaults.napi_threaded = config::NapiThreaded::kOn;
  Plan p = c.plan();
  for (int id : {8193, 8194}) {
    const auto* n = find(p, id);
    ASSERT_NE(n, nullptr) << id;
    EXPECT_EQ(n->defer_hard_irqs, 100);
    EXPECT_EQ(n->gro_flush_timeout, 20000);
    EXPECT_FALSE(n->irq_suspend_timeout) << "not configured: left as it is";
    EXPECT_EQ(n->threaded, true);
  }
}

// The reason says where the settings come from: [[device]], or the run-time overrides by name.
TEST(NapiPlan, TheReasonNamesRunTimeOverrides) {
  NapiCase c;
  c.cfg.device_defaults.gro_flush_timeout = 20000;
  Plan configured = c.plan();
  ASSERT_NE(find(configured, 8193), nullptr);
  EXPECT_EQ(find(configured, 8193)->reason.rfind("[[device]] napi settings of eth0", 0), 0u)
      << find(configured, 8193)->reason;
  c.cfg.device_overrides["eth0"].napi_defer_hard_irqs = 2;
  c.cfg.device_overrides["eth0"].napi_threaded = config::NapiThreaded::kOn;
  Plan overridden = c.plan();
  const auto* n = find(overridden, 8193);
  ASSERT_NE(n, nullptr);
  EXPECT_EQ(n->defer_hard_irqs, 2);
  EXPECT_EQ(n->reason.rfind("napi settings of eth0 (run-time: defer_hard_irqs, threaded)", 0), 0u)
      << n->reason;
}

TEST(NapiPlan, ThreadedKthreadsGoToTheSmtSiblingOfTheirIrqsCpu) {
  NapiCase c;
  Plan p = c.plan();  // nothing configured: only the kthreads are placed
  for (auto [id, irq] : {std::pair{8193, 100}, std::pair{8194, 101}}) {
    const auto* n = find(p, id);
    ASSERT_NE(n, nullptr) << id;
    const int cpu = irq_cpu(p, irq);
    ASSERT_TRUE(n->thread_cpus);
    const CpuSet sibling = c.m.smt_siblings(cpu) - CpuSet::of({cpu});
    EXPECT_EQ(*n->thread_cpus, sibling) << "IRQ on " << cpu << ": " << n->reason;
    EXPECT_NE(n->reason.find("SMT sibling"), std::string::npos) << n->reason;
  }
  c.cfg.device_defaults.napi_thread_cpus = config::NapiThreadCpus::kSameL3;
  p = c.plan();
  EXPECT_EQ(*find(p, 8193)->thread_cpus, c.m.l3_cpus(irq_cpu(p, 100)));
  c.cfg.device_defaults.napi_threaded = config::NapiThreaded::kOff;
  p = c.plan();
  ASSERT_NE(find(p, 8193), nullptr);
  EXPECT_FALSE(find(p, 8193)->thread_cpus) << "a NAPI being switched off threading keeps no kthread placement";
}

TEST(NapiPlan, KthreadsWithoutAnIrqAreSpreadOverTheDevicesCpus) {
  NapiCase c(Irqs::kNone);
  Plan p = c.plan();
  const auto *a = find(p, 8193), *b = find(p, 8194);
  ASSERT_TRUE(a && b && a->thread_cpus && b->thread_cpus);
  EXPECT_NE(*a->thread_cpus, *b->thread_cpus);
  EXPECT_TRUE(a->thread_cpus->is_subset_of(c.m.node_cpus(0))) << a->reason;
}

TEST(NapiPlan, WhatTheKernelCannotSetPerNapiNorDeviceWideIsANoteNotAWrite) {
  NapiCase c;
  for (auto& n : c.inv.nics.front().napis) n = napi(n.id, n.irq, -1, /*modern=*/false);  // a 6.8 kernel
  c.cfg.device_defaults.napi_defer_hard_irqs = 2;
  c.cfg.device_defaults.napi_threaded = config::NapiThreaded::kOn;
  Plan p = c.plan();  // and no device-wide files (a captured tree of an older kernel)
  EXPECT_TRUE(p.napis.empty());
  EXPECT_TRUE(p.device_napi.empty());
  bool noted = false;
  for (const auto& note : p.notes)
    noted |= note.find("this kernel cannot set per NAPI: napi_threaded (6.17+), napi_defer_hard_irqs (6.13+)") !=
                 std::string::npos &&
             note.find("left as they are: napi_threaded (no /sys/class/net/eth0/threaded on this kernel)") !=
                 std::string::npos;
  EXPECT_TRUE(noted) << ::testing::PrintToString(p.notes);
}

const DeviceNapiSetting* device_wide(const Plan& p, const std::string& file) {
  for (const auto& d : p.device_napi)
    if (d.file == file) return &d;
  return nullptr;
}

std::string notes_of(const Plan& p) { return ::testing::PrintToString(p.notes); }

// Debian 12's 6.1: no netdev family, so no NAPI list; the device-wide files exist (5.10+, 5.12+).
TEST(NapiPlan, Kernel61SetsThreadedDeferAndGroDeviceWideAndNotesWhatIsLeft) {
  NapiCase c;
  c.inv.napis_listed = false;
  auto& nic = c.inv.nics.front();
  nic.napis.clear();
  nic.device_napi = {.threaded = 0, .napi_defer_hard_irqs = 0, .gro_flush_timeout = 0};
  c.cfg.device_defaults.napi_threaded = config::NapiThreaded::kOn;
  c.cfg.device_defaults.napi_defer_hard_irqs = 2;
  c.cfg.device_defaults.gro_flush_timeout = 20000;
  c.cfg.device_defaults.irq_suspend_timeout = 1000000;
  Plan p = c.plan();
  EXPECT_TRUE(p.napis.empty());
  ASSERT_EQ(p.device_napi.size(), 3u);
  const auto* threaded = device_wide(p, "threaded");
  const auto* defer = device_wide(p, "napi_defer_hard_irqs");
  const auto* gro = device_wide(p, "gro_flush_timeout");
  ASSERT_TRUE(threaded && defer && gro);
  EXPECT_EQ(threaded->value, 1);
  EXPECT_EQ(defer->value, 2);
  EXPECT_EQ(gro->value, 20000);
  EXPECT_EQ(threaded->device, "eth0");
  EXPECT_EQ(threaded->reason,
            "device-wide /sys/class/net/eth0/threaded: NAPIs unknown (no netdev napi-get: Linux 6.8+), so no "
            "per-NAPI threaded (6.17+)");
  EXPECT_NE(defer->reason.find("device-wide /sys/class/net/eth0/napi_defer_hard_irqs"), std::string::npos);
  const std::string notes = notes_of(p);
  EXPECT_NE(notes.find("eth0: NAPIs unknown (no netdev napi-get: Linux 6.8+), so not set per NAPI: napi_threaded "
                       "(6.17+), napi_defer_hard_irqs (6.13+), gro_flush_timeout (6.13+), irq_suspend_timeout "
                       "(6.13+); set device-wide instead: /sys/class/net/eth0/threaded, "
                       "/sys/class/net/eth0/napi_defer_hard_irqs, /sys/class/net/eth0/gro_flush_timeout; left as "
                       "they are: irq_suspend_timeout (no device-wide file exists)"),
            std::string::npos)
      << notes;
  EXPECT_NE(notes.find("its NAPI kthreads are not placed"), std::string::npos) << notes;

  c.cfg.devices.clear();  // resolved from the defaults again
  c.cfg.device_defaults.napi_threaded = config::NapiThreaded::kOff;
  p = c.plan();
  ASSERT_NE(device_wide(p, "threaded"), nullptr);
  EXPECT_EQ(device_wide(p, "threaded")->value, 0);
  EXPECT_EQ(notes_of(p).find("kthreads are not placed"), std::string::npos) << "no kthread to place";
}

// 6.13 - 6.16: napi-set takes defer-hard-irqs, gro-flush-timeout and irq-suspend-timeout per NAPI,
// threaded only device-wide; once threading runs, napi-get gives the kthreads' pids and they are placed.
TEST(NapiPlan, Kernel613SetsPerNapiWhatItCanAndThreadedDeviceWideThenPlacesTheKthreads) {
  NapiCase c(Irqs::kNone);
  auto& nic = c.inv.nics.front();
  for (auto& n : nic.napis) {
    n.pid = -1;  // not threaded yet
    n.threaded.reset();
  }
  nic.device_napi = {.threaded = 0, .napi_defer_hard_irqs = 0, .gro_flush_timeout = 0};
  c.cfg.device_defaults.napi_threaded = config::NapiThreaded::kOn;
  c.cfg.device_defaults.napi_defer_hard_irqs = 2;
  c.cfg.device_defaults.gro_flush_timeout = 20000;
  Plan p = c.plan();
  ASSERT_EQ(p.device_napi.size(), 1u) << "only threaded is device-wide";
  EXPECT_EQ(p.device_napi[0].file, "threaded");
  EXPECT_EQ(p.device_napi[0].value, 1);
  EXPECT_EQ(p.device_napi[0].reason,
            "device-wide /sys/class/net/eth0/threaded: this kernel has no per-NAPI threaded (6.17+); its kthreads "
            "are placed once they run (the next discovery gives their pids)");
  for (int id : {8193, 8194}) {
    const auto* n = find(p, id);
    ASSERT_NE(n, nullptr) << id;
    EXPECT_EQ(n->defer_hard_irqs, 2);
    EXPECT_EQ(n->gro_flush_timeout, 20000);
    EXPECT_FALSE(n->threaded) << "not per NAPI on this kernel";
    EXPECT_FALSE(n->thread_cpus) << "no kthread yet";
  }
  EXPECT_NE(notes_of(p).find("eth0: this kernel cannot set per NAPI: napi_threaded (6.17+); set device-wide "
                             "instead: /sys/class/net/eth0/threaded"),
            std::string::npos)
      << notes_of(p);

  // The next discovery: the write started the kthreads, napi-get names them.
  nic.device_napi.threaded = 1;
  nic.napis[0].pid = 501;
  nic.napis[1].pid = 502;
  p = c.plan();
  ASSERT_EQ(p.device_napi.size(), 1u);
  EXPECT_EQ(p.device_napi[0].reason.find("placed once"), std::string::npos) << p.device_napi[0].reason;
  const auto *a = find(p, 8193), *b = find(p, 8194);
  ASSERT_TRUE(a && b && a->thread_cpus && b->thread_cpus);
  EXPECT_NE(*a->thread_cpus, *b->thread_cpus) << "spread: no IRQ";
}

TEST(NapiPlan, DeviceWithoutNapisOnAKernelThatListsThemGetsNoDeviceWideWrite) {
  NapiCase c;
  auto& nic = c.inv.nics.front();
  nic.napis.clear();  // veth without GRO: no NAPI, and a threaded write would be refused
  nic.device_napi = {.threaded = 0, .napi_defer_hard_irqs = 0, .gro_flush_timeout = 0};
  c.cfg.device_defaults.napi_threaded = config::NapiThreaded::kOn;
  Plan p = c.plan();
  EXPECT_TRUE(p.device_napi.empty());
  EXPECT_NE(notes_of(p).find("the kernel lists no NAPI of this device"), std::string::npos) << notes_of(p);
}

TEST(NapiPlan, ThreadedBusyPollingIsKeptWhenThreadedIsWanted) {
  NapiCase c;
  c.inv.napis_listed = false;
  auto& nic = c.inv.nics.front();
  nic.napis.clear();
  nic.device_napi.threaded = 2;  // threaded, and the kthreads busy poll (6.18+)
  c.cfg.device_defaults.napi_threaded = config::NapiThreaded::kOn;
  Plan p = c.plan();
  ASSERT_EQ(p.device_napi.size(), 1u);
  EXPECT_EQ(p.device_napi[0].value, 2) << "planned as it is: nothing written";
  EXPECT_NE(p.device_napi[0].reason.find("busy polling): kept"), std::string::npos) << p.device_napi[0].reason;
}

}  // namespace
}  // namespace irqd::policies
