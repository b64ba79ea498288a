// CpuSet: a set of CPU numbers, and the two kernel text forms of it (cpulist "0-3,8" and cpumask
// "ff,00000000"). Parsing is strict: anything the kernel would not print is an error that says
// where, because a misread mask moves interrupts to the wrong CPUs.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace irqd::sysfs {

class CpuSet {
 public:
  // Largest CPU number accepted from text; Linux's NR_CPUS tops out at 8192.
  static constexpr int kMaxCpus = 8192;

  CpuSet() = default;
  static CpuSet of(std::initializer_list<int> cpus);
  static CpuSet range(int first, int last);  // inclusive

  // Throw std::invalid_argument with a message naming the offending text.
  static CpuSet parse_list(std::string_view text);  // "0-3,8,10-11", "" = empty, "0-7:2" stride ok
  static CpuSet parse_mask(std::string_view text);  // "ff,00000000" as /proc/irq/N/smp_affinity

  std::string to_list() const;            // "0-3,8" ("" for empty)
  std::string to_mask(int nbits) const;   // comma-grouped 32-bit hex words, at least nbits wide

  void set(int cpu);
  void reset(int cpu);
  bool test(int cpu) const;
  bool empty() const;
  int count() const;
  int first() const;  // -1 when empty
  int last() const;   // -1 when empty
  std::vector<int> to_vector() const;

  CpuSet operator&(const CpuSet& o) const;
  CpuSet operator|(const CpuSet& o) const;
  CpuSet operator-(const CpuSet& o) const;  // set difference
  CpuSet& operator|=(const CpuSet& o);
  CpuSet& operator&=(const CpuSet& o);
  bool operator==(const CpuSet& o) const;
  bool is_subset_of(const CpuSet& o) const;
  bool intersects(const CpuSet& o) const;

 private:
  void trim();
  std::vector<std::uint64_t> words_;  // no trailing zero words, so == is word equality
};

}  // namespace irqd::sysfs
