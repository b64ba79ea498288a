// Bounds: inputs far larger than any real machine's (100k IRQs, 8192 CPUs, oversized files, CPU
// numbers past the kernel's limit) are either handled or refused with a clear error, never read
// into unbounded memory.
#include <fcntl.h>
#include <unistd.h>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <string>

#include "sysfs/cpuset.hpp"
#include "sysfs/error.hpp"
#include "sysfs/proc_interrupts.hpp"
#include "sysfs/sys_root.hpp"
#include "tests/support/fixtures.hpp"

namespace irqd::sysfs {
namespace {

std::string header(int ncpus) {
  std::string h = "      ";
  for (int c = 0; c < ncpus; ++c) h += fmt::format(" CPU{}", c);
  return h + "\n";
}

// A row in the x86 PCI-MSI-X layout of the captures: "  38:  0 5 ... IR-PCI-MSIX-... name".
std::string row(int irq, int ncpus) {
  std::string r = fmt::format("{:>4}:", irq);
  for (int c = 0; c < ncpus; ++c) r += c == irq % ncpus ? " 12345" : " 0";
  return r + fmt::format(" IR-PCI-MSIX-0000:3b:00.0 {}-edge eth0-TxRx-{}\n", irq, irq);
}

template <typename F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(Bounds, HundredThousandIrqsParse) {
  std::string text = header(16);
  for (int irq = 0; irq < 100000; ++irq) text += row(irq, 16);
  auto t = parse_interrupts(text, "/proc/interrupts");
  ASSERT_EQ(t.rows.size(), 100000u);
  EXPECT_EQ(t.count(99999, 99999 % 16), 12345u);
}

TEST(Bounds, EightThousandCpuColumnsParse) {
  std::string text = header(CpuSet::kMaxCpus);
  for (int irq = 0; irq < 64; ++irq) text += row(irq, CpuSet::kMaxCpus);
  auto t = parse_interrupts(text, "/proc/interrupts");
  EXPECT_EQ(t.ncols(), 8192u);
  EXPECT_EQ(t.rows.size(), 64u);
}

TEST(Bounds, CpuNumberPastTheKernelLimitIsRefused) {
  std::string text = "  CPU0 CPU8192\n  1: 0 0 IO-APIC 1-edge i8042\n";
  EXPECT_EQ(error_of([&] { parse_interrupts(text, "/proc/interrupts"); }),
            "/proc/interrupts:1: header column CPU8192: CPU numbers stop at 8191");
  EXPECT_NE(error_of([] { CpuSet::parse_list("0-4294967295"); }).find("too large"), std::string::npos);
}

TEST(Bounds, OversizedKernelFileIsRefusedNotRead) {
  testing::TempDir dir;
  dir.write("proc/interrupts", "");
  auto path = dir.path() / "proc/interrupts";
  int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::ftruncate(fd, static_cast<off_t>(SysRoot::kMaxFileBytes + 1)), 0);  // sparse: no disk
  ::close(fd);
  SysRoot root(dir.path());
  std::string msg = error_of([&] { root.read("proc/interrupts"); });
  EXPECT_NE(msg.find("larger than 64 MiB, refusing to read it"), std::string::npos) << msg;
}

}  // namespace
}  // namespace irqd::sysfs
