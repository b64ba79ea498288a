// Peak memory measures in a forked child: VmHWM after clear_refs "5" (Linux >= 4.0).
#include "tests/support/peak_memory.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <exception>
#include <fstream>
#include <sstream>

namespace irqd::testing {

namespace {

// A line "Key:   1234 kB" of /proc/self/status, in bytes; 0 when absent.
std::size_t status_kb(const char* key) {
  std::ifstream in("/proc/self/status");
  for (std::string line; std::getline(in, line);)
    if (line.rfind(key, 0) == 0) return std::stoull(line.substr(std::strlen(key))) * 1024;
  return 0;
}

void write_all(int fd, const std::string& s) {
  for (std::size_t off = 0; off < s.size();) {
    ssize_t n = ::write(fd, s.data() + off, s.size() - off);
    if (n <= 0) return;
    off += static_cast<std::size_t>(n);
  }
}

}  // namespace

PeakMemory measure_peak(const std::function<std::size_t()>& f) {
  PeakMemory out;
  int fds[2];
  if (::pipe(fds) != 0) {
    out.error = "pipe failed";
    return out;
  }
  pid_t pid = ::fork();
  if (pid < 0) {
    out.error = "fork failed";
    return out;
  }
  if (pid == 0) {
    ::close(fds[0]);
    std::string report;
    {
      std::ofstream reset("/proc/self/clear_refs");
      reset << "5";  // peak resident set := current resident set
    }
    const std::size_t base = status_kb("VmRSS:");
    std::size_t value = 0;
    std::string error;
    try {
      value = f();
    } catch (const std::exception& e) {
      error = e.what();
    }
    const std::size_t peak = status_kb("VmHWM:");
    report = std::to_string(peak > base ? peak - base : 0) + " " + std::to_string(value) + " " + error;
    write_all(fds[1], report);
    ::_exit(0);
  }
  ::close(fds[1]);
  std::string report;
  char buf[4096];
  for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) > 0;) report.append(buf, static_cast<std::size_t>(n));
  ::close(fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  std::istringstream in(report);
  if (!(in >> out.growth >> out.value)) {
    out.error = "the child reported nothing (status " + std::to_string(status) + ")";
    return out;
  }
  std::getline(in >> std::ws, out.error);
  return out;
}

}  // namespace irqd::testing
