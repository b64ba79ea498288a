// Tests for the /proc/stat CPU time parser: every captured fixture, old-kernel column counts,
// offline gaps, the long "intr" line, malformed lines, damaged captures and reuse of the output.
#include "sysfs/proc_stat.hpp"

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

// Counted with awk on the files: number of cpuN lines, values per cpuN line, then the aggregate
// line's user, cpu0's idle and the last CPU's softirq column.
struct StatExpect {
  std::string file;
  std::size_t cpus;
  int columns;
  std::uint64_t total_user;
  std::uint64_t cpu0_idle;
  std::uint64_t last_softirq;
};

// clang-format off
const std::vector<StatExpect>& expectations() {
  static const std::vector<StatExpect> kAll = {
    {"hwloc-128cpu-2s-arm64-kunpeng920-4numa.txt", 128, 10, 28787, 20320, 0},
    {"hwloc-176cpu-2s-power9-powernv-v100.txt", 176, 10, 241101, 786946, 0},
    {"hwloc-20cpu-i7-1370p-hybrid-laptop.txt", 20, 10, 7088, 12209, 0},
    {"hwloc-24cpu-2s-xeon-e5-2680v3.txt", 24, 10, 210663983, 2897346, 533},
    {"hwloc-256cpu-power7-pseries-8numa-smt4.txt", 256, 9, 7143, 20770741, 0},
    {"hwloc-32cpu-2s-xeon-skylake-sp-smt-nec-ve.txt", 32, 10, 7021975, 26993763, 2},
    {"hwloc-40cpu-4s-xeon-e7-4870-4numa.txt", 40, 9, 17636589439, 738855236, 5286},
    {"hwloc-64cpu-4s-amd-opteron-bulldozer-8numa.txt", 64, 9, 640, 15205, 0},
    {"hwloc-80cpu-2s-xeon-6230-snc2-2lm.txt", 80, 10, 5085, 221215, 0},
    {"procfs-8cpu-x86.txt", 8, 10, 301854, 1087069, 31},
  };
  return kAll;
}
// clang-format on

std::vector<std::string> stat_fixtures() {
  try {
    return testing::fixture_files("stat", ".txt");
  } catch (const std::exception&) {
    return {};  // IRQD_FIXTURES unset: StatFixtureTable.CoversEveryFile reports it
  }
}

ProcStat parse(std::string_view text, std::string_view file = "proc/stat") {
  ProcStat s;
  parse_proc_stat(text, file, s);
  return s;
}

TEST(StatFixtureTable, CoversEveryFile) {
  std::vector<std::string> files = testing::fixture_files("stat", ".txt");
  std::vector<std::string> listed;
  for (const auto& e : expectations()) listed.push_back(e.file);
  std::sort(listed.begin(), listed.end());
  EXPECT_EQ(files, listed);
}

class StatFixture : public ::testing::TestWithParam<std::string> {};

TEST_P(StatFixture, MatchesCountedContents) {
  const std::string& file = GetParam();
  auto it = std::find_if(expectations().begin(), expectations().end(),
                         [&](const StatExpect& e) { return e.file == file; });
  ASSERT_NE(it, expectations().end()) << "no expectations for " << file;
  const StatExpect& want = *it;

  ProcStat s = parse(read_fixture("stat/" + file), file);
  ASSERT_EQ(s.cpus.size(), want.cpus);
  EXPECT_EQ(s.total.cpu, -1);
  EXPECT_EQ(s.total.columns, want.columns);
  EXPECT_EQ(s.total.user, want.total_user);
  EXPECT_EQ(s.cpus.front().idle, want.cpu0_idle);
  EXPECT_EQ(s.cpus.back().softirq, want.last_softirq);
  for (std::size_t i = 0; i < s.cpus.size(); ++i) {
    EXPECT_EQ(s.cpus[i].cpu, static_cast<int>(i));  // no capture has offline CPUs
    EXPECT_EQ(s.cpus[i].columns, want.columns);
    EXPECT_EQ(s.find(static_cast<int>(i)), &s.cpus[i]);
  }
  EXPECT_EQ(s.find(static_cast<int>(want.cpus)), nullptr);
  EXPECT_EQ(s.find(-1), nullptr);
}

