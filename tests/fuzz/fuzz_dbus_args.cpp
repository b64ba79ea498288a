// libFuzzer target: the D-Bus write methods' argument parsers (config/arguments.hpp,
// config/napi_settings.hpp) — the cpulist, queue name ("rx-3", "tx-0"), device and policy name of
// PinIrq, PinQueue, BanCpus, SetDevicePolicy, and a SetDeviceNapi setting ("name=value"). The
// first byte picks the parser, the rest is the argument.
// Properties: each parser returns or throws std::invalid_argument with a short, printable-ASCII
// message (it becomes a D-Bus error string, which must be valid UTF-8); a parsed
// cpulist is non-empty, within the "existing" CPUs when checked against them, and prints back to
// a cpulist that parses to the same set; a parsed queue name prints back to the same text; a NAPI
// setting sets that one setting only, and its text parses back to the same value.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <string_view>

#include "config/arguments.hpp"
#include "config/napi_settings.hpp"

namespace {
void check_message(const std::invalid_argument& e) {
  // Messages quote at most 64 bytes of the argument: a huge argument never becomes a huge reply.
  std::string_view m = e.what();
  if (m.size() > 400) std::abort();
  // ... and stay printable ASCII: a D-Bus error message must be valid UTF-8.
  for (char c : m)
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) std::abort();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  std::string_view arg(reinterpret_cast<const char*>(data) + 1, size - 1);
  try {
    switch (data[0] % 6) {
      case 0: {
        auto cpus = irqd::config::parse_cpus_arg(arg);
        if (cpus.empty() || !(irqd::config::parse_cpus_arg(cpus.to_list()) == cpus)) std::abort();
        break;
      }
      case 1: {
        static const auto existing = irqd::sysfs::CpuSet::range(0, 63);
        auto cpus = irqd::config::parse_cpus_arg(arg, existing);
        if (cpus.empty() || !cpus.is_subset_of(existing)) std::abort();
        break;
      }
      case 2: {
        auto q = irqd::config::parse_queue_name(arg);
        if (irqd::config::queue_name(q.rx, q.index) != arg) std::abort();
        break;
      }
      case 3:
        irqd::config::check_device_name(arg);
        if (arg.empty() || arg.size() > 15) std::abort();
        break;
      case 4:
        irqd::config::check_policy_name(arg);
        if (arg.empty() || arg.size() > 32) std::abort();
        break;
      default: {
        const auto eq = arg.find('=');
        if (eq == std::string_view::npos) break;
        const std::string_view name = arg.substr(0, eq);
        irqd::config::DevicePatch p;
        irqd::config::set_napi_setting(p, name, arg.substr(eq + 1));
        const auto text = irqd::config::napi_settings(p);
        if (text.size() != 1 || text.begin()->first != name) std::abort();
        irqd::config::DevicePatch again;
        irqd::config::set_napi_setting(again, name, text.begin()->second);
        if (!(again == p)) std::abort();
        break;
      }
    }
  } catch (const std::invalid_argument& e) {
    check_message(e);
  }
  return 0;
}
