// Simulated kernel files: atomic replacement, the mtime stamp, trimmed reads.
#include "tests/sim/sim_files.hpp"

#include <fcntl.h>
#include <sys/stat.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace irqd::sim {

namespace fs = std::filesystem;

namespace {
// 2001-09-09: no write made while a test runs has this modification time.
constexpr time_t kStamp = 1000000000;
}  // namespace

void write_file(const fs::path& root, const std::string& rel, const std::string& text, bool stamp) {
  const fs::path p = root / rel;
  const fs::path tmp = p.string() + ".sim-tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    if (!out) {
      fs::create_directories(p.parent_path());
      out.open(tmp, std::ios::trunc);
    }
    out << text;
    if (!out) throw std::runtime_error("sim: cannot write " + tmp.string());
  }
  if (stamp) {
    const struct timespec times[2] = {{0, UTIME_OMIT}, {kStamp, 0}};
    if (::utimensat(AT_FDCWD, tmp.c_str(), times, 0) != 0) throw std::runtime_error("sim: cannot stamp " + tmp.string());
  }
  fs::rename(tmp, p);
}

bool written_since_stamp(const fs::path& root, const std::string& rel) {
  struct stat st {};
  if (::stat((root / rel).c_str(), &st) != 0) return true;
  return st.st_mtim.tv_sec != kStamp || st.st_mtim.tv_nsec != 0;
}

std::string read_trimmed(const fs::path& root, const std::string& rel) {
  std::ifstream in(root / rel);
  std::ostringstream s;
  s << in.rdbuf();
  std::string t = s.str();
  while (!t.empty() && (t.back() == '\n' || t.back() == ' ' || t.back() == '\0')) t.pop_back();
  return t;
}

}  // namespace irqd::sim
