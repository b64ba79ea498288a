// Unit tests of the netdev reply parsers (netlink/genl_reply, netlink/netdev_replies) and of
// RecordedNetdevSource, on real replies of Linux 6.18 (tests/fixtures/netlink, see its README):
// what each case says, the partial answers, kernel errors with and without extended-ack text,
// malformed bytes, and every older kernel's path through NetdevOptions.
#include "netlink/netdev_replies.hpp"

#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "netlink/netdev_uapi.hpp"
#include "netlink/recorded_netdev_source.hpp"
#include "tests/support/fixtures.hpp"

namespace irqd::netlink {
namespace {

using irqd::testing::fixture;

RecordedNetdevSource recorded(const std::string& name, NetdevOptions opts = {}) {
  return RecordedNetdevSource(fixture("netlink/" + name), std::move(opts));
}

std::vector<std::byte> reply_file(const std::string& name, const std::string& reply) {
  return read_reply_file(fixture("netlink/" + name + "/" + reply + ".bin"));
}

const NetdevFeatures kLinux618{.family = true,
                               .queue_get = true,
                               .napi_get = true,
                               .qstats_get = true,
                               .napi_set = true,
                               .napi_irq_suspend_timeout = true,
                               .napi_threaded = true};

TEST(NetdevReplies, FamilyReplyListsTheOpsOf618) {
  const auto family = parse_family_reply(reply_file("veth-gro", "family"));
  ASSERT_TRUE(family.has_value());
  EXPECT_EQ(family->id, 0x14);  // as `genl ctrl get name netdev` said on that machine
  EXPECT_EQ(family->version, 1U);
  std::vector<std::uint32_t> ops;
  for (const auto& [id, flags] : family->ops) ops.push_back(id);
  EXPECT_EQ(ops, (std::vector<std::uint32_t>{1, 5, 10, 11, 12, 13, 14, 15}));
}

TEST(NetdevReplies, NoSuchFamilyIsNullopt) {
  EXPECT_FALSE(parse_family_reply(reply_file("no-family", "family")).has_value());
}

TEST(NetdevReplies, NapiSetPolicyAcceptsTheParametersAndThreaded) {
  const auto attrs =
      parse_policy_reply(reply_file("veth-gro", "policy-napi-set"), uapi::kCmdNapiSet);
  EXPECT_EQ(attrs,
            (std::set<int>{uapi::kANapiId, uapi::kANapiDeferHardIrqs, uapi::kANapiGroFlushTimeout,
                           uapi::kANapiIrqSuspendTimeout, uapi::kANapiThreaded}));
  // Another op's policy is not in that reply.
  EXPECT_TRUE(
      parse_policy_reply(reply_file("veth-gro", "policy-napi-set"), uapi::kCmdNapiGet).empty());
}

TEST(NetdevReplies, MalformedFramingThrows) {
  auto bytes = reply_file("truncated-napi-get", "napi-get");
  EXPECT_THROW(parse_napi_reply(bytes), NetlinkError);
  EXPECT_THROW(parse_queue_reply(reply_file("bad-attribute-length", "queue-get")), NetlinkError);
  // Every cut of a real reply either parses or throws NetlinkError; nothing else escapes.
  const auto full = reply_file("veth-gro-threaded", "napi-get");
  for (std::size_t n = 0; n < full.size(); ++n) {
    try {
      parse_napi_reply(Bytes(full).first(n));
    } catch (const NetlinkError&) {
    }
  }
}

TEST(NetdevReplies, ADumpWithoutDoneWasCutShort) {
  auto bytes = reply_file("veth-gro", "queue-get");
  ASSERT_EQ(parse_queue_reply(bytes).size(), 18U);
  bytes.resize(bytes.size() - 20);  // the closing NLMSG_DONE (16-byte header + int)
  EXPECT_THROW(parse_queue_reply(bytes), NetlinkError);
}

TEST(NetdevReplies, AnErrnoNoKernelSendsIsMalformed) {
  // napi-set-error's NLMSG_ERROR with its errno (after the 16-byte header) edited: INT_MIN (the
  // fuzzer's find: it cannot be negated) and a positive value are both refused.
  auto bytes = reply_file("napi-set-error", "napi-set");
  for (std::uint32_t raw : {0x80000000U, 5U}) {
    std::memcpy(bytes.data() + 16, &raw, sizeof(raw));
    EXPECT_THROW(parse_ack_reply(bytes, "napi-set"), NetlinkError) << raw;
  }
  const std::uint32_t ack = 0;
  std::memcpy(bytes.data() + 16, &ack, sizeof(ack));
  EXPECT_NO_THROW(parse_ack_reply(bytes, "napi-set"));
}

TEST(NetdevReplies, AReplyOfAnotherCommandIsRefused) {
  // A queue-get reply read as napi-get would parse (both start with two u32 ids): the command
  // each message carries refuses it.
  EXPECT_THROW(parse_napi_reply(reply_file("veth-gro", "queue-get")), NetlinkError);
  EXPECT_THROW(parse_qstats_reply(reply_file("host-virtio", "napi-get")), NetlinkError);
  EXPECT_THROW(parse_queue_reply(reply_file("host-virtio", "qstats-get")), NetlinkError);
}

TEST(RecordedNetdevSource, Linux618Features) {
  EXPECT_EQ(recorded("veth-gro").features(), kLinux618);
}

TEST(RecordedNetdevSource, VethQueuesHaveNoNapiAndNapisNoIrq) {
  auto source = recorded("veth-gro");
  const auto queues = source.queues();
  ASSERT_TRUE(queues.has_value());
  EXPECT_EQ(queues->size(), 18U);  // lo 1+1, two veth ends 4+4
  for (const auto& q : *queues) EXPECT_EQ(q.napi_id, -1);
  const auto napis = source.napis();
  ASSERT_TRUE(napis.has_value());
  ASSERT_EQ(napis->size(), 4U);
  for (const auto& n : *napis) {
    EXPECT_EQ(n.ifindex, 3);
    EXPECT_EQ(n.irq, -1);
    EXPECT_EQ(n.pid, -1);
    EXPECT_EQ(n.threaded, false);
    EXPECT_EQ(n.defer_hard_irqs, 0U);
    EXPECT_EQ(n.gro_flush_timeout, 0U);
    EXPECT_EQ(n.irq_suspend_timeout, 0U);
  }
  // veth implements no queue stats: qstats-get answers with nothing.
  const auto stats = source.queue_stats();
  ASSERT_TRUE(stats.has_value());
  EXPECT_TRUE(stats->empty());
}

TEST(RecordedNetdevSource, ThreadedNapisHaveTheirKthreadPids) {
  auto napis = recorded("veth-gro-threaded").napis();
  ASSERT_TRUE(napis.has_value());
  std::set<int> pids;
  for (const auto& n : *napis) {
    EXPECT_EQ(n.threaded, true);
    pids.insert(n.pid);
  }
  EXPECT_EQ(pids, (std::set<int>{21344, 21345, 21346, 21347}));
}

TEST(RecordedNetdevSource, NapiSetValuesReadBack) {
  auto source = recorded("veth-napi-set");
  const NapiSettings s{.defer_hard_irqs = 2,
                       .gro_flush_timeout = 20000,
                       .irq_suspend_timeout = 1000000,
                       .threaded = false};
  EXPECT_NO_THROW(source.set_napi(978, s));
  ASSERT_EQ(source.napi_sets().size(), 1U);
  EXPECT_EQ(source.napi_sets()[0].first, 978);
  const auto napis_after = source.napis();
  ASSERT_TRUE(napis_after.has_value());
  for (const auto& n : *napis_after) {
    if (n.id != 978) {
      EXPECT_EQ(n.threaded, true);
      continue;
    }
    EXPECT_EQ(n.defer_hard_irqs, 2U);
    EXPECT_EQ(n.gro_flush_timeout, 20000U);
    EXPECT_EQ(n.irq_suspend_timeout, 1000000U);
    EXPECT_EQ(n.threaded, false);
    EXPECT_EQ(n.pid, -1);
  }
}

TEST(RecordedNetdevSource, KernelErrorsCarryErrnoAndExtAck) {
  try {
    recorded("napi-set-range-error").set_napi(156, {.defer_hard_irqs = 4294967295U});
    FAIL() << "no error";
  } catch (const KernelError& e) {
    EXPECT_EQ(e.error(), ERANGE);
    EXPECT_EQ(e.ext_ack(), "integer out of range");
    EXPECT_NE(std::string(e.what()).find("napi-set of NAPI 156 failed"), std::string::npos)
        << e.what();
    EXPECT_NE(std::string(e.what()).find("(integer out of range)"), std::string::npos) << e.what();
  }
  try {
    recorded("napi-set-error").set_napi(999999, {.defer_hard_irqs = 1});
    FAIL() << "no error";
  } catch (const KernelError& e) {
    EXPECT_EQ(e.error(), ENOENT);
    EXPECT_EQ(e.ext_ack(), "");
  }
}

TEST(RecordedNetdevSource, HostVirtioQueueStatsAndNapi) {
  auto source = recorded("host-virtio");
  const auto stats = source.queue_stats();
  ASSERT_TRUE(stats.has_value());
  ASSERT_EQ(stats->size(), 2U);
  for (const auto& s : *stats) {
    EXPECT_EQ(s.ifindex, 4);
    EXPECT_EQ(s.queue, 0);
    EXPECT_TRUE(s.packets.has_value());
    EXPECT_TRUE(s.bytes.has_value());
    EXPECT_GT(*s.bytes, *s.packets);
  }
  EXPECT_EQ(stats->at(0).packets, 569U);  // RX first, as the kernel dumps
  const auto joined = join_queue_irqs(*source.queues(), *source.napis());
  const auto rx = std::find_if(joined.begin(), joined.end(),
                               [](const QueueIrq& q) { return q.ifindex == 4 && q.rx; });
  ASSERT_NE(rx, joined.end());
  EXPECT_EQ(rx->napi_id, 257);
  EXPECT_EQ(rx->irq, -1);  // this guest's virtio_net reports no IRQ for its NAPI
}

TEST(RecordedNetdevSource, QueueNapiIrqJoin) {
  auto source = recorded("virtio-napi-irq");
  const auto joined = join_queue_irqs(*source.queues(), *source.napis());
  int with_irq = 0;
  for (const auto& q : joined) {
    if (q.irq < 0) continue;
    ++with_irq;
    EXPECT_EQ(q.ifindex, 4);
    EXPECT_TRUE(q.rx);
    EXPECT_EQ(q.irq, 38);
  }
  EXPECT_EQ(with_irq, 1);
  EXPECT_EQ(source.napis()->at(0).pid, 812);
}

TEST(RecordedNetdevSource, MalformedRepliesThrowNetlinkError) {
  EXPECT_THROW(recorded("truncated-napi-get").napis(), NetlinkError);
  EXPECT_THROW(recorded("bad-attribute-length").queues(), NetlinkError);
  EXPECT_THROW(RecordedNetdevSource(fixture("netlink/absent-case")), NetlinkError);
  // A reply that was never recorded is an error naming the file, not an empty answer.
  RecordedNetdevSource partial({{"family", reply_file("veth-gro", "family")},
                                {"policy-napi-set", reply_file("veth-gro", "policy-napi-set")}});
  EXPECT_EQ(partial.features(), kLinux618);
  EXPECT_THROW(partial.queues(), NetlinkError);
  EXPECT_THROW(recorded("host-virtio").set_napi(257, {.defer_hard_irqs = 1}), NetlinkError);
}

// The old kernels' paths, each from the same 6.18 replies.
TEST(RecordedNetdevSource, Pre62HasNoFamily) {
  for (auto source : {recorded("no-family"), recorded("veth-gro", {.family = "irqd-absent"})}) {
    EXPECT_EQ(source.features(), NetdevFeatures{});
    EXPECT_FALSE(source.queues().has_value());
    EXPECT_FALSE(source.napis().has_value());
    EXPECT_FALSE(source.queue_stats().has_value());
    EXPECT_THROW(source.set_napi(1, {.defer_hard_irqs = 1}), NetlinkError);
  }
}

TEST(RecordedNetdevSource, Pre68HasNoQueueGet) {
  auto source = recorded("veth-gro", {.without_queue_get = true,
                                      .without_napi_get = true,
                                      .without_qstats_get = true,
                                      .without_napi_set = true});
  const auto f = source.features();
  EXPECT_TRUE(f.family);
  EXPECT_FALSE(f.queue_get || f.napi_get || f.qstats_get || f.napi_set || f.napi_threaded);
  EXPECT_FALSE(source.queues().has_value());
  EXPECT_FALSE(source.napis().has_value());
}

TEST(RecordedNetdevSource, Pre69HasNoQstatsNorNapiParameters) {
  auto source = recorded("veth-napi-set", {.without_qstats_get = true, .without_napi_set = true});
  const auto f = source.features();
  EXPECT_TRUE(f.queue_get && f.napi_get);
  EXPECT_FALSE(f.qstats_get || f.napi_set || f.napi_irq_suspend_timeout || f.napi_threaded);
  EXPECT_FALSE(source.queue_stats().has_value());
  const auto napis_after = source.napis();
  ASSERT_TRUE(napis_after.has_value());
  for (const auto& n : *napis_after) {
    EXPECT_FALSE(n.defer_hard_irqs || n.gro_flush_timeout || n.irq_suspend_timeout || n.threaded)
        << n.id;
  }
  // pid is 6.8's: still there for the threaded NAPIs.
  EXPECT_EQ(source.napis()->at(0).pid, 21344);
  try {
    source.set_napi(978, {.defer_hard_irqs = 2});
    FAIL();
  } catch (const NetlinkError& e) {
    EXPECT_NE(std::string(e.what()).find("Linux 6.13+"), std::string::npos) << e.what();
  }
}

TEST(RecordedNetdevSource, Pre613HasQstatsButNoNapiSet) {
  auto source = recorded("host-virtio", {.without_napi_set = true});
  const auto f = source.features();
  EXPECT_TRUE(f.qstats_get);
  EXPECT_FALSE(f.napi_set || f.napi_threaded);
  EXPECT_EQ(source.queue_stats()->size(), 2U);
}

TEST(RecordedNetdevSource, Pre617HasNoPerNapiThreaded) {
  auto source = recorded("veth-napi-set", {.without_napi_threaded = true});
  const auto f = source.features();
  EXPECT_TRUE(f.napi_set && f.napi_irq_suspend_timeout);
  EXPECT_FALSE(f.napi_threaded);
  const auto napis_after = source.napis();
  ASSERT_TRUE(napis_after.has_value());
  for (const auto& n : *napis_after) {
    EXPECT_FALSE(n.threaded.has_value());
    EXPECT_TRUE(n.defer_hard_irqs.has_value());
  }
  EXPECT_THROW(source.set_napi(978, {.threaded = true}), NetlinkError);
  EXPECT_NO_THROW(source.set_napi(978, {.defer_hard_irqs = 2}));
}

}  // namespace
}  // namespace irqd::netlink