INSTANTIATE_TEST_SUITE_P(AllCaptures, StatFixture, ::testing::ValuesIn(stat_fixtures()),
                         [](const ::testing::TestParamInfo<std::string>& p) {
                           std::string n = p.param.substr(0, p.param.find('.'));
                           std::replace_if(
                               n.begin(), n.end(),
                               [](char c) { return !std::isalnum(static_cast<unsigned char>(c)); },
                               '_');
                           return n;
                         });

// ---- specific lines of real captures ----------------------------------------------------------

TEST(ProcStatParse, EveryColumnOfOneLine) {
  // procfs: "cpu  301854 612 111922 8979004 3552 2 3944 0 0 0" and
  //         "cpu7 29098 268 10164 1139282 555 0 31 0 0 0" (last cpu line).
  ProcStat s = parse(read_fixture("stat/procfs-8cpu-x86.txt"));
  EXPECT_EQ(s.total, (CpuTimes{.cpu = -1,
                               .user = 301854,
                               .nice = 612,
                               .system = 111922,
                               .idle = 8979004,
                               .iowait = 3552,
                               .irq = 2,
                               .softirq = 3944,
                               .steal = 0,
                               .columns = 10}));
  ASSERT_NE(s.find(7), nullptr);
  EXPECT_EQ(s.find(7)->user, 29098u);
  EXPECT_EQ(s.find(7)->idle, 1139282u);
}

TEST(ProcStatParse, NineColumnsWithoutGuestNice) {
  // Older POWER7 kernel: guest but no guest_nice; "cpu255 0 0 440 20774232 0 40 0 450 0".
  ProcStat s = parse(read_fixture("stat/hwloc-256cpu-power7-pseries-8numa-smt4.txt"));
  ASSERT_NE(s.find(255), nullptr);
  EXPECT_EQ(*s.find(255), (CpuTimes{.cpu = 255,
                                    .user = 0,
                                    .nice = 0,
                                    .system = 440,
                                    .idle = 20774232,
                                    .iowait = 0,
                                    .irq = 40,
                                    .softirq = 0,
                                    .steal = 450,
                                    .columns = 9}));
  EXPECT_EQ(s.cpus.size(), 256u);
}

// ---- synthetic layouts ------------------------------------------------------------------------

TEST(ProcStatParse, OldKernelsWithFewerColumns) {
  ProcStat s = parse(
      "cpu  10 1 20 300\n"
      "cpu0 5 0 10 150\n"
      "cpu1 5 1 10 150 7 8 9\n"
      "page 1 2\n");
  EXPECT_EQ(s.total.columns, 4);
  EXPECT_EQ(s.total.idle, 300u);
  EXPECT_EQ(s.total.iowait, 0u);
  EXPECT_EQ(s.cpus[0].columns, 4);
  EXPECT_EQ(s.cpus[1].columns, 7);
  EXPECT_EQ(s.cpus[1].softirq, 9u);
  EXPECT_EQ(s.cpus[1].steal, 0u);
}

TEST(ProcStatParse, OfflineCpusLeaveGaps) {
  ProcStat s = parse(
      "cpu  4 0 4 4 0 0 0 0 0 0\n"
      "cpu0 1 0 1 1 0 0 0 0 0 0\n"
      "cpu1 1 0 1 1 0 0 0 0 0 0\n"
      "cpu3 1 0 1 1 0 0 0 0 0 0\n"
      "cpu17 1 0 1 1 0 0 0 5 0 0\n"
      "intr 0\n");
  ASSERT_EQ(s.cpus.size(), 4u);
  EXPECT_EQ(s.cpus[2].cpu, 3);
  EXPECT_EQ(s.find(2), nullptr);
  ASSERT_NE(s.find(17), nullptr);
  EXPECT_EQ(s.find(17)->steal, 5u);
}

TEST(ProcStatParse, OtherLinesAreNotTokenised) {
  // Whatever follows "intr" / "softirq" / an unknown key is never read.
  ProcStat s = parse(
      "cpu  1 2 3 4\n"
      "cpu0 1 2 3 4\n"
      "intr 12 x -3 garbage:\n"
      "cpufreq? 1 2\n"
      "softirq\n"
      "\n"
      "newkey a b c\n");
  EXPECT_EQ(s.cpus.size(), 1u);
}

