// Packet-steering planners that run after the IRQ placement policy, each a pure function that
// adds to a plan: RPS (rps.cpp), RFS (rfs.cpp), XPS (xps.cpp) and static pins (static_pins.cpp).
// build_plan() composes them in the order that lets each see what it depends on.
#pragma once

#include "policies/plan.hpp"

namespace irqd::policies {

// RPS. Optimises receive processing of NICs that have fewer RX queues than usable cores on their
// node: each RX queue's packets are spread over the CPUs sharing the L3 (else the NUMA node) of
// that queue's IRQ CPU, leaving the IRQ CPU itself out when the domain has at least two others.
// Applies per device: rps = auto (above), off (empty mask) or a cpulist. With as many queues as
// cores the hardware already spreads, so auto turns RPS off. A queue's mask depends only on its own
// IRQ's CPU: an IRQ move rewrites no other queue's rps_cpus, and rps_flow_cnt not at all.
void plan_rps(const PlanInput& in, Plan& plan);

// RFS. Steers flows to the CPU where their socket is read. Applies where RPS is in use (rps = auto
// with a non-empty mask, or a cpulist) and rfs = auto: the global rps_sock_flow_entries (default
// 32768) and each RX queue's rps_flow_cnt = entries / RX queues, rounded up to a power of two, as
// Documentation/networking/scaling.rst advises. rfs = off sets rps_flow_cnt to 0.
void plan_rfs(const PlanInput& in, Plan& plan);
long rfs_flow_cnt(long entries, int rx_queues);  // the arithmetic, exposed for tests

// XPS. Optimises transmit locality: TX queue i is used by the CPUs whose RX interrupt is queue
// i's partner, so a flow's transmit completions land where its receive runs; CPUs of the NIC's
// node without a queue of their own take the queue whose IRQ shares their L3 (the least used
// one). The maps the kernel has are kept where they fit that layout: such a CPU stays in the one
// map it is in while that queue shares its L3, and queues of one L3 may differ by up to 2 such
// CPUs before any moves. So steady state plans the current maps, and an IRQ move from CPU a to b
// rewrites its own queue's map (b in; a stays when it shares a's L3) and the map that held b,
// no other (unless the move crosses L3s: the old L3's other queues take the CPUs it leaves). Queues
// without xps_cpus, or whose map a pin sets, take no such CPU. NICs without queue IRQs (veth) map
// CPUs to queues round-robin. Applies per device: xps = auto|cpus (above), rxqs (xps_rxqs:
// TX i <-> RX i, where the kernel has the file), off.
void plan_xps(const PlanInput& in, Plan& plan);

// NAPI. Per device ([[device]] napi_*): defer-hard-irqs, gro-flush-timeout, irq-suspend-timeout
// and threaded set on each of its NAPIs (napi-set, Linux 6.13+, threaded 6.17+); a NAPI polling
// in its kthread has the thread placed next to its IRQ's planned CPU: its SMT sibling (else the
// CPU itself; napi_thread_cpus = "sibling", the default), the CPU itself, its core, or its L3.
// Reads the plan's IRQ placements: run after the IRQs are planned.
void plan_napi(const PlanInput& in, Plan& plan);

// Static pins from configuration or overrides (IRQ -> cpulist, queue -> cpulist). They always win.
void apply_irq_pins(const PlanInput& in, Plan& plan);
void apply_queue_pins(const PlanInput& in, Plan& plan);

// IRQ placement: `policy` for every NIC, except NICs whose settings (config.device(name).policy,
// from a [[device]] rule or a run-time override) name another policy, which that one plans; an
// unknown name leaves those NICs' IRQs as they are, with a note.
Plan plan_irqs(const Policy& policy, const PlanInput& in);

// The whole plan: placement policy (plan_irqs), static IRQ pins, RPS, RFS, XPS, static queue pins,
// then the non-network IRQs ([daemon] other_irqs, policies/other.hpp).
// `previous`: a plan built by the same policy from the same machine, inventory and configuration
// (the load may differ, as it does every cycle); when the IRQs land on the same CPUs, its queue
// steering is kept instead of planned again. The result is the same either way.
Plan build_plan(const Policy& policy, const PlanInput& in, const Plan* previous = nullptr);

}  // namespace irqd::policies
