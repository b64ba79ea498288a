// Configuration loading for the daemon (see config_files.hpp).
#include "irqd/daemon/config_files.hpp"

#include <fmt/format.h>

#include <cerrno>

#include "config/cpu_spec.hpp"
#include "config/rules.hpp"
#include "sysfs/error.hpp"
#include "sysfs/proc_interrupts.hpp"

namespace irqd {

sysfs::CpuSet existing_cpus(const EngineOptions& engine, const topology::Machine* machine) {
  sysfs::SysRoot root(engine.root);
  sysfs::CpuSet cpus = machine != nullptr ? machine->online : load_machine(root, engine).online;
  if (engine.topology_xml.empty()) {
    if (auto present = root.read_line("sys/devices/system/cpu/present")) {
      try {
        cpus |= sysfs::CpuSet::parse_list(*present);
      } catch (const std::invalid_argument&) {
        // The topology already gave the online CPUs; a malformed present file adds nothing.
      }
    }
  }
  return cpus;
}

std::vector<sysfs::IrqInfo> machine_irqs(const EngineOptions& engine) {
  sysfs::SysRoot root(engine.root);
  sysfs::InterruptTable table;
  std::string buf;
  if (!sysfs::read_interrupts(root, table, buf)) {
    if (root.is_live()) throw sysfs::IoError(root.display("proc/interrupts"), ENOENT, "cannot open");
    return {};
  }
  std::vector<sysfs::IrqInfo> irqs;
  for (const auto& row : table.rows) {
    if (row.irq < 0) continue;
    sysfs::IrqInfo irq;
    irq.irq = row.irq;
    irq.name = row.name;
    irqs.push_back(std::move(irq));
  }
  return irqs;
}

namespace {
// Whether [[irq]] rules could clash on some IRQ in a way only its name shows: a rule by name and
// another rule with a different action.
bool irq_rules_may_clash(const config::Config& c) {
  bool by_name = false, two_actions = false;
  for (const auto& rule : c.irq_rules) {
    by_name = by_name || rule.number < 0;
    two_actions = two_actions || config::irq_action(rule) != config::irq_action(c.irq_rules.front());
  }
  return by_name && two_actions;
}
}  // namespace

config::LoadResult load_configuration(const ConfigSetup& s) {
  config::LoadResult r = config::load_files(s.files);
  if (s.command_line) s.command_line(r);  // before the CPU check: the options' CPUs are checked too
  if (!r.cpu_refs.empty() || !r.cpu_specs.empty()) {
    try {
      auto machine = s.machine ? s.machine() : nullptr;
      if (!r.cpu_specs.empty()) {  // topology words: resolved against the machine planned for
        if (!machine)
          machine = std::make_shared<const topology::Machine>(load_machine(sysfs::SysRoot(s.engine.root), s.engine));
        config::resolve_cpu_specs(r, *machine);
      }
      config::check_cpus(r, existing_cpus(s.engine, machine.get()));
    } catch (const std::exception& e) {
      r.add({}, "", fmt::format("cannot check the configured CPU numbers against the machine: {}", e.what()));
    }
  }
  if (irq_rules_may_clash(r.config)) {
    try {
      config::check_irq_rules(r, machine_irqs(s.engine));
    } catch (const std::exception& e) {
      r.add({}, "", fmt::format("cannot check the [[irq]] rules against this machine's IRQs: {}", e.what()));
    }
  }
  r.sort_errors();
  return r;
}

}  // namespace irqd
