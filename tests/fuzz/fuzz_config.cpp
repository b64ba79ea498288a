// libFuzzer target: the TOML configuration reader (config/toml_reader.hpp) on arbitrary text, and
// rule resolution over a small fixed inventory.
// Properties: read_toml never throws; errors stay bounded (kMaxErrors kept, the rest counted) and
// each names the input file; a configuration read without errors is described as TOML that reads
// back without errors and describes the same again (after one round that moves rule locations);
// resolution gives every NIC settings and never pins an ignored IRQ; after check_irq_rules no IRQ
// of the inventory is given two different actions by the rules that remain.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "config/cpu_spec.hpp"
#include "config/rules.hpp"
#include "config/toml_reader.hpp"

namespace {

using namespace irqd;

void violated(const char* what, const std::string& detail) {
  std::fprintf(stderr, "fuzz_config: property violated: %s\n%s\n", what, detail.c_str());
  std::abort();
}

config::LoadResult read(std::string_view text) {
  config::LoadResult r;
  r.config.sources.push_back("fuzz.toml");
  config::read_toml(text, "fuzz.toml", config::ReadOptions{{"spread", "balanced"}}, r);
  config::check_conflicts(r);
  config::check_cpus(r, sysfs::CpuSet::range(0, 63));
  return r;
}

sysfs::Inventory inventory() {
  sysfs::Inventory inv;
  const char* names[] = {"eth0", "ens1f0", "veth9"};
  const char* drivers[] = {"virtio_net", "mlx5_core", ""};
  const char* pcis[] = {"0000:00:03.0", "0000:45:00.0", ""};
  for (int i = 0; i < 3; ++i) {
    sysfs::NicInfo n;
    n.name = names[i];
    n.driver = drivers[i];
    n.pci = pcis[i];
    n.mac = "52:54:00:12:34:5" + std::to_string(i);
    inv.nics.push_back(n);
  }
  for (int irq = 30; irq < 40; ++irq) {
    sysfs::IrqInfo info;
    info.irq = irq;
    info.name = (irq % 2 ? "eth0-TxRx-" : "mlx5_comp") + std::to_string(irq - 30);
    inv.irqs.push_back(info);
  }
  return inv;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  config::LoadResult r = read(text);
  if (r.errors.size() > config::LoadResult::kMaxErrors) violated("errors unbounded", r.error_text());
  for (const auto& e : r.errors)
    if (e.where.file != "fuzz.toml") violated("error without the file", e.to_string());

  if (r.ok()) {
    std::string once = config::describe(r.config);
    config::LoadResult again = read(once);
    if (!again.ok()) violated("describe() does not read back", once + "\n--\n" + again.error_text());
    std::string twice = config::describe(again.config);
    config::LoadResult third = read(twice);
    if (!third.ok() || config::describe(third.config) != twice)
      violated("describe() is not a fixed point", twice + "\n--\n" + config::describe(third.config));
  }

  sysfs::Inventory inv = inventory();
  config::Config c = r.config;
  config::resolve_rules(c, inv);
  for (const auto& nic : inv.nics)
    if (!c.devices.contains(nic.name)) violated("a NIC without settings", nic.name);
  for (const auto& irq : inv.irqs)
    if (irq.error.starts_with("ignored") && c.irq_pins.contains(irq.irq))
      violated("an ignored IRQ is pinned", std::to_string(irq.irq));

  config::LoadResult checked = r;
  config::check_irq_rules(checked, inv.irqs);
  if (checked.errors.size() > config::LoadResult::kMaxErrors) violated("errors unbounded", checked.error_text());
  for (const auto& irq : inv.irqs) {
    std::string first;
    for (const auto& rule : checked.config.irq_rules) {
      if (!config::irq_rule_matches(rule, irq)) continue;
      std::string action = config::irq_action(rule);
      if (first.empty()) first = action;
      if (action != first) violated("an IRQ keeps two actions", std::to_string(irq.irq) + ": " + first + ", " + action);
    }
  }
  return 0;
}
