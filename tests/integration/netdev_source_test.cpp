// Integration tests of KernelNetdevSource against the real kernel, on veth inside a fresh network
// namespace (nothing of the host is set; the host is only dumped read-only): threaded NAPIs'
// pids, napi-set of the NAPI parameters and of per-NAPI threaded read back through napi-get,
// kernel errors with their extended-ack text, and, under IRQD_TEST_NETDEV, the answers of every
// older kernel (netdev_pretend.hpp).
#include <gtest/gtest.h>
#include <net/if.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "netlink/kernel_netdev_source.hpp"
#include "netlink/recorded_netdev_source.hpp"
#include "tests/integration/netdev_pretend.hpp"
#include "tests/integration/netns.hpp"

namespace irqd::netlink {
namespace {

using irqd::testing::kernel_at_least;
using irqd::testing::kernel_features;
using irqd::testing::kernel_options;
using irqd::testing::NetNs;

constexpr char kA[] = "irqdna";  // the end with GRO (and so NAPIs)
constexpr char kB[] = "irqdnb";

std::string comm_of(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/comm");
  std::string s;
  std::getline(in, s);
  return s;
}

class NetdevSourceNs : public ::testing::Test {
 protected:
  void SetUp() override {
    IRQD_REQUIRE_NETNS();
    ns_ = std::make_unique<NetNs>();
    ns_->add_veth(kA, kB, 4, 4);
    auto in = ns_->enter();
    ASSERT_NO_FATAL_FAILURE(irqd::testing::enable_gro(kA));  // veth then has one NAPI per RX queue
    ifindex_ = static_cast<int>(if_nametoindex(kA));
    ASSERT_GT(ifindex_, 0);
  }

  // A source of the namespace, as IRQD_TEST_NETDEV presents the kernel.
  std::unique_ptr<KernelNetdevSource> source() const {
    auto in = ns_->enter();
    return std::make_unique<KernelNetdevSource>(kernel_options());
  }

  // The NAPIs of kA, by id; nullopt when the kernel (as presented) has no napi-get.
  std::optional<std::vector<NapiInfo>> napis_of_a() const {
    auto napis = source()->napis();
    if (!napis) return std::nullopt;
    std::vector<NapiInfo> out;
    for (const auto& n : *napis)
      if (n.ifindex == ifindex_) out.push_back(n);
    std::sort(out.begin(), out.end(),
              [](const NapiInfo& x, const NapiInfo& y) { return x.id < y.id; });
    return out;
  }

