// Text from kernel files made safe to hand on: IRQ, device and driver names are bytes, and one
// byte that is not UTF-8 must not break a JSON report, a D-Bus reply (sd-bus refuses such
// strings) or an operator's terminal.
#pragma once

#include <string>
#include <string_view>

namespace irqd::sysfs {

// Whether s is UTF-8 as sd-bus accepts it: well-formed (no overlong forms, no surrogates, nothing
// past U+10FFFF), without NUL and without the noncharacters U+FDD0..U+FDEF and U+xxFFFE/F.
bool is_valid_utf8(std::string_view s);

// s with every byte sequence is_valid_utf8 refuses replaced by U+FFFD (one per maximal invalid
// subpart, as the Unicode standard recommends). Valid text comes back unchanged.
std::string valid_utf8(std::string_view s);

// s for printing to a terminal or a log read by people: each byte is_valid_utf8 refuses and each
// control character is written as \xNN ("\xff", "\x1b"); a newline is kept when keep_newlines.
std::string escaped(std::string_view s, bool keep_newlines = false);

}  // namespace irqd::sysfs
