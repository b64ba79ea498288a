// NapiThreads: kthread CPU time from proc/<pid>/stat.
#include "irqd/engine/napi_threads.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <charconv>
#include <optional>
#include <string>
#include <string_view>

namespace irqd {

namespace {
// utime + stime (fields 14 and 15) of a stat line; nullopt when it cannot be read. The comm field
// (2) is in parentheses and may hold spaces: fields are counted after its closing parenthesis.
std::optional<unsigned long long> cpu_ticks(const std::string& line) {
  const auto close = line.rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::string_view rest = std::string_view(line).substr(close + 1);
  unsigned long long ticks = 0;
  int field = 2;
  std::size_t at = 0;
  while (at < rest.size() && field < 15) {
    while (at < rest.size() && rest[at] == ' ') ++at;
    const std::size_t end = rest.find(' ', at);
    const std::string_view token = rest.substr(at, end == std::string_view::npos ? std::string_view::npos : end - at);
    ++field;
    if (field >= 14) {
      unsigned long long v = 0;
      if (std::from_chars(token.data(), token.data() + token.size(), v).ec != std::errc{}) return std::nullopt;
      ticks += v;
    }
    if (end == std::string_view::npos) break;
    at = end;
  }
  if (field < 15) return std::nullopt;
  return ticks;
}
}  // namespace

NapiThreads::NapiThreads(long user_hz)
    : user_hz_(static_cast<double>(user_hz > 0 ? user_hz : ::sysconf(_SC_CLK_TCK))) {}

std::unordered_map<int, double> NapiThreads::update(const sysfs::SysRoot& root, const sysfs::Inventory& inv) {
  std::map<int, unsigned long long> now;
  std::unordered_map<int, double> out;
  for (const auto& nic : inv.nics)
    for (const auto& napi : nic.napis) {
      if (napi.pid <= 0 || napi.irq < 0) continue;
      std::optional<std::string> line;
      try {
        line = root.read_line(fmt::format("proc/{}/stat", napi.pid));
      } catch (const std::exception&) {
        continue;  // the thread is going away: nothing this interval
      }
      if (!line) continue;
      const auto ticks = cpu_ticks(*line);
      if (!ticks) continue;
      now[napi.pid] = *ticks;
      if (auto p = prev_.find(napi.pid); p != prev_.end() && *ticks >= p->second)
        out[napi.irq] += static_cast<double>(*ticks - p->second) / user_hz_;
    }
  prev_ = std::move(now);
  return out;
}

}  // namespace irqd
