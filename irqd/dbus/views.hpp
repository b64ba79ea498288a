// The D-Bus read methods' replies, built from the daemon's state: pure translation of the last
// plan (inventory, plan, diff), the measured load and the overrides into the wire types of
// io.github.irqd.Irqd1.xml. No I/O and no bus here, so they are unit-tested without one.
#pragma once

#include <sdbus-c++/Types.h>

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "config/config.hpp"
#include "irqd/engine/engine.hpp"
#include "irqd/daemon/control.hpp"
#include "policies/load.hpp"

namespace irqd::dbus {

// Every record's last member: further fields by name (io.github.irqd.Irqd1.xml, "Versions").
using More = std::map<std::string, sdbus::Variant>;
// (version, policy, interval_seconds, cycles, last_cycle_ms, managed, unchangeable, failed,
//  last_error, dry_run, more)
using StatusRow = sdbus::Struct<std::string, std::string, double, std::uint64_t, double,
                                std::uint32_t, std::uint32_t, std::uint32_t, std::string, bool, More>;
// (number, name, device, queue, class, numa_node, current, planned, effective_cpu, rate, cost,
//  cost_share, pinned, managed, more{reason})
using IrqRow =
    sdbus::Struct<std::uint32_t, std::string, std::string, std::string, std::string, std::int32_t,
                  std::string, std::string, std::int32_t, double, double, double, bool, bool, More>;
// (queue, irq, rps_cpus, rps_flow_cnt, xps_cpus, xps_rxqs, more)
using QueueRow = sdbus::Struct<std::string, std::int32_t, std::string, std::uint32_t, std::string,
                               std::string, More>;
// (name, driver, pci_address, numa_node, rx_queues, tx_queues, policy, queues,
//  more{numa_source, napi_settings, napis})
using DeviceRow = sdbus::Struct<std::string, std::string, std::string, std::int32_t, std::uint32_t,
                                std::uint32_t, std::string, std::vector<QueueRow>, More>;
// (kind, subject, path, current, planned, more{reason})
using ChangeRow =
    sdbus::Struct<std::string, std::string, std::string, std::string, std::string, More>;
using OverridesReply =
    std::tuple<std::vector<sdbus::Struct<std::uint32_t, std::string>>,
               std::vector<sdbus::Struct<std::string, std::string, std::string>>, std::string,
               std::vector<sdbus::Struct<std::string, std::string>>>;
// GetTopology: (cpu, numa_node, core, more{package, smt_rank, isolated}).
using TopologyRow = sdbus::Struct<std::int32_t, std::int32_t, std::int32_t, More>;
// GetNapiOverrides: (device, settings by name).
using NapiOverrideRow = sdbus::Struct<std::string, std::map<std::string, std::string>>;

// What the read methods look at. `now`: knob files re-read after the last cycle applied its
// changes (kernel-relative path -> text), so "current" shows what the kernel has after the cycle
// rather than before it.
struct StateView {
  const PlanResult& plan;
  const config::Config& effective;  // configuration plus overrides
  const policies::LoadInfo& load;
  const std::set<int>& unchangeable;
  const std::map<std::string, std::string>& now;
};

std::vector<IrqRow> irq_rows(const StateView& s);
std::vector<DeviceRow> device_rows(const StateView& s);
// The diff's knob writes: kind from the file, subject "irq 38" / "eth0 rx-0", CPU sets as cpulists.
std::vector<ChangeRow> change_rows(const Diff& d);
OverridesReply overrides_reply(const Overrides& o);
std::vector<NapiOverrideRow> napi_override_rows(const Overrides& o);
std::vector<TopologyRow> topology_rows(const topology::Machine& m);
// The managed NICs with their queue counts ("eth0 rx=4 tx=4"), to notice DevicesChanged.
std::vector<std::string> device_signature(const PlanResult& plan);

}  // namespace irqd::dbus