TEST(ProcStatParse, HugeIntrLine) {
  std::string text = "cpu  1 2 3 4 5 6 7 8 9 10\ncpu0 1 2 3 4 5 6 7 8 9 10\nintr 99";
  text.reserve(text.size() + 4'000'000);
  for (int i = 0; i < 2'000'000; ++i) text += " 0";
  text += "\nctxt 1\ncpu1 1 2 3 4 5 6 7 8 9 10\n";
  ProcStat s = parse(text);
  ASSERT_EQ(s.cpus.size(), 2u);
  EXPECT_EQ(s.cpus[1].cpu, 1);
}

TEST(ProcStatParse, CountersAround64BitLimitCrlfAndNoFinalNewline) {
  ProcStat s = parse(
      "cpu  18446744073709551615 0 4294967296 1\r\n"
      "cpu0 00000000000000000000001 0 0 1\r\n"
      "cpu1\t1\t2\t3\t4");
  EXPECT_EQ(s.total.user, 18446744073709551615u);
  EXPECT_EQ(s.total.system, 4294967296u);
  EXPECT_EQ(s.cpus[0].user, 1u);
  EXPECT_EQ(s.cpus[1].idle, 4u);
  EXPECT_EQ(s.cpus[1].columns, 4);
}

TEST(ProcStatParse, ExtraColumnsOfALaterKernelAreIgnored) {
  ProcStat s = parse("cpu  1 2 3 4 5 6 7 8 9 10 11 12\ncpu0 1 2 3 4 5 6 7 8 9 10 11 12\n");
  EXPECT_EQ(s.total.columns, 12);
  EXPECT_EQ(s.total.steal, 8u);
}

// ---- malformed input --------------------------------------------------------------------------

struct BadCase {
  const char* text;
  int line;
  const char* says;  // part of the message
};

TEST(ProcStatParseErrors, NameFileAndLine) {
  const BadCase cases[] = {
      {"", 0, "no aggregate 'cpu' line"},
      {"intr 1 2\nctxt 3\n", 0, "no aggregate 'cpu' line"},
      {"cpu0 1 2 3 4\n", 0, "no aggregate 'cpu' line"},
      {"cpu  1 2 3 4\nintr 1\n", 0, "no per-CPU"},
      {"cpu  1 2 3\ncpu0 1 2 3 4\n", 1, "'cpu' has 3 time columns; at least 4"},
      {"cpu  1 2 3 4\ncpu0\n", 2, "'cpu0' has 0 time columns"},
      {"cpu\n", 1, "0 time columns"},
      {"cpu  1 2 3 4\ncpu0 1 2 x 4\n", 2, "'cpu0' column 3 'x' is not an unsigned number"},
      {"cpu  1 2 3 4\ncpu0 1 2 3 4a\n", 2, "column 4 '4a' is not an unsigned number"},
      {"cpu  1 2 3 4\ncpu0 1 -2 3 4\n", 2, "'-2' is not an unsigned number"},
      {"cpu  1 2 3 4\ncpu0 1 +2 3 4\n", 2, "'+2' is not an unsigned number"},
      {"cpu  1 2 3 4\ncpu0 1 0x2 3 4\n", 2, "'0x2'"},
      {"cpu  1 2 3 4\ncpu0 1 2 3 18446744073709551616\n", 2,
       "column 4 '18446744073709551616' "
       "overflows 64 bits"},
      {"cpu  1 2 3 4\ncpu0 1 2 3 4\ncpu0 1 2 3 4\n", 3, "duplicate line for cpu0"},
      {"cpu  1 2 3 4\ncpu0 1 2 3 4\ncpu2 1 2 3 4\ncpu0 1 2 3 4\n", 4, "duplicate line for cpu0"},
      {"cpu  1 2 3 4\ncpu2 1 2 3 4\ncpu1 1 2 3 4\n", 3, "cpu1 follows cpu2"},
      {"cpu  1 2 3 4\ncpu0 1 2 3 4\ncpu  1 2 3 4\n", 3,
       "second aggregate 'cpu' line (first on "
       "line 1)"},
      {"cpu  1 2 3 4\ncpu1a 1 2 3 4\n", 2, "CPU label 'cpu1a' is not 'cpu<n>'"},
      {"cpu  1 2 3 4\ncpu99999999 1 2 3 4\n", 2, "'cpu99999999'"},
      {"cpu  1 2 3 4\ncpu99999999999999999999 1 2 3 4\n", 2, "is not 'cpu<n>'"},
      {"cpu  1 2 3 4\n\nintr 5\ncpu0 1 2 3 ?\n", 4, "'?'"},
  };
  for (const BadCase& c : cases) {
    try {
      ProcStat s;
      parse_proc_stat(c.text, "proc/stat", s);
      ADD_FAILURE() << "parsed: " << c.text;
    } catch (const ParseError& e) {
      std::string what = e.what();
      const std::string where =
          c.line > 0 ? fmt::format("proc/stat:{}: ", c.line) : std::string("proc/stat: ");
      EXPECT_EQ(what.rfind(where, 0), 0u) << what << "\n  for: " << c.text;
      EXPECT_NE(what.find(c.says), std::string::npos) << what << "\n  for: " << c.text;
      EXPECT_EQ(e.file(), "proc/stat");
      EXPECT_EQ(e.line(), c.line);
    }
  }
}

