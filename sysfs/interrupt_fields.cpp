// Line counting for /proc/interrupts reservations (the field scanners are inline in interrupt_fields.hpp).
#include "sysfs/interrupt_fields.hpp"

#include <cstring>

namespace irqd::sysfs::interrupt_fields {

std::size_t count_newlines(std::string_view text) {
  std::size_t n = 0;
  for (const char *p = text.data(), *end = p + text.size();
       (p = static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(end - p)))) != nullptr; ++p)
    ++n;
  return n;
}

}  // namespace irqd::sysfs::interrupt_fields