  std::unique_ptr<NetNs> ns_;
  int ifindex_ = 0;
};

TEST_F(NetdevSourceNs, FeaturesOfThisKernel) {
  const NetdevFeatures f = source()->features();
  EXPECT_EQ(f, kernel_features());
  const NetdevOptions o = kernel_options();
  if (kernel_at_least(6, 17) && o.family == "netdev") {
    EXPECT_TRUE(f.family);
    EXPECT_EQ(f.queue_get, !o.without_queue_get);
    EXPECT_EQ(f.napi_get, !o.without_napi_get);
    EXPECT_EQ(f.qstats_get, !o.without_qstats_get);
    EXPECT_EQ(f.napi_set, !o.without_napi_set);
    EXPECT_EQ(f.napi_irq_suspend_timeout, !o.without_napi_set);
    EXPECT_EQ(f.napi_threaded, !o.without_napi_set && !o.without_napi_threaded);
  }
  if (o.family != "netdev") {
    EXPECT_EQ(f, NetdevFeatures{});
  }
}

TEST_F(NetdevSourceNs, ThreadedNapisShowTheirKthreads) {
  ns_->run_checked(std::string("echo 1 > /sys/class/net/") + kA + "/threaded");
  const auto napis = napis_of_a();
  if (!kernel_features().napi_get) {
    EXPECT_FALSE(napis.has_value());
    return;
  }
  ASSERT_TRUE(napis.has_value());
  ASSERT_EQ(napis->size(), 4U);
  for (const auto& n : *napis) {
    SCOPED_TRACE(n.id);
    EXPECT_EQ(n.irq, -1);  // veth has no IRQs
    ASSERT_GT(n.pid, 0);
    EXPECT_EQ(comm_of(n.pid), "napi/" + std::string(kA) + "-" + std::to_string(n.id));
    if (kernel_features().napi_threaded) {
      EXPECT_EQ(n.threaded, true);
    } else {
      EXPECT_FALSE(n.threaded.has_value());
    }
  }
  ns_->run_checked(std::string("echo 0 > /sys/class/net/") + kA + "/threaded");
  const auto napis_after = napis_of_a();
  ASSERT_TRUE(napis_after.has_value());
  for (const auto& n : *napis_after) EXPECT_EQ(n.pid, -1) << n.id;
}

TEST_F(NetdevSourceNs, SetNapiParametersReadBack) {
  const auto before = napis_of_a();
  if (!kernel_features().napi_get) {
    EXPECT_FALSE(before.has_value());
    return;
  }
  ASSERT_TRUE(before.has_value());
  ASSERT_FALSE(before->empty());
  const int id = before->front().id;
  const NapiSettings s{
      .defer_hard_irqs = 2, .gro_flush_timeout = 20000, .irq_suspend_timeout = 1000000};
  auto src = source();
  if (!kernel_features().napi_set) {
    try {
      auto in = ns_->enter();
      src->set_napi(id, {.defer_hard_irqs = 2, .gro_flush_timeout = 20000});
      FAIL() << "napi-set on a kernel without it";
    } catch (const NetlinkError& e) {
      EXPECT_NE(std::string(e.what()).find("Linux 6.13+"), std::string::npos) << e.what();
    }
    for (const auto& n : *before)
      EXPECT_FALSE(n.defer_hard_irqs || n.gro_flush_timeout || n.irq_suspend_timeout);
    return;
  }
  {
    auto in = ns_->enter();
    src->set_napi(id, s);
  }
  const auto napis_after = napis_of_a();
  ASSERT_TRUE(napis_after.has_value());
  for (const auto& n : *napis_after) {
    SCOPED_TRACE(n.id);
    EXPECT_EQ(n.defer_hard_irqs, n.id == id ? 2U : 0U);
    EXPECT_EQ(n.gro_flush_timeout, n.id == id ? 20000U : 0U);
    EXPECT_EQ(n.irq_suspend_timeout, n.id == id ? 1000000U : 0U);
  }
}

TEST_F(NetdevSourceNs, PerNapiThreaded) {
  const auto before = napis_of_a();
  if (!kernel_features().napi_get) {
    EXPECT_FALSE(before.has_value());
    return;
  }
  ASSERT_TRUE(before.has_value() && !before->empty());
  const int id = before->back().id;
  auto src = source();
  auto in = ns_->enter();
  if (!kernel_features().napi_threaded) {
    EXPECT_THROW(src->set_napi(id, {.threaded = true}), NetlinkError);
    return;
  }
  src->set_napi(id, {.threaded = true});
  const auto napis_after = src->napis();
  ASSERT_TRUE(napis_after.has_value());
  for (const auto& n : *napis_after) {
    if (n.ifindex != ifindex_) continue;
    SCOPED_TRACE(n.id);
    EXPECT_EQ(n.threaded, n.id == id);
    if (n.id == id) {
      ASSERT_GT(n.pid, 0);
      EXPECT_EQ(comm_of(n.pid), "napi/" + std::string(kA) + "-" + std::to_string(id));
    } else {
      EXPECT_EQ(n.pid, -1);
    }
  }
  src->set_napi(id, {.threaded = false});
  const auto napis_unset = src->napis();
  ASSERT_TRUE(napis_unset.has_value());
  for (const auto& n : *napis_unset)
    if (n.id == id) {
      EXPECT_EQ(n.pid, -1);
    }
}

TEST_F(NetdevSourceNs, KernelErrorsCarryTheirReason) {
  auto src = source();
  auto in = ns_->enter();
  if (!kernel_features().napi_set) {
    EXPECT_THROW(src->set_napi(1, {.defer_hard_irqs = 1}), NetlinkError);
    return;
  }
  try {
    src->set_napi(0x7ffffff0, {.defer_hard_irqs = 1});
    FAIL() << "napi-set of an unknown NAPI succeeded";
  } catch (const KernelError& e) {
    EXPECT_EQ(e.error(), ENOENT) << e.what();
  }
  try {
    src->set_napi(1, {.defer_hard_irqs = 0xffffffffU});  // above the policy's S32_MAX
    FAIL() << "napi-set of an out-of-range value succeeded";
  } catch (const KernelError& e) {
    EXPECT_EQ(e.error(), ERANGE) << e.what();
    EXPECT_EQ(e.ext_ack(), "integer out of range");
  }
}

TEST_F(NetdevSourceNs, VethHasNoQueueStats) {
  auto stats = source()->queue_stats();
  if (!kernel_features().qstats_get) {
    EXPECT_FALSE(stats.has_value());
    return;
  }
  ASSERT_TRUE(stats.has_value());
  for (const auto& s : *stats) EXPECT_NE(s.ifindex, ifindex_) << "veth reports no per-queue stats";
}

// A dump longer than one datagram (~16 KiB here): netdev's dump messages carry no NLM_F_MULTI,
// so only NLMSG_DONE may end the reply. 2 x 2 x 256 queues are about 90 KiB.
TEST(NetdevSourceLongDump, EveryQueueOfAManyQueueDevice) {
  IRQD_REQUIRE_NETNS();
  NetNs ns;
  ns.add_veth("irqdla", "irqdlb", 256, 256);
  auto in = ns.enter();
  KernelNetdevSource src(kernel_options());
  const auto queues = src.queues();
  if (!kernel_features().queue_get) {
    EXPECT_FALSE(queues.has_value());
    return;
  }
  ASSERT_TRUE(queues.has_value());
  const int a = static_cast<int>(if_nametoindex("irqdla"));
  const int b = static_cast<int>(if_nametoindex("irqdlb"));
  EXPECT_EQ(std::count_if(queues->begin(), queues->end(),
                          [a, b](const QueueIrq& q) { return q.ifindex == a || q.ifindex == b; }),
            1024);
  // The socket is left clean: a second dump on it works (an unfinished one answers EBUSY).
  EXPECT_EQ(src.queues()->size(), queues->size());
}

// What the kernel answered, recorded (as netdev_capture does) and replayed, is the same answer.
TEST_F(NetdevSourceNs, RecordedRepliesReplayAsTheKernelAnswered) {
  ns_->run_checked(std::string("echo 1 > /sys/class/net/") + kA + "/threaded");
  std::map<std::string, std::vector<std::byte>> replies;
  const auto recorder = [&replies](std::string_view name, Bytes reply) {
    replies[std::string(name)].assign(reply.begin(), reply.end());
  };
  NetdevFeatures features;
  std::optional<std::vector<QueueIrq>> queues;
  std::optional<std::vector<NapiInfo>> napis;
  std::optional<std::vector<QueueStats>> stats;
  {
    auto in = ns_->enter();
    KernelNetdevSource kernel(kernel_options(), recorder);
    features = kernel.features();
    queues = kernel.queues();
    napis = kernel.napis();
    stats = kernel.queue_stats();
  }
  EXPECT_EQ(replies.count("family"), 1U);
  RecordedNetdevSource replay(replies, kernel_options());
  EXPECT_EQ(replay.features(), features);
  EXPECT_EQ(replay.queues(), queues);
  EXPECT_EQ(replay.napis(), napis);
  EXPECT_EQ(replay.queue_stats(), stats);
}

// Read-only: the host's own devices, dumped, never set.
TEST(NetdevSourceHost, QueueStatsOfTheHostAreConsistent) {
  KernelNetdevSource src(kernel_options());
  const auto stats = src.queue_stats();
  if (!kernel_features().qstats_get) {
    EXPECT_FALSE(stats.has_value());
    return;
  }
  ASSERT_TRUE(stats.has_value());
  const auto queues = src.queues();
  ASSERT_TRUE(queues.has_value());
  for (const auto& s : *stats) {
    SCOPED_TRACE(s.ifindex);
    EXPECT_GE(s.queue, 0);
    const bool listed = std::any_of(queues->begin(), queues->end(), [&s](const QueueIrq& q) {
      return q.ifindex == s.ifindex && q.queue == s.queue && q.rx == s.rx;
    });
    EXPECT_TRUE(listed) << "stats for a queue queue-get does not list";
    if (s.packets && s.bytes) {
      EXPECT_GE(*s.bytes, *s.packets);
    }
  }
}

}  // namespace
}  // namespace irqd::netlink
