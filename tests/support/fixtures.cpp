// Fixture location, temporary directories and tarball extraction for tests.
#include "tests/support/fixtures.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace irqd::testing {

namespace fs = std::filesystem;

fs::path fixtures_dir() {
  const char* env = std::getenv("IRQD_FIXTURES");
  if (env == nullptr || *env == '\0')
    throw std::runtime_error("IRQD_FIXTURES is not set: run the tests through 'meson test'");
  return env;
}

fs::path fixture(const std::string& rel) { return fixtures_dir() / rel; }

std::string read_fixture(const std::string& rel) {
  std::ifstream in(fixture(rel), std::ios::binary);
  if (!in) throw std::runtime_error("cannot read fixture " + fixture(rel).string());
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> fixture_files(const std::string& subdir, const std::string& suffix) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(fixture(subdir))) {
    if (!e.is_regular_file()) continue;
    std::string n = e.path().filename().string();
    if (suffix.empty() || (n.size() >= suffix.size() && n.compare(n.size() - suffix.size(), suffix.size(), suffix) == 0))
      out.push_back(n);
  }
  std::sort(out.begin(), out.end());
  return out;
}

TempDir::TempDir() {
  // Fixture trees hold tens of thousands of small files: create them on tmpfs when there is one
  // (20x faster than the disk here), unless TMPDIR says otherwise.
  std::error_code ec;
  fs::path base = std::getenv("TMPDIR") == nullptr && fs::is_directory("/dev/shm", ec) && ::access("/dev/shm", W_OK) == 0
                      ? fs::path("/dev/shm")
                      : fs::temp_directory_path();
  std::string tmpl = (base / "irqd-test-XXXXXX").string();
  if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  // Fault tests make directories unwritable; give permissions back before removing.
  for (auto it = fs::recursive_directory_iterator(path_, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
    if (it->is_directory(ec) && !it->is_symlink(ec))
      fs::permissions(it->path(), fs::perms::owner_all, fs::perm_options::add, ec);
  fs::remove_all(path_, ec);
}

void TempDir::write(const std::string& rel, const std::string& content) const {
  fs::path p = path_ / rel;
  fs::create_directories(p.parent_path());
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  if (!out) throw std::runtime_error("cannot write " + p.string());
  out << content;
}

ExtractedTree::ExtractedTree(const std::string& tarball_name) : name_(tarball_name) {
  fs::path tarball = fixture("sysfs/" + tarball_name + ".tar.gz");
  if (!fs::exists(tarball)) throw std::runtime_error("no such fixture tarball " + tarball.string());
  std::string cmd = "tar -xzf '" + tarball.string() + "' -C '" + dir_.path().string() + "'";
  if (std::system(cmd.c_str()) != 0) throw std::runtime_error("cannot extract " + tarball.string());
}

fs::path ExtractedTree::root() const { return dir_.path() / name_; }

}  // namespace irqd::testing
