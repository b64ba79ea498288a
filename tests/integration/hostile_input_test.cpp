// End to end on hostile fixture roots: kernel files an adversarial run produced. Bytes that are not
// UTF-8 in IRQ and device names, /proc/irq/N files that are malformed or not files at all, FIFOs
// where knobs should be. Each time the real irqd binary finishes (under a timeout, so a hang fails
// the test instead of stalling it), exits as documented and says what it met, naming the path.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "tests/integration/run_process.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/support/synthetic_tree.hpp"

namespace irqd::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const std::string kReplacement = "\xEF\xBF\xBD";  // U+FFFD

std::string laptop_xml() { return fixture("hwloc/derived/1s-intel-i7-7600u-2c4t-laptop.from-cpuid-dump.xml").string(); }

// irqd with a 30 s limit: SIGKILL (exit code 137) when it hangs.
ProcessResult run_irqd_limited(const SyntheticTree& t, std::vector<std::string> args, const TempDir& run) {
  const char* bin = std::getenv("IRQD_BINARY");
  if (bin == nullptr) throw std::runtime_error("IRQD_BINARY is not set: run the tests through 'meson test'");
  std::vector<std::string> argv{"/usr/bin/timeout", "-s", "KILL", "30", bin, "--root", t.root().string(),
                                "--topology-xml", laptop_xml(), "--run-dir", run.path().string()};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_process(argv);
}

// A virtio NIC with two queue pairs; IRQ 37 is its config vector.
void build_virtio(SyntheticTree& t, const std::string& config_name, const std::string& nic = "eth0") {
  t.add_nic({.name = nic, .pci = "0000:00:03.0", .virtio = "virtio2", .driver = "virtio_net", .numa_node = -1,
             .local_cpulist = "0-3", .rx = 2, .tx = 2, .msi_irqs = {37, 38, 39, 40, 41}});
  t.add_irq({37, config_name, "0-3"});
  t.add_irq({38, "virtio2-input.0", "0-3"});
  t.add_irq({39, "virtio2-output.0", "0-3"});
  t.add_irq({40, "virtio2-input.1", "0-3"});
  t.add_irq({41, "virtio2-output.1", "0-3"});
  t.finish();
}

const json* irq_of(const json& j, int irq) {
  for (const auto& i : j["irqs"])
    if (i["irq"] == irq) return &i;
  return nullptr;
}

// One 0xff byte in an IRQ name: the JSON report is still written, valid, with U+FFFD in its place
// — for a dry run and for --oneshot, whose report comes after the knobs were written.
TEST(HostileInput, InvalidUtf8InAnIrqNameStillGivesAJsonReport) {
  SyntheticTree t(4);
  build_virtio(t, "virtio2-config\xff");
  TempDir run;
  for (const auto& mode : std::vector<std::vector<std::string>>{{"--dry-run", "--oneshot"}, {"--oneshot"}}) {
    auto args = mode;
    args.insert(args.end(), {"--format", "json"});
    auto r = run_irqd_limited(t, args, run);
    const bool dry = mode.size() == 2;
    EXPECT_EQ(r.exit_code, dry ? 2 : 0) << r.err;
    json j;
    ASSERT_NO_THROW(j = json::parse(r.out)) << "not JSON: " << r.out << r.err;
    EXPECT_EQ(j["dry_run"], dry);
    const json* misc = irq_of(j, 37);
    ASSERT_NE(misc, nullptr) << r.out;
    EXPECT_EQ((*misc)["name"], "virtio2-config" + kReplacement);
  }
  // The --oneshot run did write: the queue IRQs are placed.
  EXPECT_NE(read_text(t.root() / "proc/irq/38/smp_affinity_list"), "0-3\n");
}

// The same name in the text report: the byte escaped, never printed raw.
TEST(HostileInput, InvalidUtf8IsEscapedInTheTextReport) {
  SyntheticTree t(4);
  build_virtio(t, "virtio2-config\xff\x1b[2J");
  TempDir run;
  auto r = run_irqd_limited(t, {"--dry-run", "--oneshot"}, run);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.out.find("virtio2-config\\xff\\x1b[2J"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find('\xff'), std::string::npos) << "a raw 0xff byte in the report";
  EXPECT_EQ(r.out.find('\x1b'), std::string::npos) << "a raw escape in the report";
}

