// Integration tests of netlink/ (list_links, probe_netdev, dump_queue_irqs) against the real
// kernel, inside a fresh network namespace with veth pairs, and of the NetNs helper itself. The
// host's own interfaces are never touched. Without root these tests skip; as root (CI) they must
// run, on any kernel: where the kernel lacks netdev queue-get (before 6.8: Debian 12's 6.1) a test
// asserts the "unsupported" answer discovery falls back on, and the forced-fallback tests take
// those paths on every kernel.
#include <gtest/gtest.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "netlink/links.hpp"
#include "netlink/netdev_queues.hpp"
#include "tests/integration/netdev_pretend.hpp"
#include "tests/integration/netns.hpp"

namespace irqd::netlink {
namespace {

using irqd::testing::kernel_at_least;
using irqd::testing::kernel_options;
using irqd::testing::enable_gro;
using irqd::testing::NetNs;

// Names chosen not to be abbreviations of `ip link` keywords.
constexpr char kVeth4A[] = "irqd4a";
constexpr char kVeth4B[] = "irqd4b";
constexpr char kVeth8A[] = "irqd8a";
constexpr char kVeth8B[] = "irqd8b";

// The namespace inode of the calling thread, to tell namespaces apart.
ino_t current_netns() {
  struct stat st {};
  if (stat("/proc/thread-self/ns/net", &st) != 0) return 0;
  return st.st_ino;
}

constexpr int kCmdQueueGet = 10;  // NETDEV_CMD_QUEUE_GET
constexpr int kCmdNapiGet = 11;   // NETDEV_CMD_NAPI_GET

// The netdev family's command ids as iproute2's `genl ctrl get name netdev` lists them: an
// account of the kernel independent of irqd's probe. nullopt when the kernel has no such family.
std::optional<std::set<int>> genl_netdev_commands() {
  const auto r = irqd::testing::run_shell("genl ctrl get name netdev");
  if (!r.ok()) {
    EXPECT_NE(r.output.find("No such file or directory"), std::string::npos) << r.output;
    return std::nullopt;
  }
  // "commands supported:" then lines "#1:  ID-0xa", up to "multicast groups:" (whose ids differ).
  std::set<int> ids;
  const auto start = r.output.find("commands supported:");
  const auto end = r.output.find("multicast groups:");
  const std::string commands = r.output.substr(start == std::string::npos ? 0 : start,
                                               end == std::string::npos ? std::string::npos : end - start);
  const std::regex id(R"(ID-0x([0-9a-fA-F]+))");
  for (std::sregex_iterator it(commands.begin(), commands.end(), id), last; it != last; ++it)
    ids.insert(std::stoi((*it)[1].str(), nullptr, 16));
  return ids;
}

// What the kernel (as kernel_options() presents it) offers, by irqd's own probe; the probe itself
// is checked against genl by ProbeAgreesWithTheKernel.
NetdevSupport kernel_support() {
  static const NetdevSupport support = probe_netdev(kernel_options());
  return support;
}

class NetlinkNs : public ::testing::Test {
 protected:
  void SetUp() override {
    IRQD_REQUIRE_NETNS();
    ns_ = std::make_unique<NetNs>();
    ns_->add_veth(kVeth4A, kVeth4B, 4, 4);
    ns_->add_veth(kVeth8A, kVeth8B, 8, 8);
  }

  // ifindex of every interface in the namespace, by name.
  std::map<std::string, int> ifindexes() const {
    auto in = ns_->enter();
    std::map<std::string, int> out;
    for (const auto& l : list_links()) out[l.name] = l.ifindex;
    return out;
  }