// Every prefix cut at a multiple of 97 bytes, and the same prefixes with one byte overwritten,
// gives a result or a ParseError: never a crash (run under ASan/UBSan too).
TEST(ProcStatParseErrors, TruncatedAndDamagedCapturesNeverCrash) {
  for (const char* name : {"hwloc-256cpu-power7-pseries-8numa-smt4.txt", "procfs-8cpu-x86.txt"}) {
    const std::string full = read_fixture(std::string("stat/") + name);
    ProcStat reused;
    int results = 0;
    int errors = 0;
    // The whole file last: small captures have no 97-byte prefix that ends on a complete table.
    for (std::size_t step = 0; step * 97 < full.size() + 97; ++step) {
      const std::size_t cut = std::min(step * 97, full.size());
      for (char damage : {'\0', 'x', '9', ' ', '\n', '-'}) {
        std::string text = full.substr(0, cut);
        if (damage != '\0' && !text.empty()) text[cut * 31 % text.size()] = damage;
        try {
          parse_proc_stat(text, name, reused);
          ASSERT_FALSE(reused.cpus.empty());
          ASSERT_GE(reused.total.columns, 4);
          for (std::size_t i = 1; i < reused.cpus.size(); ++i)
            ASSERT_LT(reused.cpus[i - 1].cpu, reused.cpus[i].cpu);
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

TEST(ProcStatReuse, SecondParseGivesTheSameResult) {
  const std::string text = read_fixture("stat/hwloc-176cpu-2s-power9-powernv-v100.txt");
  ProcStat s;
  parse_proc_stat(text, "a", s);
  const ProcStat first = s;
  parse_proc_stat(text, "a", s);
  EXPECT_EQ(s.total, first.total);
  EXPECT_EQ(s.cpus, first.cpus);
  // A smaller file afterwards leaves nothing of the bigger one behind.
  parse_proc_stat("cpu  1 2 3 4\ncpu5 4 3 2 1\n", "b", s);
  ASSERT_EQ(s.cpus.size(), 1u);
  EXPECT_EQ(s.cpus[0],
            (CpuTimes{.cpu = 5, .user = 4, .nice = 3, .system = 2, .idle = 1, .columns = 4}));
  EXPECT_EQ(s.total.iowait, 0u);
}

TEST(ProcStatReuse, LargeMachineDoesNotGrowOnSecondParse) {
  constexpr int kCpus = 1152;
  std::string text = "cpu  1 2 3 4 5 6 7 8 9 10\n";
  for (int c = 0; c < kCpus; ++c)
    fmt::format_to(std::back_inserter(text), "cpu{} {} 0 {} {} 1 2 3 0 0 0\n", c, c * 10, c,
                   1000000 + c);
  text += "intr 1\n";
  ProcStat s;
  parse_proc_stat(text, "big", s);
  ASSERT_EQ(s.cpus.size(), static_cast<std::size_t>(kCpus));
  const std::size_t capacity = s.cpus.capacity();
  const CpuTimes* data = s.cpus.data();
  const ProcStat first = s;
  parse_proc_stat(text, "big", s);
  EXPECT_EQ(s.cpus.capacity(), capacity);
  EXPECT_EQ(s.cpus.data(), data);
  EXPECT_EQ(s.cpus, first.cpus);
  EXPECT_EQ(s.cpus[1151].user, 11510u);
  EXPECT_EQ(s.cpus[1151].idle, 1001151u);
}

}  // namespace
}  // namespace irqd::sysfs
