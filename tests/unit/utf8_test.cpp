// Names from kernel files made safe for JSON, D-Bus and terminals: what counts as valid, what
// replaces or escapes the rest.
#include "sysfs/utf8.hpp"

#include <gtest/gtest.h>

#include <string>

namespace irqd::sysfs {
namespace {

using namespace std::string_literals;
const std::string kR = "\xEF\xBF\xBD";  // U+FFFD

TEST(Utf8, ValidTextIsKept) {
  for (std::string s : {"eth0-TxRx-0"s, "caf\xc3\xa9"s, "\xf0\x9f\x98\x80"s, "\xe2\x82\xac"s, ""s}) {
    EXPECT_TRUE(is_valid_utf8(s)) << s;
    EXPECT_EQ(valid_utf8(s), s);
  }
}

TEST(Utf8, EachMaximalInvalidSubpartBecomesOneReplacement) {
  EXPECT_EQ(valid_utf8("a\xff" "b"), "a" + kR + "b");
  EXPECT_EQ(valid_utf8("\xe2\x82"), kR);                // a truncated sequence: one subpart
  EXPECT_EQ(valid_utf8("\xe2\x82" "x"), kR + "x");
  EXPECT_EQ(valid_utf8("\xc0\xaf"), kR + kR);           // overlong '/'
  EXPECT_EQ(valid_utf8("\xed\xa0\x80"), kR + kR + kR);  // a UTF-16 surrogate
  EXPECT_EQ(valid_utf8("\xf4\x90\x80\x80"), kR + kR + kR + kR);  // past U+10FFFF
  EXPECT_EQ(valid_utf8("\x80"), kR);                    // a lone continuation byte
  EXPECT_EQ(valid_utf8("a\0b"s), "a" + kR + "b");       // NUL: D-Bus strings are C strings
}

TEST(Utf8, NoncharactersAreRefusedLikeSdBusDoes) {
  for (std::string s : {"\xef\xbf\xbe"s, "\xef\xbf\xbf"s, "\xef\xb7\x90"s, "\xf4\x8f\xbf\xbf"s}) {
    EXPECT_FALSE(is_valid_utf8(s)) << s;
    EXPECT_EQ(valid_utf8(s), kR);
  }
}

TEST(Utf8, EscapedShowsBadBytesAndControlsAsHex) {
  EXPECT_EQ(escaped("virtio2-config\xff\x1b[2J"), "virtio2-config\\xff\\x1b[2J");
  EXPECT_EQ(escaped("a\nb\tc\x7f"), "a\\x0ab\\x09c\\x7f");
  EXPECT_EQ(escaped("a\nb\xc3\xa9", true), "a\nb\xc3\xa9");
  EXPECT_EQ(escaped("\xed\xa0\x80"), "\\xed\\xa0\\x80");
}

}  // namespace
}  // namespace irqd::sysfs
