// Argument checks with messages in the daemon's style: "cpulist '0-x': ...".
#include "irqd/irqctl/arguments.hpp"

#include <fmt/format.h>

#include <cctype>
#include <stdexcept>

#include "irqd/irqctl/errors.hpp"
#include "sysfs/cpuset.hpp"

namespace irqd::irqctl {

void check_cpulist(const std::string& text, bool allow_empty) {
  if (text.empty() && !allow_empty)
    throw CommandError(kExitInvalid, "empty cpulist (expected e.g. 0-3,8)");
  try {
    (void)sysfs::CpuSet::parse_list(text);
  } catch (const std::invalid_argument& e) {
    // CpuSet's message already quotes the text and says where it went wrong.
    throw CommandError(kExitInvalid,
                       fmt::format("{} (expected a cpulist such as 0-3,8)", e.what()));
  }
}

void check_queue_name(const std::string& text) {
  bool ok = text.size() > 3 && text.size() <= 9 &&
            (text.rfind("rx-", 0) == 0 || text.rfind("tx-", 0) == 0);
  for (std::size_t i = 3; ok && i < text.size(); ++i)
    ok = std::isdigit(static_cast<unsigned char>(text[i])) != 0;
  if (!ok)
    throw CommandError(kExitInvalid,
                       fmt::format("queue '{}': expected rx-N or tx-N (e.g. rx-0)", text));
}

void check_device_name(const std::string& text) {
  bool ok = !text.empty() && text.size() <= 15 && text != "." && text != "..";
  for (char c : text)
    ok = ok && c != '/' && c != ':' && std::isspace(static_cast<unsigned char>(c)) == 0;
  if (!ok) {
    throw CommandError(
        kExitInvalid,
        fmt::format("device '{}': not a network interface name (1-15 characters, no '/', ':' or "
                    "spaces)",
                    text));
  }
}

}  // namespace irqd::irqctl
