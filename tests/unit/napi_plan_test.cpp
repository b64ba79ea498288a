// NAPI policy: per-device NAPI settings on every NAPI the kernel reports them for, threaded
// NAPIs' kthreads next to their IRQ (SMT sibling by default) or spread when they have none, and a
// note for what the kernel cannot set per NAPI.
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

TEST(NapiPlan, WhatTheKernelCannotSetPerNapiIsANoteNotAWrite) {
  NapiCase c;
  for (auto& n : c.inv.nics.front().napis) n = napi(n.id, n.irq, -1, /*modern=*/false);  // a 6.8 kernel
  c.cfg.device_defaults.napi_defer_hard_irqs = 2;
  c.cfg.device_defaults.napi_threaded = config::NapiThreaded::kOn;
  Plan p = c.plan();
  EXPECT_TRUE(p.napis.empty());
  bool noted = false;
  for (const auto& note : p.notes) noted |= note.find("napi_defer_hard_irqs (6.13+)") != std::string::npos &&
                                            note.find("napi_threaded (6.17+)") != std::string::npos;
  EXPECT_TRUE(noted) << ::testing::PrintToString(p.notes);
}

}  // namespace
}  // namespace irqd::policies
