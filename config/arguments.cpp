// Argument validators: cpulists, queue names, device and policy names (see arguments.hpp).
#include "config/arguments.hpp"

#include <fmt/format.h>

#include <stdexcept>

namespace irqd::config {

std::string shown_arg(std::string_view text, std::size_t max) {
  std::string s(text.substr(0, max));
  for (char& c : s)
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) c = '?';
  return text.size() > max ? s + "..." : s;
}

namespace {
void check_length(const char* what, std::string_view text) {
  if (text.size() > kMaxArgLength)
    throw std::invalid_argument(
        fmt::format("{} '{}': longer than {} bytes", what, shown_arg(text), kMaxArgLength));
}
}  // namespace

sysfs::CpuSet parse_cpus_arg(std::string_view text) {
  check_length("cpulist", text);
  sysfs::CpuSet cpus;
  try {
    cpus = sysfs::CpuSet::parse_list(text);
  } catch (const std::invalid_argument& e) {
    // CpuSet's message quotes the whole text: keep only its reason, so the reply stays short.
    std::string_view why = e.what();
    if (auto at = why.rfind("': "); at != std::string_view::npos) why.remove_prefix(at + 3);
    throw std::invalid_argument(fmt::format("cpulist '{}': not a cpulist such as 0-3,8 ({})",
                                            shown_arg(text), shown_arg(why, 120)));
  }
  if (cpus.empty())
    throw std::invalid_argument(fmt::format("cpulist '{}': names no CPU", shown_arg(text)));
  return cpus;
}

sysfs::CpuSet parse_cpus_arg(std::string_view text, const sysfs::CpuSet& existing) {
  sysfs::CpuSet cpus = parse_cpus_arg(text);
  sysfs::CpuSet missing = cpus - existing;
  if (!missing.empty()) {
    std::string which = missing.count() == 1
                            ? fmt::format("CPU {} does not exist", missing.first())
                            : fmt::format("CPUs {} do not exist", shown_arg(missing.to_list()));
    throw std::invalid_argument(fmt::format("cpulist '{}': {} (online CPUs: {})", shown_arg(text),
                                            which, shown_arg(existing.to_list(), 120)));
  }
  return cpus;
}

QueueName parse_queue_name(std::string_view text) {
  check_length("queue", text);
  auto bad = [&] {
    return std::invalid_argument(
        fmt::format("queue '{}': expected rx-N or tx-N (e.g. rx-0)", shown_arg(text)));
  };
  if (text.size() < 4 || text[2] != '-') throw bad();
  QueueName q;
  if (text.substr(0, 2) == "rx")
    q.rx = true;
  else if (text.substr(0, 2) == "tx")
    q.rx = false;
  else
    throw bad();
  std::string_view num = text.substr(3);
  if (num.size() > 5 || (num.size() > 1 && num[0] == '0')) throw bad();
  int v = 0;
  for (char c : num) {
    if (c < '0' || c > '9') throw bad();
    v = v * 10 + (c - '0');
  }
  if (v > 65535) throw bad();
  q.index = v;
  return q;
}

std::string queue_name(bool rx, int index) { return fmt::format("{}-{}", rx ? "rx" : "tx", index); }

void check_device_name(std::string_view name) {
  check_length("device", name);
  bool ok = !name.empty() && name.size() <= 15 && name != "." && name != "..";
  for (char c : name)
    if (c == '/' || c == ':' || static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) ok = false;
  if (!ok)
    throw std::invalid_argument(
        fmt::format("device '{}': not a network interface name (1-15 bytes, no '/', ':' or spaces)",
                    shown_arg(name)));
}

void check_policy_name(std::string_view name) {
  check_length("policy", name);
  bool ok = !name.empty() && name.size() <= 32;
  for (char c : name)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) ok = false;
  if (!ok) throw std::invalid_argument(fmt::format("policy '{}': not a policy name", shown_arg(name)));
}

}  // namespace irqd::config
