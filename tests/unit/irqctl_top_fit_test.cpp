// `irqctl top` frames fit the terminal: a 128-CPU, 4-node machine (hwloc fixture of an AMD EPYC
// 7A53) with 48 busy queue IRQs, rendered at 80x24 and 200x50 and checked line by line: no line
// wider than the terminal, no more lines than it has, the busiest IRQs always there, and every CPU
// with its node (never "node ?"). The topology is what GetTopology sends (dbus/views.cpp).
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "irqd/irqctl/top_frame.hpp"
#include "tests/support/fixtures.hpp"
#include "topology/hwloc_loader.hpp"

namespace irqd::irqctl {
namespace {

CpuNodes epyc_128() {
  auto m = topology::load_xml(
      testing::fixture("hwloc/1s-amd-epyc-7a53-64c128t-4numa-nps4-llnl-tioga.xml"));
  CpuNodes out;
  for (const auto& pu : m.pus) {
    out.online.push_back(pu.cpu);
    out.node_of[pu.cpu] = pu.node;
    out.core_of[pu.cpu] = pu.core;
  }
  return out;
}

// Two 24-queue NICs on CPUs 0-23 and 64-87 with falling load, plus idle housekeeping IRQs.
std::vector<Irq> busy_irqs() {
  std::vector<Irq> out;
  for (int nic = 0; nic < 2; ++nic)
    for (int q = 0; q < 24; ++q)
      out.push_back(Irq{.number = static_cast<std::uint32_t>(100 + nic * 24 + q),
                        .name = fmt::format("mlx5_comp{}@pci:0000:{:02x}:00.0", q, 0x41 + nic),
                        .device = fmt::format("enp{}s0f0np0", 65 + nic),
                        .queue = fmt::format("rx-{}", q),
                        .effective_cpu = nic * 64 + q,
                        .rate = 20000.0 / (q + 1),
                        .cost = 0.6 / (q + 1)});
  for (std::uint32_t n = 1; n < 10; ++n)
    out.push_back(Irq{.number = n, .name = "IO-APIC edge", .effective_cpu = 0});
  return out;
}

Status status() {
  return Status{.version = "0.1.0",
                .policy = "balanced",
                .interval_seconds = 1,
                .cycles = 4242,
                .last_cycle_ms = 3.25,
                .placed = 48,
                .unchangeable = 9,
                .failed = 0};
}

std::vector<std::string> lines_of(const std::string& frame) {
  std::vector<std::string> out;
  std::istringstream in(frame);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

std::size_t columns(const std::string& line) {
  std::size_t n = 0;
  for (char c : line) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

void expect_fits(int width, int height, TopView view = {}) {
  SCOPED_TRACE(fmt::format("{}x{}", width, height));
  std::string frame = top_frame(
      status(), busy_irqs(), epyc_128(),
      TopOptions{
          .width = width, .height = height, .max_irqs = 1000, .keys_help = true, .view = view});
  auto lines = lines_of(frame);
  EXPECT_LE(lines.size(), static_cast<std::size_t>(height)) << frame;
  for (const auto& l : lines) EXPECT_LE(columns(l), static_cast<std::size_t>(width)) << l;
  EXPECT_EQ(frame.find("node ?"), std::string::npos) << frame;
  auto title = std::find_if(lines.begin(), lines.end(),
                            [](const std::string& l) { return l.starts_with("Busiest IRQs ("); });
  ASSERT_NE(title, lines.end()) << frame;
  // The table's header and at least 3 rows, the busiest first.
  ASSERT_GE(lines.end() - title, 5) << frame;
  EXPECT_NE(title[1].find("IRQ"), std::string::npos) << frame;
  EXPECT_NE(title[2].find("mlx5_comp0@"), std::string::npos) << frame;
  EXPECT_EQ(lines.back().rfind("keys: q quit", 0), 0u) << frame;
  // Idle CPUs collapse into ranges; what does not fit is counted.
  EXPECT_TRUE(frame.find(" idle (") != std::string::npos ||
              frame.find("more lines of CPUs") != std::string::npos)
      << frame;
}

TEST(IrqctlTopFit, FitsEightyByTwentyFour) { expect_fits(80, 24); }

TEST(IrqctlTopFit, FitsTwoHundredByFifty) { expect_fits(200, 50); }

TEST(IrqctlTopFit, FitsWhateverTheSortAndFilter) {
  expect_fits(80, 24, TopView{.sort = TopSort::kCpu});
  expect_fits(80, 24, TopView{.sort = TopSort::kRate, .node = 0});
  expect_fits(200, 50, TopView{.sort = TopSort::kCpu, .device = "enp66s0f0np0"});
}

TEST(IrqctlTopFit, TwoHundredByFiftyCollapsesIdleCpusIntoRanges) {
  std::string frame = top_frame(status(), busy_irqs(), epyc_128(),
                                TopOptions{.width = 200,
                                           .height = 50,
                                           .max_irqs = 1000,
                                           .keys_help = true,
                                           .view = TopView{.device = "enp65s0f0np0"}});
  EXPECT_NE(frame.find("CPU 24-"), std::string::npos) << frame;
  EXPECT_NE(frame.find(" idle ("), std::string::npos) << frame;
}

TEST(IrqctlTopFit, EightyByTwentyFourShowsTheBusiestCpusAndSaysHowManyMore) {
  auto lines = lines_of(
      top_frame(status(), busy_irqs(), epyc_128(),
                TopOptions{.width = 80, .height = 24, .max_irqs = 1000, .keys_help = true}));
  ASSERT_EQ(lines.size(), 24u);
  EXPECT_EQ(lines[0].rfind("irqd 0.1.0  balanced  cycle 4242", 0), 0u) << lines[0];
  EXPECT_EQ(lines[1].rfind("Interrupt load per CPU: 48 of 128 busy", 0), 0u) << lines[1];
  EXPECT_EQ(lines[2].rfind("CPU    0 node  0 core   0", 0), 0u) << lines[2];
  EXPECT_EQ(lines[3].rfind("CPU   64 node", 0), 0u) << lines[3];
  bool more = false;
  for (const auto& l : lines) more = more || l.find("more lines of CPUs") != std::string::npos;
  EXPECT_TRUE(more);
}

// The whole live frame at 80x24 and 200x50, against tests/fixtures/expected/top-epyc128-*.txt
// (IRQD_UPDATE_EXPECTED=1 rewrites them; review the diff before committing).
TEST(IrqctlTopFit, FramesMatchTheGoldenFiles) {
  for (auto [width, height] : {std::pair{80, 24}, std::pair{200, 50}}) {
    std::string frame = top_frame(
        status(), busy_irqs(), epyc_128(),
        TopOptions{.width = width, .height = height, .max_irqs = 1000, .keys_help = true});
    std::string name = fmt::format("expected/top-epyc128-{}x{}.txt", width, height);
    if (std::getenv("IRQD_UPDATE_EXPECTED") != nullptr) {
      std::ofstream(testing::fixture(name)) << frame;
      continue;
    }
    EXPECT_EQ(frame, testing::read_fixture(name))
        << name << " (IRQD_UPDATE_EXPECTED=1 rewrites it)";
  }
}

}  // namespace
}  // namespace irqd::irqctl
