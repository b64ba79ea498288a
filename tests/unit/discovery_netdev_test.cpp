// discover() with an injected netdev source (RecordedNetdevSource on the real 6.18 replies of
// tests/fixtures/netlink) on a synthetic tree shaped like the machine they were captured on:
// queue -> NAPI -> IRQ -> thread in the inventory, the notes of every older kernel (each once),
// and failures that leave discovery on msi_irqs and IRQ names.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "irqd/engine/discover.hpp"
#include "irqd/engine/discover_netdev.hpp"
#include "netlink/recorded_netdev_source.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/support/synthetic_tree.hpp"

namespace irqd {
namespace {

using netlink::NetdevOptions;
using netlink::RecordedNetdevSource;
using testing::fixture;
using testing::SyntheticTree;

// The capture machine: lo, ifb0 (2), ifb1 (3), eth0 (4, virtio_net on virtio2 at 0000:00:03.0
// with IRQs 37 config, 38 input.0, 39 output.0).
struct VirtioGuest {
  SyntheticTree tree{2};
  VirtioGuest() {
    tree.add_nic({.name = "ifb0", .driver = "", .rx = 1, .tx = 1});
    tree.add_nic({.name = "ifb1", .driver = "", .rx = 1, .tx = 1});
    tree.add_nic({.name = "eth0",
                  .pci = "0000:00:03.0",
                  .virtio = "virtio2",
                  .driver = "virtio_net",
                  .rx = 1,
                  .tx = 1,
                  .msi_irqs = {37, 38, 39}});
    for (auto [irq, name] :
         {std::pair{37, "virtio2-config"}, {38, "virtio2-input.0"}, {39, "virtio2-output.0"}})
      tree.add_irq({.irq = irq, .name = name, .chip = "PCI-MSIX-0000:00:03.0"});
    tree.finish();
  }
  Discovery discover_with(netlink::NetdevSource* source) const {
    return irqd::discover(sysfs::SysRoot(tree.root()),
                          DiscoverOptions{.use_netlink = true, .netdev = source});
  }
};

// The veth namespace: cap0b (2), cap0a (3, the end with GRO and 4 NAPIs), 4 queues each.
struct VethNamespace {
  SyntheticTree tree{2};
  VethNamespace() {
    tree.add_nic({.name = "cap0b", .driver = "veth", .rx = 4, .tx = 4});
    tree.add_nic({.name = "cap0a", .driver = "veth", .rx = 4, .tx = 4});
    tree.finish();
  }
};

std::vector<std::string> netdev_warnings(const Discovery& d) {
  std::vector<std::string> out;
  for (const auto& w : d.warnings)
    if (w.find("netdev") != std::string::npos) out.push_back(w);
  return out;
}

TEST(DiscoveryNetdev, QueueNapiIrqThreadFromTheFamily) {
  VirtioGuest g;
  RecordedNetdevSource source(fixture("netlink/virtio-napi-irq"));
  const Discovery d = g.discover_with(&source);
  EXPECT_TRUE(netdev_warnings(d).empty()) << netdev_warnings(d).front();
  EXPECT_TRUE(d.netdev.family && d.netdev.qstats_get && d.netdev.napi_set &&
              d.netdev.napi_threaded);
  const sysfs::IrqInfo* irq = d.inventory.irq(38);
  ASSERT_NE(irq, nullptr);
  EXPECT_EQ(irq->source, sysfs::MappingSource::kNetdevGenl);
  EXPECT_EQ(irq->device, "eth0");
  EXPECT_EQ(irq->queue, 0);
  EXPECT_EQ(irq->role, sysfs::QueueRole::kRx);
  const sysfs::NicInfo* eth0 = d.inventory.nic("eth0");
  ASSERT_NE(eth0, nullptr);
  ASSERT_EQ(eth0->napis.size(), 1U);
  EXPECT_EQ(eth0->napis[0], (sysfs::NicNapi{.id = 257,
                                            .irq = 38,
                                            .pid = 812,
                                            .threaded = false,
                                            .defer_hard_irqs = 0,
                                            .gro_flush_timeout = 0,
                                            .irq_suspend_timeout = 0}));
  ASSERT_EQ(eth0->rx.size(), 1U);
  EXPECT_EQ(eth0->rx[0].napi_id, 257);
  EXPECT_EQ(eth0->rx[0].irqs, std::vector<int>{38});
  EXPECT_EQ(eth0->tx[0].napi_id, -1);  // TX 0 has no NAPI of its own
}

TEST(DiscoveryNetdev, NapiWithoutIrqLeavesTheMappingToMsiIrqs) {
  VirtioGuest g;
  RecordedNetdevSource source(fixture("netlink/host-virtio"));
  const Discovery d = g.discover_with(&source);
  EXPECT_TRUE(netdev_warnings(d).empty());
  EXPECT_EQ(d.inventory.irq(38)->source, sysfs::MappingSource::kMsiIrqs);
  EXPECT_EQ(d.inventory.irq(38)->queue, 0);  // from the name "virtio2-input.0"
  const sysfs::NicInfo* eth0 = d.inventory.nic("eth0");
  ASSERT_EQ(eth0->napis.size(), 1U);
  EXPECT_EQ(eth0->napis[0].irq, -1);
  EXPECT_EQ(eth0->rx[0].napi_id, 257);
}

TEST(DiscoveryNetdev, ThreadedVethNapisCarryTheirPids) {
  VethNamespace ns;
  RecordedNetdevSource source(fixture("netlink/veth-gro-threaded"));
  const Discovery d =
      irqd::discover(sysfs::SysRoot(ns.tree.root()), DiscoverOptions{.netdev = &source});
  const sysfs::NicInfo* a = d.inventory.nic("cap0a");
  ASSERT_NE(a, nullptr);
  ASSERT_EQ(a->napis.size(), 4U);
  std::vector<int> pids;
  for (const auto& n : a->napis) {
    pids.push_back(n.pid);
    EXPECT_EQ(n.threaded, true);
    EXPECT_EQ(n.irq, -1);
  }
  EXPECT_EQ(pids, (std::vector<int>{21347, 21346, 21345, 21344}));  // by NAPI id 978..981
  EXPECT_TRUE(d.inventory.nic("cap0b")->napis.empty());
  for (const auto& q : a->rx) EXPECT_EQ(q.napi_id, -1);  // veth links no queue to a NAPI
}

TEST(DiscoveryNetdev, WithoutTheSourceNothingIsAskedOnAFixtureRoot) {
  VirtioGuest g;
  const Discovery d = irqd::discover(sysfs::SysRoot(g.tree.root()), DiscoverOptions{});
  EXPECT_EQ(d.netdev, netlink::NetdevFeatures{});
  EXPECT_TRUE(d.inventory.nic("eth0")->napis.empty());
  EXPECT_TRUE(netdev_warnings(d).empty());
  RecordedNetdevSource source(fixture("netlink/virtio-napi-irq"));
  const Discovery off = irqd::discover(sysfs::SysRoot(g.tree.root()),
                                       DiscoverOptions{.use_netlink = false, .netdev = &source});
  EXPECT_TRUE(off.inventory.nic("eth0")->napis.empty());
}

struct OldKernel {
  const char* name;
  NetdevOptions opts;
  std::vector<std::string> notes;  // the start of each note, in order
};

TEST(DiscoveryNetdev, EveryOlderKernelIsNotedOnceAndFallsBack) {
  const std::vector<OldKernel> kernels = {
      {"6.1", {.family = "irqd-absent"}, {"netdev genetlink: no netdev family (Linux 6.2+"}},
      {"6.7",
       {.without_queue_get = true,
        .without_napi_get = true,
        .without_qstats_get = true,
        .without_napi_set = true},
       {"netdev genetlink: no queue-get (Linux 6.8+)", "netdev genetlink: no napi-get (Linux 6.8+)",
        "netdev genetlink: no qstats-get (Linux 6.9+)",
        "netdev genetlink: no napi-set (Linux 6.13+)",
        "netdev genetlink: no per-NAPI threaded (Linux 6.17+)"}},
      {"6.8",
       {.without_qstats_get = true, .without_napi_set = true},
       {"netdev genetlink: no qstats-get (Linux 6.9+): queue load from interrupt counts",
        "netdev genetlink: no napi-set (Linux 6.13+)",
        "netdev genetlink: no per-NAPI threaded (Linux 6.17+)"}},
      {"6.12",
       {.without_napi_set = true},
       {"netdev genetlink: no napi-set (Linux 6.13+)",
        "netdev genetlink: no per-NAPI threaded (Linux 6.17+)"}},
      {"6.16",
       {.without_napi_threaded = true},
       {"netdev genetlink: no per-NAPI threaded (Linux 6.17+)"}},
  };
  for (const auto& k : kernels) {
    SCOPED_TRACE(k.name);
    VirtioGuest g;
    RecordedNetdevSource source(fixture("netlink/virtio-napi-irq"), k.opts);
    const Discovery d = g.discover_with(&source);
    const auto notes = netdev_warnings(d);
    ASSERT_EQ(notes.size(), k.notes.size()) << ::testing::PrintToString(notes);
    for (std::size_t i = 0; i < notes.size(); ++i)
      EXPECT_EQ(notes[i].rfind(k.notes[i], 0), 0U) << notes[i];
    // The queue IRQ is still found, by msi_irqs and its name, where the family cannot say.
    const sysfs::IrqInfo* irq = d.inventory.irq(38);
    EXPECT_EQ(irq->queue, 0);
    EXPECT_EQ(irq->device, "eth0");
    const bool genl = k.opts.family == "netdev" && !k.opts.without_queue_get;
    EXPECT_EQ(irq->source,
              genl ? sysfs::MappingSource::kNetdevGenl : sysfs::MappingSource::kMsiIrqs);
    const auto& napis = d.inventory.nic("eth0")->napis;
    if (k.opts.family != "netdev" || k.opts.without_napi_get) {
      EXPECT_TRUE(napis.empty());
      continue;
    }
    ASSERT_EQ(napis.size(), 1U);
    EXPECT_EQ(napis[0].pid, 812);  // 6.8's pid is there on every kernel with napi-get
    EXPECT_EQ(napis[0].defer_hard_irqs.has_value(), !k.opts.without_napi_set);
    EXPECT_EQ(napis[0].threaded.has_value(),
              !k.opts.without_napi_set && !k.opts.without_napi_threaded);
  }
}

TEST(DiscoveryNetdev, BrokenRepliesWarnAndFallBack) {
  {
    VirtioGuest g;  // queue-get cannot be parsed: warning, msi_irqs and names map the queues
    RecordedNetdevSource source(fixture("netlink/bad-attribute-length"));
    const Discovery d = g.discover_with(&source);
    const auto w = netdev_warnings(d);
    ASSERT_EQ(w.size(), 1U);
    EXPECT_NE(w[0].find("malformed reply"), std::string::npos) << w[0];
    EXPECT_NE(w[0].find("falling back to msi_irqs and IRQ names"), std::string::npos) << w[0];
    EXPECT_EQ(d.inventory.irq(38)->source, sysfs::MappingSource::kMsiIrqs);
  }
  {
    VethNamespace ns;  // napi-get cut short: the queues stay, without NAPIs
    RecordedNetdevSource source(fixture("netlink/truncated-napi-get"));
    const Discovery d =
        irqd::discover(sysfs::SysRoot(ns.tree.root()), DiscoverOptions{.netdev = &source});
    const auto w = netdev_warnings(d);
    ASSERT_EQ(w.size(), 1U);
    EXPECT_NE(w[0].find("napi-get"), std::string::npos);
    EXPECT_NE(w[0].find("queues without their NAPIs' IRQs"), std::string::npos) << w[0];
    EXPECT_TRUE(d.inventory.nic("cap0a")->napis.empty());
  }
  {
    VirtioGuest g;  // no family reply at all: the controller could not be asked
    RecordedNetdevSource source(std::map<std::string, std::vector<std::byte>>{});
    const Discovery d = g.discover_with(&source);
    const auto w = netdev_warnings(d);
    ASSERT_EQ(w.size(), 1U);
    EXPECT_NE(w[0].find("no family.bin"), std::string::npos) << w[0];
    EXPECT_EQ(d.netdev, netlink::NetdevFeatures{});
    EXPECT_EQ(d.inventory.irq(38)->source, sysfs::MappingSource::kMsiIrqs);
  }
}

TEST(DiscoveryNetdev, NotesOfAKernelWithEverything) {
  EXPECT_TRUE(missing_netdev_notes({.family = true,
                                    .queue_get = true,
                                    .napi_get = true,
                                    .qstats_get = true,
                                    .napi_set = true,
                                    .napi_irq_suspend_timeout = true,
                                    .napi_threaded = true})
                  .empty());
  EXPECT_EQ(missing_netdev_notes({}).size(), 1U);
}

}  // namespace
}  // namespace irqd