  std::unique_ptr<NetNs> ns_;
};

TEST_F(NetlinkNs, ListLinksReportsNamespaceInterfacesOnly) {
  std::vector<LinkInfo> links;
  {
    auto in = ns_->enter();
    links = list_links();
  }
  std::map<std::string, LinkInfo> by_name;
  for (const auto& l : links) by_name[l.name] = l;
  ASSERT_EQ(by_name.size(), links.size()) << "duplicate names";

  std::vector<std::string> names;
  for (const auto& [name, _] : by_name) names.push_back(name);
  EXPECT_EQ(names, (std::vector<std::string>{"irqd4a", "irqd4b", "irqd8a", "irqd8b", "lo"}));

  const LinkInfo& lo = by_name["lo"];
  EXPECT_EQ(lo.kind, "");  // no rtnl_link_ops, so no IFLA_INFO_KIND
  EXPECT_EQ(lo.num_rx_queues, 1);
  EXPECT_EQ(lo.num_tx_queues, 1);
  EXPECT_TRUE(lo.up);
  EXPECT_EQ(lo.ifindex, 1);  // lo is always the first device of a namespace

  for (const auto& [name, queues] : {std::pair{kVeth4A, 4}, {kVeth4B, 4}, {kVeth8A, 8}, {kVeth8B, 8}}) {
    SCOPED_TRACE(name);
    ASSERT_EQ(by_name.count(name), 1U);
    const LinkInfo& l = by_name[name];
    EXPECT_EQ(l.kind, "veth");
    EXPECT_EQ(l.num_rx_queues, queues);
    EXPECT_EQ(l.num_tx_queues, queues);
    EXPECT_TRUE(l.up);
    EXPECT_GT(l.ifindex, 1);
  }
}

TEST_F(NetlinkNs, ListLinksSeesDownState) {
  ns_->run_checked(std::string("ip link set dev ") + kVeth8B + " down");
  auto in = ns_->enter();
  for (const auto& l : list_links()) {
    if (l.name == kVeth8B) {
      EXPECT_FALSE(l.up);
    } else if (l.name == kVeth8A) {
      EXPECT_TRUE(l.up);  // admin state, not carrier: the peer is down
    }
  }
}

// The probe says what the kernel says (iproute2's genl is the independent witness), and a kernel
// of 6.8 or later has both commands.
TEST_F(NetlinkNs, ProbeAgreesWithTheKernel) {
  const auto commands = genl_netdev_commands();
  NetdevSupport expected;
  if (commands) {
    expected = {.family = true, .queue_get = commands->count(kCmdQueueGet) > 0,
                .napi_get = commands->count(kCmdNapiGet) > 0};
  }
  NetdevSupport probed;
  {
    auto in = ns_->enter();  // generic netlink families are the same in every namespace
    probed = probe_netdev();
  }
  EXPECT_EQ(probed.family, expected.family);
  EXPECT_EQ(probed.queue_get, expected.queue_get);
  EXPECT_EQ(probed.napi_get, expected.napi_get);
  if (kernel_at_least(6, 8)) {
    EXPECT_TRUE(probed.family && probed.queue_get && probed.napi_get) << "Linux >= 6.8 has queue-get and napi-get";
  }
}

// What Linux 6.18 answers for veth: every real queue of every running device, in both
// directions, without a NAPI (veth never links its queues to NAPIs) and so without an IRQ.
void expect_veth_queues(const std::vector<QueueIrq>& queues, const std::map<std::string, int>& index) {
  // ifindex -> (rx ids, tx ids)
  std::map<int, std::pair<std::vector<int>, std::vector<int>>> seen;
  for (const auto& q : queues) {
    (q.rx ? seen[q.ifindex].first : seen[q.ifindex].second).push_back(q.queue);
    EXPECT_EQ(q.irq, -1) << "ifindex " << q.ifindex << " queue " << q.queue;
    EXPECT_EQ(q.napi_id, -1) << "ifindex " << q.ifindex << " queue " << q.queue;
  }
  const auto ids = [](int n) {
    std::vector<int> v(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) v[static_cast<std::size_t>(i)] = i;
    return v;
  };
  // Exactly the namespace's devices: lo plus the four veth ends, nothing of the host.
  EXPECT_EQ(seen.size(), 5U);
  for (const auto& [name, n] : {std::pair{"lo", 1}, {kVeth4A, 4}, {kVeth4B, 4}, {kVeth8A, 8}, {kVeth8B, 8}}) {
    SCOPED_TRACE(name);
    ASSERT_EQ(index.count(name), 1U);
    const auto& [rx, tx] = seen[index.at(name)];
    EXPECT_EQ(rx, ids(n));
    EXPECT_EQ(tx, ids(n));
  }
}

TEST_F(NetlinkNs, DumpQueueIrqsListsVethQueuesWithoutIrqs) {
  const auto index = ifindexes();
  std::optional<std::vector<QueueIrq>> queues;
  {
    auto in = ns_->enter();
    queues = dump_queue_irqs(kernel_options());
  }
  if (!kernel_support().queue_get) {
    // Before 6.8: "unsupported", and discovery maps queues from msi_irqs and IRQ names.
    EXPECT_FALSE(queues.has_value()) << "an answer from a kernel without queue-get";
    return;
  }
  ASSERT_TRUE(queues.has_value()) << "dump_queue_irqs() returned nullopt on a kernel with queue-get";
  expect_veth_queues(*queues, index);
}

// queue-get skips devices that are down (their queues are not in use), so a down device simply
// has no entries rather than stale ones.
TEST_F(NetlinkNs, DumpQueueIrqsSkipsDownDevices) {
  ns_->run_checked(std::string("ip link set dev ") + kVeth4B + " down");
  const auto index = ifindexes();
  std::optional<std::vector<QueueIrq>> queues;
  {
    auto in = ns_->enter();
    queues = dump_queue_irqs(kernel_options());
  }
  if (!kernel_support().queue_get) {
    EXPECT_FALSE(queues.has_value());
    return;
  }
  ASSERT_TRUE(queues.has_value());
  const auto count = [&](const char* name) {
    return std::count_if(queues->begin(), queues->end(), [&](const QueueIrq& q) { return q.ifindex == index.at(name); });
  };
  EXPECT_EQ(count(kVeth4B), 0);
  EXPECT_EQ(count(kVeth4A), 8);  // still up, though its peer is not
}

// With GRO on, veth creates one NAPI per RX queue, so napi-get has real entries to parse; the
// driver still does not attach them to queues (6.18), and no NAPI has an IRQ.
TEST_F(NetlinkNs, DumpQueueIrqsWithVethNapis) {
  const auto index = ifindexes();
  std::optional<std::vector<QueueIrq>> queues;
  {
    auto in = ns_->enter();
    ASSERT_NO_FATAL_FAILURE(enable_gro(kVeth8A));
    queues = dump_queue_irqs(kernel_options());
  }
  if (!kernel_support().queue_get) {
    EXPECT_FALSE(queues.has_value());
    return;
  }
  ASSERT_TRUE(queues.has_value());
  int rx = 0;
  for (const auto& q : *queues) {
    if (q.ifindex != index.at(kVeth8A)) continue;
    if (q.rx) ++rx;
    EXPECT_EQ(q.irq, -1);
    if (q.napi_id >= 0) {
      EXPECT_TRUE(q.rx) << "veth has no TX NAPIs";
    }
  }
  EXPECT_EQ(rx, 8);
}

// The fallback paths on every kernel, by making the netlink layer meet what older kernels answer.
// No netdev family (before 6.2): the kernel's own "no such family" answer is "unsupported".
TEST_F(NetlinkNs, WithoutTheNetdevFamilyDumpIsUnsupported) {
  auto in = ns_->enter();
  const NetdevOptions absent{.family = "irqd-absent"};
  EXPECT_EQ(probe_netdev(absent), NetdevSupport{});
  std::optional<std::vector<QueueIrq>> queues;
  EXPECT_NO_THROW(queues = dump_queue_irqs(absent));
  EXPECT_FALSE(queues.has_value());
}

// The family without queue-get (6.2 to 6.7): "unsupported" too, not an error.
TEST_F(NetlinkNs, WithoutQueueGetDumpIsUnsupported) {
  auto in = ns_->enter();
  const NetdevOptions old{.without_queue_get = true, .without_napi_get = true};
  const NetdevSupport probed = probe_netdev(old);
  EXPECT_EQ(probed.family, genl_netdev_commands().has_value());
  EXPECT_FALSE(probed.queue_get);
  EXPECT_FALSE(probed.napi_get);
  std::optional<std::vector<QueueIrq>> queues;
  EXPECT_NO_THROW(queues = dump_queue_irqs(old));
  EXPECT_FALSE(queues.has_value());
}

// queue-get without napi-get: the queues are listed, none with an IRQ.
TEST_F(NetlinkNs, WithoutNapiGetQueuesHaveNoIrqs) {
  const auto index = ifindexes();
  std::optional<std::vector<QueueIrq>> queues;
  {
    auto in = ns_->enter();
    NetdevOptions options = kernel_options();
    options.without_napi_get = true;
    queues = dump_queue_irqs(options);
  }
  if (!kernel_support().queue_get) {
    EXPECT_FALSE(queues.has_value());
    return;
  }
  ASSERT_TRUE(queues.has_value());
  expect_veth_queues(*queues, index);
}

TEST_F(NetlinkNs, EnterSwitchesAndRestoresNamespace) {
  const ino_t host = current_netns();
  ASSERT_NE(host, 0U);
  {
    auto in = ns_->enter();
    EXPECT_NE(current_netns(), host);
    {
      auto again = ns_->enter();  // guards nest
      EXPECT_NE(current_netns(), host);
    }
    EXPECT_NE(current_netns(), host);
    EXPECT_NE(if_nametoindex(kVeth4A), 0U);
  }
  EXPECT_EQ(current_netns(), host);
  EXPECT_EQ(if_nametoindex(kVeth4A), 0U) << "the test veth leaked into the host namespace";
}

TEST_F(NetlinkNs, RunReportsStatusAndOutput) {
  const auto ok = ns_->run("echo hello; echo oops >&2");
  EXPECT_EQ(ok.status, 0);
  EXPECT_EQ(ok.output, "hello\noops\n");
  EXPECT_EQ(ns_->run("exit 3").status, 3);
  // Runs inside the namespace: its interfaces are visible there.
  EXPECT_TRUE(ns_->run(std::string("ip link show dev ") + kVeth4A).ok());
  EXPECT_THROW(ns_->run_checked("false"), std::runtime_error);
}

TEST_F(NetlinkNs, DestructorDeletesNamespace) {
  std::string path;
  {
    NetNs other;
    path = "/run/netns/" + other.name();
    EXPECT_EQ(access(path.c_str(), F_OK), 0);
  }
  EXPECT_NE(access(path.c_str(), F_OK), 0);
}

}  // namespace
}  // namespace irqd::netlink
