// Non-network IRQs ([daemon] other_irqs): the IRQs of class other (no NIC's, not kernel-managed)
// that irqbalance used to place. Optimises for keeping interrupts off CPUs that must stay quiet
// (banned, isolated, nohz_full), on the IRQ's NUMA node, and for spreading the busy ones, with
// as few writes as possible:
//  - ignore: never touched.
//  - keep-off-isolated: only an IRQ whose affinity includes a banned/isolated/nohz_full CPU is
//    rewritten, to its mask minus those CPUs (its node's usable CPUs when nothing is left).
//  - place: additionally, each IRQ belongs to its node's usable CPUs (/proc/irq/N/node; all usable
//    CPUs when the kernel names none). An IRQ whose mask lies inside them stays as it is, mask
//    and all (a restart re-plans nothing); one outside goes to the least loaded of them (measured
//    cost of every IRQ planned or firing there, network ones included; ties: fewest IRQs, physical
//    cores first). A busy IRQ moves for balance only when its CPU spends at least kBusyCpu in
//    interrupts and the move lowers the busier of the two CPUs by more than balance.margin of it
//    (and kMinGain): at most kMaxBalanceMoves per cycle, never an idle IRQ (no interrupts in the
//    interval), never one inside its cooldown, never back to the CPU irqd last moved it from.
// Pinned IRQs and IRQs whose /proc/irq/N files cannot be read are left to their pin / alone.
// A pure function, as every policy: planned after the NIC policy, so it sees the network plan.
#pragma once

#include "policies/plan.hpp"

namespace irqd::policies {

inline constexpr double kBusyCpu = 0.10;      // CPU s/s of interrupts before a CPU is relieved
inline constexpr double kMinGain = 0.02;      // CPU s/s a balance move must gain at least
inline constexpr int kMaxBalanceMoves = 2;    // balance moves of other IRQs per cycle

// Adds a placement (IrqPlacement::other) for every class-other IRQ the mode covers, kept ones
// included (so every such IRQ has a reason); `plan` holds the network placements and pins.
void plan_other_irqs(const PlanInput& in, Plan& plan);

// Whether the IRQ is one plan_other_irqs considers (class other, no NIC, readable files).
bool is_other_irq(const sysfs::IrqInfo& irq);

}  // namespace irqd::policies
