// Tests for the /proc/net/softnet_stat parser: the captured fixture, the 10/11/13/15-column
// layouts of successive kernels, row-to-CPU mapping, malformed input, damaged captures and reuse.
#include "sysfs/softnet_stat.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <iterator>
#include <numeric>
#include <string>

#include "sysfs/error.hpp"
#include "tests/support/fixtures.hpp"

namespace irqd::sysfs {
namespace {

using testing::read_fixture;

std::vector<int> iota(int n) {
  std::vector<int> v(static_cast<std::size_t>(n));
  std::iota(v.begin(), v.end(), 0);
  return v;
}

SoftnetStat parse(std::string_view text, const std::vector<int>& online,
                  std::string_view file = "proc/net/softnet_stat") {
  SoftnetStat s;
  parse_softnet_stat(text, file, online, s);
  return s;
}

// One row as the kernel prints it, with `columns` columns and the CPU index where it has one.
std::string row(int columns, int cpu, std::uint32_t processed, std::uint32_t dropped,
                std::uint32_t squeeze, std::uint32_t rps, std::uint32_t flow) {
  // Columns 12-15: backlog length 7, the CPU index, input and process queue lengths 3 and 4.
  const auto index = static_cast<std::uint32_t>(cpu);
  const std::uint32_t all[] = {processed, dropped, squeeze, 0, 0,     0, 0, 0,
                               0,         rps,     flow,    7, index, 3, 4};
  std::string s;
  for (int i = 0; i < columns; ++i)
    fmt::format_to(std::back_inserter(s), "{}{:08x}", i == 0 ? "" : " ",
                   all[static_cast<std::size_t>(i)]);
  return s + "\n";
}

TEST(SoftnetFixtureTable, CoversEveryFile) {
  EXPECT_EQ(testing::fixture_files("softnet_stat", ".txt"),
            (std::vector<std::string>{"netutils-8cpu.txt"}));
}

TEST(SoftnetParse, TenColumnCapture) {
  // Values converted with printf "%d" 0x...: processed, dropped, time_squeeze of rows 0, 2, 7.
  SoftnetStat s = parse(read_fixture("softnet_stat/netutils-8cpu.txt"), iota(8));
  EXPECT_EQ(s.columns, 10);
  EXPECT_FALSE(s.has_cpu_index());
  ASSERT_EQ(s.rows.size(), 8u);
  for (std::size_t i = 0; i < s.rows.size(); ++i) {
    EXPECT_EQ(s.rows[i].cpu, static_cast<int>(i));
    EXPECT_EQ(s.rows[i].line, static_cast<int>(i) + 1);
    EXPECT_EQ(s.rows[i].dropped, 0u);
    EXPECT_EQ(s.rows[i].received_rps, 0u);
    EXPECT_EQ(s.rows[i].flow_limit_count, 0u);
    EXPECT_EQ(s.find(static_cast<int>(i)), &s.rows[i]);
  }
  EXPECT_EQ(s.rows[0].processed, 463535043u);
  EXPECT_EQ(s.rows[0].time_squeeze, 435u);
  EXPECT_EQ(s.rows[2].processed, 3273012181u);  // 0xc31633d5: above 2^31
  EXPECT_EQ(s.rows[2].time_squeeze, 203u);
  EXPECT_EQ(s.rows[7].processed, 2081374073u);
  EXPECT_EQ(s.rows[7].time_squeeze, 195u);
}

TEST(SoftnetParse, OldLayoutsMapRowsToOnlineCpus) {
  for (int columns : {10, 11}) {
    const std::string text = row(columns, -1, 1, 2, 3, 4, 5) + row(columns, -1, 6, 7, 8, 9, 10) +
                             row(columns, -1, 0xffffffff, 0, 0, 0, 0xabcdef01);
    SoftnetStat s = parse(text, {0, 2, 5});
    EXPECT_EQ(s.columns, columns);
    ASSERT_EQ(s.rows.size(), 3u);
    EXPECT_EQ(s.rows[1], (SoftnetRow{.cpu = 2,
                                     .processed = 6,
                                     .dropped = 7,
                                     .time_squeeze = 8,
                                     .received_rps = 9,
                                     .flow_limit_count = columns == 11 ? 10u : 0u,
                                     .line = 2}));
    EXPECT_EQ(s.rows[2].cpu, 5);
    EXPECT_EQ(s.rows[2].processed, 0xffffffffu);
    EXPECT_EQ(s.rows[2].flow_limit_count, columns == 11 ? 0xabcdef01u : 0u);
    EXPECT_EQ(s.find(1), nullptr);
    EXPECT_EQ(s.find(5), &s.rows[2]);
  }
}

TEST(SoftnetParse, NewLayoutsCarryTheCpuIndex) {
  // 5.10 added backlog length and CPU index (13 columns), later kernels the two queue lengths
  // (15). Offline CPUs have no row; the online list passed in is not needed and not used.
  for (int columns : {13, 15}) {
    const std::string text = row(columns, 0, 1, 2, 3, 4, 5) + row(columns, 3, 6, 7, 8, 9, 10) +
                             row(columns, 0x1a, 11, 12, 13, 14, 15);
    SoftnetStat s = parse(text, {});
    EXPECT_EQ(s.columns, columns);
    EXPECT_TRUE(s.has_cpu_index());
    ASSERT_EQ(s.rows.size(), 3u);
    EXPECT_EQ(s.rows[0].cpu, 0);
    EXPECT_EQ(s.rows[1], (SoftnetRow{.cpu = 3,
                                     .processed = 6,
                                     .dropped = 7,
                                     .time_squeeze = 8,
                                     .received_rps = 9,
                                     .flow_limit_count = 10,
                                     .line = 2}));
    EXPECT_EQ(s.rows[2].cpu, 26);
    EXPECT_EQ(s.find(26), &s.rows[2]);
    EXPECT_EQ(s.find(1), nullptr);
    // A stale online list (hotplug since it was read) does not matter with the index column.
    EXPECT_EQ(parse(text, {0, 1}).rows[1].cpu, 3);
  }
}

TEST(SoftnetParse, UppercaseWideValuesCrlfAndNoFinalNewline) {
  SoftnetStat s = parse(
      "FFFFFFFFFFFFFFFF 0 0 0 0 0 0 0 0 A\r\n"
      "1 2 3 4 5 6 7 8 9 a",
      {4, 9});
  EXPECT_EQ(s.rows[0].processed, 0xffffffffffffffffu);
  EXPECT_EQ(s.rows[0].received_rps, 10u);
  EXPECT_EQ(s.rows[1].cpu, 9);
  EXPECT_EQ(s.rows[1].time_squeeze, 3u);
}

// ---- malformed input --------------------------------------------------------------------------

struct BadCase {
  std::string text;
  std::vector<int> online;
  int line;
  const char* says;  // part of the message
};

TEST(SoftnetParseErrors, NameFileAndLine) {
  const std::string r10 = row(10, -1, 1, 2, 3, 4, 5);
  const std::string r13 = row(13, 0, 1, 2, 3, 4, 5);
  const BadCase cases[] = {
      {"", {0}, 0, "empty file"},
      {"\n\n", {0}, 0, "empty file"},
      {"1 2 3 4 5 6 7 8 9\n", {0}, 1, "9 columns; at least 10"},
      {r10 + "1\n", {0, 1}, 2, "1 columns; at least 10"},
      {"1 2 3 4 5 6 7 8 9 a b c\n", {0}, 1, "12 columns: a backlog length without a CPU index"},
      {r10 + row(11, -1, 1, 2, 3, 4, 5), {0, 1}, 2, "11 columns but line 1 has 10"},
      {r13 + row(15, 1, 1, 2, 3, 4, 5), {}, 2, "15 columns but line 1 has 13"},
      {"1 2 3 4 5 6 7 8 9 g\n", {0}, 1, "column 10 'g' is not a hex number"},
      {"1 2 3 0x4 5 6 7 8 9 a\n", {0}, 1, "column 4 '0x4' is not a hex number"},
      {"1 -2 3 4 5 6 7 8 9 a\n", {0}, 1, "'-2' is not a hex number"},
      {"1 2 3 4 5 6 7 8 9 a:\n", {0}, 1, "'a:'"},
      {"10000000000000000 2 3 4 5 6 7 8 9 a\n",
       {0},
       1,
       "column 1 '10000000000000000' overflows 64 bits"},
      {r13 + row(13, 0, 1, 2, 3, 4, 5), {}, 2, "CPU index 0 follows 0"},
      {row(13, 5, 1, 2, 3, 4, 5) + row(13, 2, 1, 2, 3, 4, 5), {}, 2, "CPU index 2 follows 5"},
      {"1 2 3 4 5 6 7 8 9 a b c 80000000\n", {}, 1, "CPU index 80000000 (column 13)"},
      {r10 + r10 + r10, {0, 1}, 3, "row 3 without a CPU index, but only 2 online CPUs"},
      {r10, {}, 1, "row 1 without a CPU index, but only 0 online CPUs"},
      {r10 + r10, {0, 1, 2}, 0, "2 rows without a CPU index for 3 online CPUs"},
  };
  for (const BadCase& c : cases) {
    try {
      SoftnetStat s;
      parse_softnet_stat(c.text, "proc/net/softnet_stat", c.online, s);
      ADD_FAILURE() << "parsed: " << c.text;
    } catch (const ParseError& e) {
      std::string what = e.what();
      const std::string where = c.line > 0 ? fmt::format("proc/net/softnet_stat:{}: ", c.line)
                                           : std::string("proc/net/softnet_stat: ");
      EXPECT_EQ(what.rfind(where, 0), 0u) << what << "\n  for: " << c.text;
      EXPECT_NE(what.find(c.says), std::string::npos) << what << "\n  for: " << c.text;
      EXPECT_EQ(e.file(), "proc/net/softnet_stat");
      EXPECT_EQ(e.line(), c.line);
    }
  }
}

// Every prefix cut at a multiple of 97 bytes (and the same with one byte overwritten) of the
// capture and of a 15-column file gives a result or a ParseError: never a crash.
TEST(SoftnetParseErrors, TruncatedAndDamagedCapturesNeverCrash) {
  std::string wide;
  for (int c = 0; c < 24; ++c)
    wide += row(15, c * 2, 100u * static_cast<std::uint32_t>(c), 1, 2, 3, 4);
  const std::pair<std::string, std::string> inputs[] = {
      {"netutils-8cpu.txt", read_fixture("softnet_stat/netutils-8cpu.txt")},
      {"wide", wide},
  };
  for (const auto& [name, full] : inputs) {
    SoftnetStat reused;
    int results = 0;
    int errors = 0;
    // The whole file last: small captures have no 97-byte prefix that ends on a complete table.
    for (std::size_t step = 0; step * 97 < full.size() + 97; ++step) {
      const std::size_t cut = std::min(step * 97, full.size());
      for (char damage : {'\0', 'x', '9', ' ', '\n', '-'}) {
        std::string text = full.substr(0, cut);
        if (damage != '\0' && !text.empty()) text[cut * 31 % text.size()] = damage;
        try {
          parse_softnet_stat(text, name, iota(8), reused);
          ASSERT_FALSE(reused.rows.empty());
          for (std::size_t i = 1; i < reused.rows.size(); ++i)
            ASSERT_LT(reused.rows[i - 1].cpu, reused.rows[i].cpu);
          ++results;
        } catch (const ParseError& e) {
          ASSERT_NE(std::string(e.what()).find(name), std::string::npos);
          ++errors;
        }
      }
    }
    EXPECT_GT(results, 0) << name;
    EXPECT_GT(errors, 0) << name;
  }
}

// ---- reuse ------------------------------------------------------------------------------------

TEST(SoftnetReuse, SecondParseGivesTheSameResult) {
  const std::string text = read_fixture("softnet_stat/netutils-8cpu.txt");
  SoftnetStat s;
  parse_softnet_stat(text, "a", iota(8), s);
  const SoftnetStat first = s;
  parse_softnet_stat(text, "a", iota(8), s);
  EXPECT_EQ(s.rows, first.rows);
  EXPECT_EQ(s.columns, first.columns);
  parse_softnet_stat(row(13, 7, 1, 2, 3, 4, 5), "b", {}, s);
  ASSERT_EQ(s.rows.size(), 1u);
  EXPECT_EQ(s.rows[0].cpu, 7);
  EXPECT_EQ(s.columns, 13);
}

TEST(SoftnetReuse, LargeMachineDoesNotGrowOnSecondParse) {
  constexpr int kCpus = 1152;
  std::string text;
  for (int c = 0; c < kCpus; ++c) {
    const auto u = static_cast<std::uint32_t>(c);
    text += row(15, c, u * 1000, u, u % 7, u * 3, 0);
  }
  SoftnetStat s;
  parse_softnet_stat(text, "big", {}, s);
  ASSERT_EQ(s.rows.size(), static_cast<std::size_t>(kCpus));
  const std::size_t capacity = s.rows.capacity();
  const SoftnetRow* data = s.rows.data();
  const SoftnetStat first = s;
  parse_softnet_stat(text, "big", {}, s);
  EXPECT_EQ(s.rows.capacity(), capacity);
  EXPECT_EQ(s.rows.data(), data);
  EXPECT_EQ(s.rows, first.rows);
  EXPECT_EQ(s.rows[1151].cpu, 1151);
  EXPECT_EQ(s.rows[1151].processed, 1151000u);
  EXPECT_EQ(s.rows[1151].received_rps, 3453u);
}

}  // namespace
}  // namespace irqd::sysfs
