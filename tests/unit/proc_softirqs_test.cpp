// Tests for the /proc/softirqs parser: every captured fixture (possible-CPU columns, old row
// names), synthetic layouts, malformed input, damaged captures and reuse of the output.
#include "sysfs/proc_softirqs.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <iterator>
#include <string>

#include "sysfs/error.hpp"
#include "tests/support/fixtures.hpp"

namespace irqd::sysfs {
namespace {

using testing::read_fixture;

// Counted with awk on the files: header columns, rows, NET_RX and NET_TX in the first and last
// column, and the name of the block-polling row (IRQ_POLL, BLOCK_IOPOLL before 4.5).
struct SoftirqExpect {
  std::string file;
  std::size_t cols;
  std::size_t rows;
  std::uint64_t rx_first;
  std::uint64_t rx_last;
  std::uint64_t tx_first;
  std::uint64_t tx_last;
  std::string poll_row;
};

// clang-format off
const std::vector<SoftirqExpect>& expectations() {
  static const std::vector<SoftirqExpect> kAll = {
    {"netutils-8cpu-i7.txt", 8, 10, 1180153410, 894237858, 20940277, 1191, "BLOCK_IOPOLL"},
    {"nto-e2e-2vcpu-gce.txt", 4, 10, 13709, 0, 7, 0, "IRQ_POLL"},
    {"nto-master-112cpu.txt", 112, 10, 4715307, 3047946, 92, 65, "IRQ_POLL"},
    {"nto-sno-12vcpu.txt", 12, 10, 32599, 67542, 0, 0, "IRQ_POLL"},
    {"nto-worker1-80cpu-rt.txt", 80, 10, 7222, 8835, 6, 0, "IRQ_POLL"},
    {"nto-worker2-32cpu.txt", 32, 10, 14801, 1580, 954, 6, "IRQ_POLL"},
    {"procfs-2cpu.txt", 2, 10, 55919, 28694, 2419, 772, "IRQ_POLL"},
  };
  return kAll;
}
// clang-format on

std::vector<std::string> softirq_fixtures() {
  try {
    return testing::fixture_files("softirqs", ".txt");
  } catch (const std::exception&) {
    return {};  // IRQD_FIXTURES unset: SoftirqFixtureTable.CoversEveryFile reports it
  }
}

Softirqs parse(std::string_view text, std::string_view file = "proc/softirqs") {
  Softirqs s;
  parse_softirqs(text, file, s);
  return s;
}

TEST(SoftirqFixtureTable, CoversEveryFile) {
  std::vector<std::string> files = testing::fixture_files("softirqs", ".txt");
  std::vector<std::string> listed;
  for (const auto& e : expectations()) listed.push_back(e.file);
  std::sort(listed.begin(), listed.end());
  EXPECT_EQ(files, listed);
}

class SoftirqFixture : public ::testing::TestWithParam<std::string> {};

TEST_P(SoftirqFixture, MatchesCountedContents) {
  const std::string& file = GetParam();
  auto it = std::find_if(expectations().begin(), expectations().end(),
                         [&](const SoftirqExpect& e) { return e.file == file; });
  ASSERT_NE(it, expectations().end()) << "no expectations for " << file;
  const SoftirqExpect& want = *it;

  Softirqs s = parse(read_fixture("softirqs/" + file), file);
  ASSERT_EQ(s.ncols(), want.cols);
  for (std::size_t c = 0; c < s.ncols(); ++c) {
    EXPECT_EQ(s.cpus[c], static_cast<int>(c));
    EXPECT_EQ(s.column(static_cast<int>(c)), static_cast<std::ptrdiff_t>(c));
  }
  ASSERT_EQ(s.rows.size(), want.rows);
  ASSERT_EQ(s.counts.size(), s.rows.size() * s.ncols());
  EXPECT_EQ(s.net_rx(0), want.rx_first);
  EXPECT_EQ(s.net_rx(s.ncols() - 1), want.rx_last);
  EXPECT_EQ(s.net_tx(0), want.tx_first);
  EXPECT_EQ(s.net_tx(s.ncols() - 1), want.tx_last);
  EXPECT_EQ(s.rows[s.net_rx_row].name, "NET_RX");
  EXPECT_EQ(s.rows[s.net_tx_row].name, "NET_TX");
  EXPECT_NE(s.find(want.poll_row), nullptr);
  // The kernel's order: HI TIMER NET_TX NET_RX BLOCK <poll> TASKLET SCHED HRTIMER RCU.
  EXPECT_EQ(s.rows.front().name, "HI");
  EXPECT_EQ(s.rows.back().name, "RCU");
  EXPECT_EQ(s.net_tx_row, 2u);
  EXPECT_EQ(s.net_rx_row, 3u);
  for (std::size_t r = 0; r < s.rows.size(); ++r) {
    EXPECT_EQ(s.rows[r].first_count, r * s.ncols());
    EXPECT_EQ(s.rows[r].line, static_cast<int>(r) + 2);
    EXPECT_EQ(s.find(s.rows[r].name), &s.rows[r]);
  }
  EXPECT_EQ(s.column(static_cast<int>(want.cols)), -1);
}

INSTANTIATE_TEST_SUITE_P(AllCaptures, SoftirqFixture, ::testing::ValuesIn(softirq_fixtures()),
                         [](const ::testing::TestParamInfo<std::string>& p) {
                           std::string n = p.param.substr(0, p.param.find('.'));
                           std::replace_if(
                               n.begin(), n.end(),
                               [](char c) { return !std::isalnum(static_cast<unsigned char>(c)); },
                               '_');
                           return n;
                         });

// ---- specific rows of real captures -----------------------------------------------------------

TEST(SoftirqParse, PossibleCpusBeyondTheOnlineOnes) {
  // GCE VM with CPUs 0-1 online and 2-3 offline: four columns, counts frozen on the offline ones.
  Softirqs s = parse(read_fixture("softirqs/nto-e2e-2vcpu-gce.txt"));
  EXPECT_EQ(s.cpus, (std::vector<int>{0, 1, 2, 3}));
  EXPECT_EQ(s.net_rx(1), 14612u);
  EXPECT_EQ(s.net_rx(2), 0u);
  const SoftirqRow* block = s.find("BLOCK");
  ASSERT_NE(block, nullptr);
  EXPECT_EQ(s.counts[block->first_count + 3], 5084u);
  std::uint64_t sched = 0;
  for (std::uint64_t v : s.row_counts(static_cast<std::size_t>(s.find("SCHED") - s.rows.data())))
    sched += v;
  EXPECT_EQ(sched, 28503u + 10556u + 5079u + 1216u);
}

TEST(SoftirqParse, OldKernelBlockIopollAndNarrowLabels) {
  Softirqs s = parse(read_fixture("softirqs/netutils-8cpu-i7.txt"));
  EXPECT_EQ(s.find("IRQ_POLL"), nullptr);
  const SoftirqRow* poll = s.find("BLOCK_IOPOLL");
  ASSERT_NE(poll, nullptr);
  EXPECT_EQ(poll->line, 7);
  EXPECT_EQ(s.net_rx(4), 3497390485u);  // above 2^31: the kernel's unsigned int
}

// ---- synthetic layouts ------------------------------------------------------------------------

TEST(SoftirqParse, AnyRowNamesGapsCrlfAndBlankLines) {
  Softirqs s = parse(
      "\n"
      "                    CPU0       CPU2       CPU5   \r\n"
      "      NET_RX:          1          2 18446744073709551615\r\n"
      "  FUTURE_IRQ2:          4          5          6\r\n"
      "      NET_TX: 7 8 9\r\n"
      "\n");
  EXPECT_EQ(s.cpus, (std::vector<int>{0, 2, 5}));
  ASSERT_EQ(s.rows.size(), 3u);
  EXPECT_EQ(s.rows[1].name, "FUTURE_IRQ2");
  EXPECT_EQ(s.rows[1].line, 4);
  EXPECT_EQ(s.net_rx(2), 18446744073709551615u);
  EXPECT_EQ(s.net_tx(1), 8u);
  EXPECT_EQ(s.column(5), 2);
  EXPECT_EQ(s.column(1), -1);
  EXPECT_EQ(s.count(1, 0), 4u);
}

TEST(SoftirqParse, NoBlankAfterTheColon) {
  // "%12s:" then " %10u": a label of 12+ characters is still followed by one blank, but a
  // hand-made file may not have it.
  Softirqs s = parse("CPU0 CPU1\nNET_RX:1 2\nNET_TX:3 4\n");
  EXPECT_EQ(s.net_rx(0), 1u);
  EXPECT_EQ(s.net_tx(1), 4u);
}

// ---- malformed input --------------------------------------------------------------------------

struct BadCase {
  const char* text;
  int line;
  const char* says;  // part of the message
};

TEST(SoftirqParseErrors, NameFileAndLine) {
  const BadCase cases[] = {
      {"", 0, "empty file"},
      {"\n  \n", 0, "empty file"},
      {"CPU0 CPU1 foo\n", 1, "header column 'foo' is not 'CPU<n>'"},
      {"CPU0 CPUx\n", 1, "'CPUx'"},
      {"CPU0 CPU99999999\n", 1, "'CPU99999999'"},
      {"CPU1 CPU0\n", 1, "CPU0 does not follow CPU1"},
      {"NET_RX: 1 2\n", 1, "'NET_RX:' is not 'CPU<n>'"},
      {"CPU0 CPU1\n", 0, "no NET_RX row"},
      {"CPU0 CPU1\nNET_RX: 1 2\n", 0, "no NET_TX row"},
      {"CPU0 CPU1\nNET_TX: 1 2\nBLOCK: 3 4\n", 0, "no NET_RX row"},
      {"CPU0 CPU1\nNET_RX 1 2\n", 2, "expected '<name>:'"},
      {"CPU0 CPU1\n   : 1 2\n", 2, "empty softirq name"},
      {"CPU0 CPU1\nNET RX: 1 2\n", 2, "'NET RX' is not a word"},
      {"CPU0 CPU1\n9X: 1 2\n", 2, "'9X'"},
      {"CPU0 CPU1\nNET-RX: 1 2\n", 2, "'NET-RX'"},
      {"CPU0 CPU1\nNET_RX: 1 2\nHI: 0 0\nNET_RX: 3 4\n", 4,
       "duplicate softirq row 'NET_RX' (first on line 2)"},
      {"CPU0 CPU1\nNET_RX: 1\n", 2, "NET_RX has 1 counter columns but the header has 2 CPUs"},
      {"CPU0 CPU1\nNET_RX:\n", 2, "0 counter columns"},
      {"CPU0 CPU1\nNET_RX: 1 2 3\n", 2, "more counter columns than the 2 CPUs"},
      {"CPU0 CPU1\nNET_TX: 1 2\nNET_RX: 1 x\n", 3, "NET_RX counter 2 'x' is not an unsigned"},
      {"CPU0 CPU1\nNET_RX: -1 2\n", 2, "'-1' is not an unsigned number"},
      {"CPU0 CPU1\nNET_RX: 1 2a\n", 2, "'2a'"},
      {"CPU0 CPU1\nNET_RX: 1 18446744073709551616\n", 2,
       "counter 2 '18446744073709551616' overflows 64 bits"},
      {"CPU0\nHI: 1\n\nNET_RX: 1:\n", 4, "'1:'"},
  };
  for (const BadCase& c : cases) {
    try {
      Softirqs s;
      parse_softirqs(c.text, "proc/softirqs", s);
      ADD_FAILURE() << "parsed: " << c.text;
    } catch (const ParseError& e) {
      std::string what = e.what();
      const std::string where =
          c.line > 0 ? fmt::format("proc/softirqs:{}: ", c.line) : std::string("proc/softirqs: ");
      EXPECT_EQ(what.rfind(where, 0), 0u) << what << "\n  for: " << c.text;
      EXPECT_NE(what.find(c.says), std::string::npos) << what << "\n  for: " << c.text;
      EXPECT_EQ(e.file(), "proc/softirqs");
      EXPECT_EQ(e.line(), c.line);
    }
  }
}

// Every prefix cut at a multiple of 97 bytes, and the same prefixes with one byte overwritten,
// gives a result or a ParseError: never a crash (run under ASan/UBSan too).
TEST(SoftirqParseErrors, TruncatedAndDamagedCapturesNeverCrash) {
  for (const char* name : {"nto-master-112cpu.txt", "netutils-8cpu-i7.txt"}) {
    const std::string full = read_fixture(std::string("softirqs/") + name);
    Softirqs reused;
    int results = 0;
    int errors = 0;
    // The whole file last: small captures have no 97-byte prefix that ends on a complete table.
    for (std::size_t step = 0; step * 97 < full.size() + 97; ++step) {
      const std::size_t cut = std::min(step * 97, full.size());
      for (char damage : {'\0', 'x', ':', '9', ' ', '\n', '-'}) {
        std::string text = full.substr(0, cut);
        if (damage != '\0' && !text.empty()) text[cut * 31 % text.size()] = damage;
        try {
          parse_softirqs(text, name, reused);
          ASSERT_EQ(reused.counts.size(), reused.rows.size() * reused.ncols());
          ASSERT_LT(reused.net_rx_row, reused.rows.size());
          ASSERT_LT(reused.net_tx_row, reused.rows.size());
          ++results;
        } catch (const ParseError& e) {
          ASSERT_NE(std::string(e.what()).find(name), std::string::npos);
          if (cut == full.size() && damage == '\0') ADD_FAILURE() << "whole file: " << e.what();
          ++errors;
        }
      }
    }
    EXPECT_GT(results, 0) << name;
    EXPECT_GT(errors, 0) << name;
  }
}

// ---- reuse ------------------------------------------------------------------------------------

void expect_same(const Softirqs& a, const Softirqs& b) {
  EXPECT_EQ(a.cpus, b.cpus);
  EXPECT_EQ(a.counts, b.counts);
  ASSERT_EQ(a.rows.size(), b.rows.size());
  for (std::size_t r = 0; r < a.rows.size(); ++r) {
    EXPECT_EQ(a.rows[r].name, b.rows[r].name);
    EXPECT_EQ(a.rows[r].first_count, b.rows[r].first_count);
    EXPECT_EQ(a.rows[r].line, b.rows[r].line);
  }
  EXPECT_EQ(a.net_rx_row, b.net_rx_row);
  EXPECT_EQ(a.net_tx_row, b.net_tx_row);
}

TEST(SoftirqReuse, SecondParseGivesTheSameResult) {
  const std::string text = read_fixture("softirqs/nto-worker1-80cpu-rt.txt");
  Softirqs s;
  parse_softirqs(text, "a", s);
  const Softirqs first = s;
  parse_softirqs(text, "a", s);
  expect_same(s, first);
  // A smaller file with other names afterwards leaves nothing of the bigger one behind.
  parse_softirqs("CPU3\nNET_TX: 5\nLONG_FUTURE_SOFTIRQ_NAME: 6\nNET_RX: 7\n", "b", s);
  EXPECT_EQ(s.cpus, (std::vector<int>{3}));
  ASSERT_EQ(s.rows.size(), 3u);
  EXPECT_EQ(s.rows[1].name, "LONG_FUTURE_SOFTIRQ_NAME");
  EXPECT_EQ(s.counts, (std::vector<std::uint64_t>{5, 6, 7}));
  EXPECT_EQ(s.net_rx(0), 7u);
  EXPECT_EQ(s.net_tx(0), 5u);
}

// 1152 possible CPUs in the kernel's own layout ("CPU%-8d" header, "%12s:" and " %10u" rows).
TEST(SoftirqReuse, LargeMachineDoesNotGrowOnSecondParse) {
  constexpr int kCpus = 1152;
  const char* const names[] = {"HI",       "TIMER",   "NET_TX", "NET_RX",  "BLOCK",
                               "IRQ_POLL", "TASKLET", "SCHED",  "HRTIMER", "RCU"};
  std::string text = "                    ";
  for (int c = 0; c < kCpus; ++c) fmt::format_to(std::back_inserter(text), "CPU{:<8}", c);
  text += '\n';
  for (std::size_t r = 0; r < std::size(names); ++r) {
    fmt::format_to(std::back_inserter(text), "{:>12}:", names[r]);
    for (int c = 0; c < kCpus; ++c)
      fmt::format_to(std::back_inserter(text), " {:>10}", r * 100000 + static_cast<std::size_t>(c));
    text += '\n';
  }
  Softirqs s;
  parse_softirqs(text, "big", s);
  ASSERT_EQ(s.ncols(), static_cast<std::size_t>(kCpus));
  const Softirqs first = s;
  const std::size_t caps[] = {s.cpus.capacity(), s.rows.capacity(), s.counts.capacity()};
  const void* data[] = {s.cpus.data(), s.rows.data(), s.counts.data(), s.rows[3].name.data()};
  parse_softirqs(text, "big", s);
  EXPECT_EQ(s.cpus.capacity(), caps[0]);
  EXPECT_EQ(s.rows.capacity(), caps[1]);
  EXPECT_EQ(s.counts.capacity(), caps[2]);
  EXPECT_EQ(s.cpus.data(), data[0]);
  EXPECT_EQ(s.rows.data(), data[1]);
  EXPECT_EQ(s.counts.data(), data[2]);
  EXPECT_EQ(s.rows[3].name.data(), data[3]);
  expect_same(s, first);
  EXPECT_EQ(s.net_rx(1151), 301151u);
  EXPECT_EQ(s.net_tx(0), 200000u);
}

}  // namespace
}  // namespace irqd::sysfs
