// A workaround for toml++ 3.3 (Debian 12): its is_non_ascii_horizontal_whitespace reaches
// __builtin_unreachable for some non-ASCII code points, and the parser asks it about any character
// that follows a bare key or value (found by fuzz_config). The parser is given a copy in which each
// such code point is replaced by a harmless stand-in of the same UTF-8 length, so lines, columns and
// the document's structure stay exactly the same (none of them is TOML syntax or whitespace).
// irqd's values are ASCII, so a stand-in never reaches the configuration unreported.
#pragma once

#include <string>

namespace irqd::config {

// Replaces the affected code points in place; true when something was replaced.
bool replace_unsafe_code_points(std::string& text);
// A parser message with the stand-ins named as "a non-ASCII character" instead.
std::string without_stand_ins(std::string message);

}  // namespace irqd::config
