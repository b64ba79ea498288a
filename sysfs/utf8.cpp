// UTF-8 checks, replacement and escaping (Unicode Table 3-7: well-formed byte sequences).
#include "sysfs/utf8.hpp"

#include <cstdint>

#include <fmt/format.h>

namespace irqd::sysfs {

namespace {

// Length of the valid sequence at s[i], or 0 with `bad` set to the length of its maximal invalid
// subpart (at least 1).
std::size_t sequence_at(std::string_view s, std::size_t i, std::size_t& bad) {
  const auto byte = [&](std::size_t k) { return static_cast<std::uint8_t>(s[k]); };
  const std::uint8_t b0 = byte(i);
  bad = 1;
  if (b0 != 0 && b0 < 0x80) return 1;
  std::size_t len = 0;
  unsigned lo = 0x80, hi = 0xbf;  // the second byte's range: no overlong form, surrogate or > U+10FFFF
  if (b0 >= 0xc2 && b0 <= 0xdf) {
    len = 2;
  } else if (b0 >= 0xe0 && b0 <= 0xef) {
    len = 3;
    if (b0 == 0xe0) lo = 0xa0;
    if (b0 == 0xed) hi = 0x9f;
  } else if (b0 >= 0xf0 && b0 <= 0xf4) {
    len = 4;
    if (b0 == 0xf0) lo = 0x90;
    if (b0 == 0xf4) hi = 0x8f;
  } else {
    return 0;  // NUL, a continuation byte, C0, C1, F5..FF
  }
  std::uint32_t cp = b0 & (len == 2 ? 0x1fu : len == 3 ? 0x0fu : 0x07u);
  for (std::size_t k = 1; k < len; ++k) {
    if (i + k >= s.size()) return 0;
    const unsigned b = byte(i + k);
    if (b < (k == 1 ? lo : 0x80u) || b > (k == 1 ? hi : 0xbfu)) return 0;
    cp = (cp << 6) | (b & 0x3fu);
    bad = k + 1;
  }
  if ((cp >= 0xfdd0 && cp <= 0xfdef) || (cp & 0xfffe) == 0xfffe) {  // noncharacters: sd-bus refuses them
    bad = len;
    return 0;
  }
  return len;
}

template <typename Bad>
std::string rewrite(std::string_view s, Bad&& on_bad, bool (*plain)(std::uint8_t)) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    std::size_t bad = 1;
    const std::size_t len = sequence_at(s, i, bad);
    if (len == 1 && plain(static_cast<std::uint8_t>(s[i]))) {
      out.push_back(s[i++]);
    } else if (len > 1) {
      out.append(s.substr(i, len));
      i += len;
    } else {
      on_bad(out, s.substr(i, len == 1 ? 1 : bad));
      i += len == 1 ? 1 : bad;
    }
  }
  return out;
}

}  // namespace

bool is_valid_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    std::size_t bad = 1;
    const std::size_t len = sequence_at(s, i, bad);
    if (len == 0) return false;
    i += len;
  }
  return true;
}

std::string valid_utf8(std::string_view s) {
  if (is_valid_utf8(s)) return std::string(s);
  return rewrite(
      s, [](std::string& out, std::string_view) { out += "\xEF\xBF\xBD"; }, [](std::uint8_t) { return true; });
}

std::string escaped(std::string_view s, bool keep_newlines) {
  auto hex = [](std::string& out, std::string_view bytes) {
    for (char c : bytes) out += fmt::format("\\x{:02x}", static_cast<std::uint8_t>(c));
  };
  if (keep_newlines)
    return rewrite(s, hex, [](std::uint8_t c) { return c == '\n' || (c >= 0x20 && c != 0x7f); });
  return rewrite(s, hex, [](std::uint8_t c) { return c >= 0x20 && c != 0x7f; });
}

}  // namespace irqd::sysfs
