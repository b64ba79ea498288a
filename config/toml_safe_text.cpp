// Stand-ins for the code points toml++ 3.3 mishandles (see toml_safe_text.hpp).
#include "config/toml_safe_text.hpp"

#include <string_view>

namespace irqd::config {

namespace {
// The code points that reach the switch default of toml++'s is_non_ascii_horizontal_whitespace.
constexpr char32_t kBadRanges[][2] = {{0xA1, 0x499}, {0x2C5E, 0x2FFF}, {0x3001, 0x3057}, {0xFB26, 0xFEFE}};
constexpr std::string_view kSafe2 = "\xD7\x90";      // U+05D0
constexpr std::string_view kSafe3 = "\xE4\xB8\x80";  // U+4E00
}  // namespace

bool replace_unsafe_code_points(std::string& t) {
  bool changed = false;
  for (std::size_t i = 0; i < t.size();) {
    auto b = static_cast<unsigned char>(t[i]);
    std::size_t len = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xE ? 3 : (b >> 3) == 0x1E ? 4 : 1;
    if (len == 1 || len == 4 || i + len > t.size()) {
      ++i;
      continue;
    }
    char32_t c = b & (len == 2 ? 0x1F : 0x0F);
    bool valid = true;
    for (std::size_t k = 1; k < len; ++k) {
      auto cb = static_cast<unsigned char>(t[i + k]);
      valid = valid && (cb & 0xC0) == 0x80;
      c = (c << 6) | (cb & 0x3F);
    }
    bool bad = false;
    for (const auto& r : kBadRanges) bad = bad || (c >= r[0] && c <= r[1]);
    if (valid && bad) {
      t.replace(i, len, len == 2 ? kSafe2 : kSafe3);
      changed = true;
    }
    i += valid ? len : 1;
  }
  return changed;
}

std::string without_stand_ins(std::string message) {
  for (auto stand_in : {kSafe2, kSafe3})
    for (auto p = message.find(stand_in); p != std::string::npos; p = message.find(stand_in))
      message.replace(p, stand_in.size(), "a non-ASCII character");
  return message;
}

}  // namespace irqd::config