// A device name that is not UTF-8 (netdev names are bytes): the dry run's JSON is still valid.
TEST(HostileInput, InvalidUtf8InADeviceNameStillGivesAJsonReport) {
  SyntheticTree t(4);
  build_virtio(t, "virtio2-config", "eth\xfe");
  TempDir run;
  auto r = run_irqd_limited(t, {"--dry-run", "--oneshot", "--format", "json"}, run);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  json j;
  ASSERT_NO_THROW(j = json::parse(r.out)) << "not JSON: " << r.out << r.err;
  ASSERT_EQ(j["devices"].size(), 1u);
  EXPECT_EQ(j["devices"][0]["name"], "eth" + kReplacement);
}

// IRQ 38's smp_affinity_list holds "zz", IRQ 39's is a directory: both are left alone, counted and
// named with their paths in the text and the JSON report.
TEST(HostileInput, UnreadableAffinityFilesAreCountedAndNamed) {
  SyntheticTree t(4);
  build_virtio(t, "virtio2-config");
  t.dir().write("proc/irq/38/smp_affinity_list", "zz\n");
  fs::remove(t.root() / "proc/irq/39/smp_affinity_list");
  fs::create_directories(t.root() / "proc/irq/39/smp_affinity_list");
  TempDir run;
  const std::string p38 = (t.root() / "proc/irq/38/smp_affinity_list").string();
  const std::string p39 = (t.root() / "proc/irq/39/smp_affinity_list").string();

  auto text = run_irqd_limited(t, {"--dry-run", "--oneshot"}, run);
  EXPECT_EQ(text.exit_code, 2) << text.err;
  EXPECT_NE(text.out.find("2 network IRQs skipped (their /proc/irq/N files cannot be read): 38, 39"),
            std::string::npos)
      << text.out;
  EXPECT_NE(text.out.find(p38), std::string::npos) << text.out;
  EXPECT_NE(text.out.find(p39 + ": not a regular file"), std::string::npos) << text.out;

  auto r = run_irqd_limited(t, {"--dry-run", "--oneshot", "--format", "json"}, run);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  json j = json::parse(r.out);
  EXPECT_EQ(j["skipped_irqs"], 2);
  std::string warnings = j["warnings"].dump();
  EXPECT_NE(warnings.find(p38), std::string::npos) << warnings;
  EXPECT_NE(warnings.find(p39), std::string::npos) << warnings;
  for (int irq : {38, 39}) {
    const json* i = irq_of(j, irq);
    ASSERT_NE(i, nullptr);
    EXPECT_TRUE((*i)["planned"].is_null()) << *i;
  }
}

// FIFOs at an IRQ's smp_affinity_list, at a queue's rps_cpus and at rps_sock_flow_entries: a dry
// run and --oneshot finish, name each path, leave those knobs alone (their values are unknown) and
// place everything else.
TEST(HostileInput, FifoAtAKnobPathIsRefusedNotWaitedOn) {
  SyntheticTree t(4);
  build_virtio(t, "virtio2-config");
  const fs::path irq_fifo = t.root() / "proc/irq/38/smp_affinity_list";
  const fs::path queue_fifo = fs::canonical(t.root() / "sys/class/net/eth0") / "queues/rx-1/rps_cpus";
  const fs::path sysctl_fifo = t.root() / "proc/sys/net/core/rps_sock_flow_entries";
  fs::create_directories(sysctl_fifo.parent_path());
  for (const auto& p : {irq_fifo, queue_fifo, sysctl_fifo}) {
    fs::remove(p);
    ASSERT_EQ(::mkfifo(p.c_str(), 0600), 0) << p;
  }
  TempDir run;
  for (const auto& mode : std::vector<std::vector<std::string>>{{"--dry-run", "--oneshot"}, {"--oneshot"}}) {
    auto args = mode;
    args.insert(args.end(), {"--rps", "0-3"});  // RPS, hence RFS and its table size, planned
    auto r = run_irqd_limited(t, args, run);
    ASSERT_NE(r.exit_code, 137) << "irqd hung on a FIFO: " << r.out << r.err;
    EXPECT_EQ(r.exit_code, mode.size() == 2 ? 2 : 0) << r.out << r.err;
    for (const auto& p : {irq_fifo, queue_fifo, sysctl_fifo})
      EXPECT_NE(r.out.find(p.string() + ": not a regular file (a FIFO)"), std::string::npos) << p << "\n" << r.out;
  }
  EXPECT_NE(read_text(t.root() / "proc/irq/40/smp_affinity_list"), "0-3\n") << "the rest was placed";
}

}  // namespace
}  // namespace irqd::testing
