// CpuSet: cpulist and cpumask text in both directions, set algebra, strict errors.
#include "sysfs/cpuset.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace irqd::sysfs {
namespace {

TEST(CpuSetTest, ParsesCpulistForms) {
  EXPECT_EQ(CpuSet::parse_list("0-3,8,10-11").to_vector(), (std::vector<int>{0, 1, 2, 3, 8, 10, 11}));
  EXPECT_TRUE(CpuSet::parse_list("").empty());
  EXPECT_TRUE(CpuSet::parse_list("\n").empty());
  EXPECT_EQ(CpuSet::parse_list("5\n").to_vector(), std::vector<int>{5});
  EXPECT_EQ(CpuSet::parse_list("0-7:2/4").to_vector(), (std::vector<int>{0, 1, 4, 5}));  // kernel groups
  EXPECT_EQ(CpuSet::parse_list("0-8191").count(), 8192);
}

TEST(CpuSetTest, RejectsMalformedCpulists) {
  for (const char* bad : {"a", "1-", "-1", "3-1", "1,,2", "1,", "0-3 4", "8192", "1-2:0", "0-7:2", "0-7:3/2", "0-7:0/4", "99999999999"}) {
    EXPECT_THROW(CpuSet::parse_list(bad), std::invalid_argument) << bad;
  }
  try {
    CpuSet::parse_list("0-3,x");
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("'0-3,x'"), std::string::npos) << e.what();
  }
}

TEST(CpuSetTest, FormatsCpulist) {
  EXPECT_EQ(CpuSet::of({0, 1, 2, 3, 8, 10, 11}).to_list(), "0-3,8,10-11");
  EXPECT_EQ(CpuSet().to_list(), "");
  EXPECT_EQ(CpuSet::of({63, 64}).to_list(), "63-64");
  EXPECT_EQ(CpuSet::of({1151}).to_list(), "1151");
}

TEST(CpuSetTest, ParsesKernelMasks) {
  EXPECT_EQ(CpuSet::parse_mask("3").to_list(), "0-1");
  EXPECT_EQ(CpuSet::parse_mask("ff,00000000").to_list(), "32-39");
  EXPECT_EQ(CpuSet::parse_mask("00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000").to_list(), "");
  EXPECT_EQ(CpuSet::parse_mask("0000,00000000,00000001\n").to_list(), "0");
  EXPECT_EQ(CpuSet::parse_mask("80000000,00000000").to_list(), "63");
}

TEST(CpuSetTest, RejectsMalformedMasks) {
  for (const char* bad : {"", "g", "1,,2", "123456789", "0x3", ",1"}) {
    EXPECT_THROW(CpuSet::parse_mask(bad), std::invalid_argument) << bad;
  }
}

TEST(CpuSetTest, FormatsMasksAsTheKernelDoes) {
  // nr_cpu_ids = 2: one short group; 80: three groups, the first 4 digits wide; 256: 8 full groups.
  EXPECT_EQ(CpuSet::of({0}).to_mask(2), "1");
  EXPECT_EQ(CpuSet::of({1}).to_mask(4), "2");
  EXPECT_EQ(CpuSet::of({0, 64}).to_mask(80), "0001,00000000,00000001");
  EXPECT_EQ(CpuSet().to_mask(256), "00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000");
  EXPECT_EQ(CpuSet::of({5}).to_mask(32), "00000020");
}

TEST(CpuSetTest, MaskRoundTrip) {
  for (int bits : {1, 2, 8, 31, 32, 33, 80, 128, 1152, 8192}) {
    CpuSet s;
    for (int c = 0; c < bits; c += 7) s.set(c);
    EXPECT_EQ(CpuSet::parse_mask(s.to_mask(bits)), s) << bits;
    EXPECT_EQ(CpuSet::parse_list(s.to_list()), s) << bits;
  }
}

TEST(CpuSetTest, Algebra) {
  CpuSet a = CpuSet::range(0, 7), b = CpuSet::of({6, 7, 8, 100});
  EXPECT_EQ((a & b).to_list(), "6-7");
  EXPECT_EQ((a | b).to_list(), "0-8,100");
  EXPECT_EQ((b - a).to_list(), "8,100");
  EXPECT_EQ((a - a), CpuSet());
  EXPECT_TRUE(CpuSet::of({1, 2}).is_subset_of(a));
  EXPECT_FALSE(b.is_subset_of(a));
  EXPECT_TRUE(a.intersects(b));
  EXPECT_EQ(b.first(), 6);
  EXPECT_EQ(b.last(), 100);
  EXPECT_EQ(CpuSet().first(), -1);
  CpuSet c = b;
  c.reset(100);
  EXPECT_EQ(c.last(), 8);
  EXPECT_EQ(c, CpuSet::of({6, 7, 8}));  // trailing words trimmed, so equality holds
}

// A hex mask where a cpulist belongs is said as such, with its cpulist when unambiguous.
TEST(CpuSetTest, HexMasksGetAHintInsteadOfAParseError) {
  auto message = [](const char* text) {
    try {
      CpuSet::parse_list(text);
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("(parsed)");
  };
  EXPECT_EQ(message("0x3"), "cpulist '0x3': looks like a hex CPU mask; irqd takes CPU lists: \"0-1\"");
  EXPECT_EQ(message("3f"), "cpulist '3f': looks like a hex CPU mask; irqd takes CPU lists: \"0-5\"");
  EXPECT_EQ(message("ff,ffffffff"), "cpulist 'ff,ffffffff': looks like a hex CPU mask; irqd takes CPU lists: \"0-39\"");
  EXPECT_EQ(message("0X00000001,0000000f\n"),
            "cpulist '0X00000001,0000000f\n': looks like a hex CPU mask; irqd takes CPU lists: \"0-3,32\"");
  EXPECT_EQ(message("fff,3"), "cpulist 'fff,3': looks like a hex CPU mask; irqd takes CPU lists such as \"0-3,8\"");
  EXPECT_EQ(message("0x0"), "cpulist '0x0': looks like a hex CPU mask, one naming no CPU; irqd takes CPU lists such "
                            "as \"0-3,8\"");
  // Not masks: the parser's own reasons, unchanged; and what parses as a list still does.
  EXPECT_EQ(message("0-3 x"), "cpulist '0-3 x': unexpected ' ' at offset 3");
  EXPECT_EQ(message("0-f"), "cpulist '0-f': expected a CPU number at offset 2");
  EXPECT_EQ(message("eth0"), "cpulist 'eth0': expected a CPU number at offset 0");
  EXPECT_EQ(CpuSet::parse_list("00000003").to_list(), "3");
  EXPECT_EQ(CpuSet::parse_list("11").to_list(), "11");
}

}  // namespace
}  // namespace irqd::sysfs
