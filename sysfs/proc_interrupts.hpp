// Parser for /proc/interrupts: every layout the fixtures show (x86 IO-APIC / PCI-MSI / IR-PCI-MSIX-<bdf>
// chip columns, GICv3 / ITS-MSI on arm64, named rows such as NMI/LOC/IPI0 mixed with numbered ones,
// rows with fewer columns than CPUs, header columns that skip offline CPUs, 1000+ columns).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sysfs/sys_root.hpp"

namespace irqd::sysfs {

// What is kept of a line is bounded, so that memory follows the table, not the file: a line is
// read up to kMaxInterruptsLine bytes (the rest is skipped; 8192 CPUs' counters take ~90 KiB) and
// a row's description (chip, hwirq, action names) up to kMaxDescription bytes (real ones are tens
// of bytes; a shared IRQ with many actions a few hundred). The file itself is streamed, never held
// whole: it may be as long as its rows make it, up to kMaxInterruptsBytes (8192 CPUs x ~23,000
// IRQs), past which it is refused rather than read on and on (a device that never ends). Its rows
// are the table: at most kMaxInterruptsRows of them (twice the IRQs of x86's largest NR_IRQS,
// 8192 CPUs x 64 vectors), so that a file of tiny rows cannot make a table of gigabytes either.
inline constexpr std::size_t kMaxInterruptsLine = std::size_t{256} << 10;
inline constexpr std::size_t kMaxInterruptsRows = std::size_t{1} << 20;
inline constexpr std::size_t kMaxDescription = 1024;
inline constexpr std::size_t kMaxInterruptsBytes = std::size_t{2} << 30;

struct InterruptRow {
  int irq = -1;            // IRQ number; -1 for named rows (NMI, LOC, IPI0, ERR, MIS ...)
  std::string label;       // text before ':' ("42", "NMI", "IPI0")
  std::string chip;        // irq chip column: "IR-PCI-MSIX-0000:4b:00.0", "PCI-MSI", "IO-APIC", "GICv3"
  std::string hwirq;       // hwirq and trigger: "2-edge", "65537-edge", "27 Level", "edge" (old kernels)
  std::string name;        // action name(s) ("ice-ens3f0-TxRx-0"); for named rows the description
  std::string chip_pci;    // PCI address named by the chip column ("0000:4b:00.0"), else ""
  std::string description; // the line after its counters, verbatim (a re-read compares it whole)
  std::size_t first_count = 0;  // offset of this row's counters in InterruptTable::cells
  std::uint32_t stored = 0;     // sparse: (column, value) pairs held; dense: cpus.size() values
  bool dense = false;           // held as one value per column (a row mostly non-zero)
  bool cut = false;             // the description was longer than kMaxDescription: its start kept
  int ncounts = 0;         // counter columns actually present on the line (<= cpus.size())
  int line = 0;            // 1-based line number in the file
};

struct InterruptTable {
  std::vector<int> cpus;               // CPU number of each column, from the header ("CPU0 CPU1 CPU3")
  std::vector<InterruptRow> rows;      // in file order
  // The counters, proportional to the non-zero ones (an IRQ counts only on the CPUs it was
  // delivered to: 99.5% of a big machine's counters are 0). From each row's first_count: a sparse
  // row's `stored` (column, value) pairs in ascending column (every non-zero counter; a pair may
  // hold a 0 that was re-read in place), a dense row's cpus.size() values. Columns absent on a
  // line are 0. A row re-read in place that gained counters moves to the end (parser-owned
  // layout: read through the accessors). 32 bits: the kernel's per-CPU counters are unsigned
  // int, printed "%10u" (kstat_irqs_cpu); the sampler's deltas are mod 2^32.
  std::vector<std::uint32_t> cells;

  std::size_t ncols() const { return cpus.size(); }
  std::uint32_t count(std::size_t row, std::size_t col) const;
  std::uint64_t total(std::size_t row) const;  // sum of the row's counters (64 bits)
  void expand(std::size_t row, std::uint32_t* out) const;  // the row's ncols() counters into out
  std::vector<std::uint32_t> matrix() const;  // rows x cpus, row-major (tests, diagnostics)
  std::size_t live_cells() const;             // cells the rows use (the rest: moved-out rows)
  const InterruptRow* find(int irq) const;  // nullptr when absent
  std::size_t numbered() const;             // rows with an IRQ number
};

// Throws ParseError naming `file_name` and the line for anything malformed: a header without CPU
// columns, an unparsable label, a counter that is not a number or does not fit 32 bits (no
// kernel prints one: it would be a corrupt or synthesized file, and silently wrapping it would
// feed the sampler a made-up delta), more counter columns than CPUs, a duplicate IRQ number,
// more than kMaxInterruptsRows rows.
InterruptTable parse_interrupts(std::string_view text, std::string_view file_name);
// The same into a caller-owned table whose storage is reused (the daemon's every-cycle reading):
// once it has held a file of the same shape, a parse allocates nothing. After a throw `out`
// holds partial results.
void parse_interrupts(std::string_view text, std::string_view file_name, InterruptTable& out);

// A re-reading into the table holding the previous reading (the daemon's every cycle). While the
// file keeps that table's shape (the same CPU columns, and each line the row at its position with
// the same label, line number, column count and description) counters are overwritten in place,
// and each one whose value changed is logged in `changes` with the value it replaced: a steady
// machine costs what changed, and nobody keeps a second copy of the previous counts. A sparse
// row that gained non-zero counters is moved to the end of the cells (still in place: no new
// shape); the cells such moves leave unused are compacted away once they outnumber the rest.
// Otherwise (kFresh) the reading is made into `fresh` and `table` is left as it was.
// After a throw, too, `table` is exactly as it was (counters written in place are rolled back
// from the log, moved rows put back); `fresh` then holds partial results.
struct CounterChange {
  std::uint32_t index;  // row x cpus.size() + column (the position in a rows x CPUs matrix)
  std::uint32_t old;    // the value it replaced
};
enum class Reread {
  kMissing,  // no file (reread_interrupts only)
  kInPlace,  // `table` holds the new reading, `changes` what changed (in index order)
  kFresh,    // `fresh` holds the new reading, `table` the previous one untouched
};
Reread reparse_interrupts(std::string_view text, std::string_view file_name, InterruptTable& table,
                          InterruptTable& fresh, std::vector<CounterChange>& changes);

// Reads proc/interrupts under root in chunks of kInterruptsChunk bytes (more only for a line
// longer than that, up to kMaxInterruptsLine) and parses them as they come, so nobody holds the
// whole text (5.6 MB at 1152 CPUs x 440 IRQs): memory is the table's. `buf` is the caller's chunk
// buffer, reused. Returns false when the file does not exist; throws IoError (read errors, not a
// regular file, over kMaxInterruptsBytes) and ParseError like parse_interrupts. After a throw
// `out` holds partial results.
inline constexpr std::size_t kInterruptsChunk = std::size_t{64} << 10;
bool read_interrupts(const SysRoot& root, InterruptTable& out, std::string& buf);
// reparse_interrupts on the file, read in chunks as read_interrupts does.
Reread reread_interrupts(const SysRoot& root, InterruptTable& table, InterruptTable& fresh,
                         std::vector<CounterChange>& changes, std::string& buf);

}  // namespace irqd::sysfs
