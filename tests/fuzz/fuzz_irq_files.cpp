// libFuzzer target: read_irq_affinity on a /proc/irq/1 directory whose files hold the input.
// The tree lives in a temporary directory created once per process (under /dev/shm when it exists,
// so each input costs a few tmpfs writes) and is removed at exit.
//
// Input: one flags byte, then up to five fields separated by '\0':
//   smp_affinity_list, smp_affinity, effective_affinity_list, node, debugfs irqs/1
// Flag bit i (0..4) set = field i's file exists (a missing field is an empty file).
// Properties: only ParseError escapes; it is thrown exactly when a file that is read holds text
// CpuSet::parse_list / parse_mask / a node number reject; otherwise every field equals the direct
// parse of the file's first line (smp_affinity is only read when smp_affinity_list is absent).
#include <fcntl.h>
#include <unistd.h>

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>

#include "sysfs/cpuset.hpp"
#include "sysfs/error.hpp"
#include "sysfs/irq_files.hpp"
#include "sysfs/sys_root.hpp"

namespace fs = std::filesystem;
using irqd::sysfs::CpuSet;

namespace {

constexpr int kFields = 5;
const char* const kFiles[kFields] = {
    "proc/irq/1/smp_affinity_list", "proc/irq/1/smp_affinity", "proc/irq/1/effective_affinity_list",
    "proc/irq/1/node", "sys/kernel/debug/irq/irqs/1"};

fs::path g_root;

void remove_tree() {
  std::error_code ec;
  if (!g_root.empty()) fs::remove_all(g_root, ec);
}

const fs::path& root_dir() {
  if (g_root.empty()) {
    std::string tmpl = fs::is_directory("/dev/shm") ? "/dev/shm" : fs::temp_directory_path().string();
    // The pid in the name lets run.sh remove the directory of a run that crashed (no atexit).
    tmpl += "/irqd-fuzz-irq_files." + std::to_string(::getpid()) + ".XXXXXX";
    if (::mkdtemp(tmpl.data()) == nullptr) {
      std::perror("fuzz_irq_files: mkdtemp");
      std::abort();
    }
    g_root = tmpl;
    std::atexit(remove_tree);
    fs::create_directories(g_root / "proc/irq/1");
    fs::create_directories(g_root / "sys/kernel/debug/irq/irqs");
  }
  return g_root;
}

void put(const fs::path& p, std::optional<std::string_view> content) {
  if (!content) {
    ::unlink(p.c_str());
    return;
  }
  int fd = ::open(p.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    std::perror("fuzz_irq_files: open");
    std::abort();
  }
  std::string_view left = *content;
  while (!left.empty()) {
    ssize_t n = ::write(fd, left.data(), left.size());
    if (n <= 0) {
      std::perror("fuzz_irq_files: write");
      std::abort();
    }
    left.remove_prefix(static_cast<std::size_t>(n));
  }
  ::close(fd);
}

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "fuzz_irq_files: property violated: %s\n", what);
  std::abort();
}

std::string_view first_line(std::string_view s) { return s.substr(0, s.find('\n')); }

// The expected outcome, computed directly from the field texts. nullopt = a ParseError is due.
struct Expected {
  std::optional<CpuSet> affinity;
  std::optional<CpuSet> effective;
  int node = -1;
  bool managed = false;
};

std::optional<CpuSet> parse_set(std::string_view line, bool mask, bool& bad) {
  try {
    return mask ? CpuSet::parse_mask(line) : CpuSet::parse_list(line);
  } catch (const std::invalid_argument&) {
    bad = true;
    return std::nullopt;
  }
}

std::optional<Expected> expect(const std::optional<std::string_view> (&f)[kFields]) {
  Expected e;
  bool bad = false;
  if (f[0]) e.affinity = parse_set(first_line(*f[0]), false, bad);
  else if (f[1]) e.affinity = parse_set(first_line(*f[1]), true, bad);
  if (bad) return std::nullopt;
  if (f[2]) e.effective = parse_set(first_line(*f[2]), false, bad);
  if (bad) return std::nullopt;
  if (f[3]) {
    std::string_view n = first_line(*f[3]);
    auto [p, ec] = std::from_chars(n.data(), n.data() + n.size(), e.node);
    if (ec != std::errc{} || p != n.data() + n.size()) return std::nullopt;
  }
  if (f[4]) e.managed = f[4]->find("AFFINITY_MANAGED") != std::string_view::npos;
  return e;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const unsigned flags = data[0];
  std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::optional<std::string_view> fields[kFields];
  for (int i = 0; i < kFields; ++i) {
    std::size_t nul = rest.find('\0');
    std::string_view field = rest.substr(0, nul);
    rest = nul == std::string_view::npos ? std::string_view() : rest.substr(nul + 1);
    if (flags & (1u << i)) fields[i] = field;
  }
  const fs::path& root = root_dir();
  for (int i = 0; i < kFields; ++i) put(root / kFiles[i], fields[i]);

  const irqd::sysfs::SysRoot sys(root);
  const std::optional<Expected> want = expect(fields);
  irqd::sysfs::IrqAffinity got;
  try {
    got = irqd::sysfs::read_irq_affinity(sys, 1);
  } catch (const irqd::sysfs::ParseError&) {
    if (want) fail("ParseError for files that parse");
    return 0;
  }
  if (!want) fail("malformed file accepted");
  if (!got.present) fail("present == false for an existing /proc/irq/1");
  if (got.affinity.has_value() != want->affinity.has_value() || (got.affinity && !(*got.affinity == *want->affinity)))
    fail("affinity differs from the direct parse");
  if (got.effective.has_value() != want->effective.has_value() ||
      (got.effective && !(*got.effective == *want->effective)))
    fail("effective differs from the direct parse");
  if (got.node != want->node) fail("node differs from the direct parse");
  if (got.managed != want->managed) fail("managed differs from the debugfs text");
  if (irqd::sysfs::read_irq_affinity(sys, 2).present) fail("absent /proc/irq/2 reported present");
  return 0;
}
