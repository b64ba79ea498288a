// Simulated machine: rendering /proc/interrupts, /proc/stat, /proc/softirqs and
// /proc/net/softnet_stat after a step. The counters are formatted by hand: at 1152 CPUs x 440
// IRQs that is half a million cells a step.
#include <algorithm>
#include <charconv>
#include <cmath>

#include <fmt/format.h>

#include "tests/sim/sim_machine.hpp"

namespace irqd::sim {

namespace {
std::size_t ix(int i) { return static_cast<std::size_t>(i); }
constexpr double kTimerHz = 250.0;  // CONFIG_HZ: local timer interrupts and TIMER softirqs
std::uint64_t ticks(double seconds, long hz) {
  return static_cast<std::uint64_t>(std::floor(seconds * static_cast<double>(hz)));
}
// " %10llu": a blank, then v right-aligned in 10 columns (wider when it needs to be).
void cell(std::string& out, std::uint64_t v) {
  char buf[24];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  const auto len = static_cast<std::size_t>(end - buf);
  out.append(1 + (len < 10 ? 10 - len : 0), ' ');
  out.append(buf, len);
}
}  // namespace

std::string SimMachine::irq_row_name(std::size_t q) const {
  const auto n = static_cast<std::size_t>(std::find_if(spec_.nics.begin(), spec_.nics.end(),
                                                       [&](const SimNic& x) { return x.name == queues_[q].nic; }) -
                                          spec_.nics.begin());
  return fmt::format("  IR-PCI-MSIX-0000:{:02x}:00.0 {:>6}-edge      {}-TxRx-{}\n", 0x10 + n, queues_[q].index,
                     queues_[q].nic, queues_[q].index);
}

void SimMachine::write_proc_files() const {
  const auto cpus = machine_.online.to_vector();
  // /proc/interrupts: one column per online CPU, 32-bit counters as the kernel prints them.
  std::string text = "    ";
  text.reserve((queues_.size() + other_irq_.size() + 3) * (cpus.size() * 11 + 64));
  for (int c : cpus) text += fmt::format("       CPU{:<4}", c);
  text += "\n";
  for (std::size_t q = 0; q < queues_.size(); ++q) {
    text += fmt::format("{:>4}:", queues_[q].irq);
    for (int c : cpus) cell(text, irqs_[q].counts[ix(c)] & 0xffffffffULL);
    text += irq_row_name(q);
  }
  for (std::size_t k = 0; k < other_irq_.size(); ++k) {
    text += fmt::format("{:>4}:", other_irq_[k]);
    for (int c : cpus) cell(text, other_counts_[k][ix(c)] & 0xffffffffULL);
    text += fmt::format("  IR-PCI-MSIX-0000:90:00.0 {:>6}-edge      nvme0q{}\n", k + 1, k + 1);
  }
  const auto timer = static_cast<std::uint64_t>(now_ * kTimerHz);
  text += "NMI:";
  for (std::size_t i = 0; i < cpus.size(); ++i) cell(text, 0);
  text += "   Non-maskable interrupts\nLOC:";
  for (std::size_t i = 0; i < cpus.size(); ++i) cell(text, timer & 0xffffffffULL);
  text += "   Local timer interrupts\n";
  write("proc/interrupts", text);

  // /proc/stat: USER_HZ ticks; interrupt time split hard/soft; a little user and system time.
  std::string lines;
  std::uint64_t tot[7] = {};
  for (int c : cpus) {
    const double b = busy_[ix(c)], h = hard_[ix(c)];
    const std::uint64_t v[7] = {ticks(now_ * 0.10, user_hz_), 0, ticks(now_ * 0.05, user_hz_), 0, 0,
                                ticks(h, user_hz_), ticks(b - h, user_hz_)};
    const std::uint64_t all = ticks(now_, user_hz_);
    const std::uint64_t used = v[0] + v[2] + v[5] + v[6];
    const std::uint64_t idle = all > used ? all - used : 0;
    lines += fmt::format("cpu{} {} {} {} {} {} {} {} 0 0 0\n", c, v[0], v[1], v[2], idle, v[4], v[5], v[6]);
    for (int i = 0; i < 7; ++i) tot[i] += i == 3 ? idle : v[i];
  }
  write("proc/stat", fmt::format("cpu  {} {} {} {} {} {} {} 0 0 0\n", tot[0], tot[1], tot[2], tot[3],
                                 tot[4], tot[5], tot[6]) +
                         lines + "intr 0\nctxt 0\nbtime 1767225600\nprocesses 1\n");

  // /proc/softirqs: a column per possible CPU.
  std::string soft = "       ";
  for (int c : cpus) soft += fmt::format("    CPU{:<4}", c);
  soft += "\n";
  auto row = [&](const char* name, auto value) {
    soft += fmt::format("{:>12}:", name);
    for (int c : cpus) cell(soft, value(c));
    soft += "\n";
  };
  auto zero = [](int) { return std::uint64_t{0}; };
  auto timers = [&](int) { return timer; };
  row("HI", zero);
  row("TIMER", timers);
  row("NET_TX", [&](int c) { return net_tx_[ix(c)]; });
  row("NET_RX", [&](int c) { return net_rx_[ix(c)]; });
  row("BLOCK", zero);
  row("IRQ_POLL", zero);
  row("TASKLET", zero);
  row("SCHED", timers);
  row("HRTIMER", zero);
  row("RCU", timers);
  write("proc/softirqs", soft);

  // /proc/net/softnet_stat: the 13-column layout of 5.10+ (processed, dropped, time_squeeze, six
  // zeros, received_rps, flow_limit_count, backlog length, CPU index), a row per online CPU.
  std::string net;
  for (int c : cpus) {
    const auto processed = static_cast<std::uint64_t>(processed_[ix(c)]) & 0xffffffffULL;
    net += fmt::format("{:08x} 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 "
                       "00000000 00000000 {:08x}\n",
                       processed, c);
  }
  write("proc/net/softnet_stat", net);
}

}  // namespace irqd::sim
