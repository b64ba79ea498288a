// libFuzzer target: OriginalStore::load on arbitrary original.json content.
// The input is written to a file in a temporary directory created once per process (under
// /dev/shm when it exists) and removed at exit.
// Properties: load() either loads or throws std::runtime_error (any other exception is a crash);
// after a throw nothing is loaded; what loads survives save() + load() unchanged.
#include <fcntl.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>

#include "irqd/engine/originals.hpp"

namespace fs = std::filesystem;

namespace {

fs::path g_dir;

void remove_tree() {
  std::error_code ec;
  if (!g_dir.empty()) fs::remove_all(g_dir, ec);
}

const fs::path& dir() {
  if (g_dir.empty()) {
    std::string tmpl = fs::is_directory("/dev/shm") ? "/dev/shm" : fs::temp_directory_path().string();
    // The pid in the name lets run.sh remove the directory of a run that crashed (no atexit).
    tmpl += "/irqd-fuzz-originals." + std::to_string(::getpid()) + ".XXXXXX";
    if (::mkdtemp(tmpl.data()) == nullptr) {
      std::perror("fuzz_originals: mkdtemp");
      std::abort();
    }
    g_dir = tmpl;
    std::atexit(remove_tree);
  }
  return g_dir;
}

void write_file(const fs::path& p, std::string_view content) {
  int fd = ::open(p.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    std::perror("fuzz_originals: open");
    std::abort();
  }
  while (!content.empty()) {
    ssize_t n = ::write(fd, content.data(), content.size());
    if (n <= 0) {
      std::perror("fuzz_originals: write");
      std::abort();
    }
    content.remove_prefix(static_cast<std::size_t>(n));
  }
  ::close(fd);
}

[[noreturn]] void fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "fuzz_originals: property violated: %s: %s\n", what, detail.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const fs::path file = dir() / "original.json";
  write_file(file, std::string_view(reinterpret_cast<const char*>(data), size));

  irqd::OriginalStore store(file);
  store.record("proc/irq/0/smp_affinity_list", "0");  // must be dropped by load(), whatever happens
  try {
    store.load();
  } catch (const std::runtime_error& e) {
    if (!store.values().empty()) fail("values left after a failed load", e.what());
    return 0;
  }

  // Round trip through save(): what was loaded is what a later `irqd --restore` would see.
  const fs::path copy_file = dir() / "copy" / "original.json";
  irqd::OriginalStore copy(copy_file);
  for (const auto& [path, value] : store.values()) copy.record(path, value);
  try {
    copy.save();
  } catch (const std::runtime_error& e) {
    fail("save() of loaded values failed", e.what());
  }
  irqd::OriginalStore back(copy_file);
  try {
    back.load();
  } catch (const std::runtime_error& e) {
    fail("load() of a saved file failed", e.what());
  }
  if (back.values() != store.values()) fail("save()+load() changed the values", std::to_string(store.values().size()));
  return 0;
}
