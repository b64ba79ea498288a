// Devices irqd leaves alone (see device_filter.hpp).
#include "config/device_filter.hpp"

#include <fnmatch.h>

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "config/rules.hpp"

namespace irqd::config {

namespace {

const std::string* first_match(const std::vector<std::string>& globs, const std::string& name) {
  for (const auto& g : globs)
    if (::fnmatch(g.c_str(), name.c_str(), 0) == 0) return &g;
  return nullptr;
}

bool has_queue_irqs(const sysfs::NicInfo& nic) {
  auto served = [](const sysfs::QueueInfo& q) { return !q.irqs.empty(); };
  return std::any_of(nic.rx.begin(), nic.rx.end(), served) || std::any_of(nic.tx.begin(), nic.tx.end(), served);
}

// The location of the last rule that decides `nic`'s ignore, for the report.
std::string ignore_rule_at(const Config& c, const sysfs::NicInfo& nic) {
  std::string at;
  for (const auto& rule : c.device_rules)
    if (rule.set.ignore && rule_matches(rule, nic)) at = rule.where.to_string();
  return at;
}

}  // namespace

bool matches_any(const std::vector<std::string>& globs, const std::string& name) {
  return first_match(globs, name) != nullptr;
}

std::vector<LeftAlone> devices_left_alone(const Config& c, const sysfs::Inventory& inv) {
  const bool any_ignore = std::any_of(c.device_rules.begin(), c.device_rules.end(),
                                      [](const DeviceRule& r) { return r.set.ignore.has_value(); });
  std::vector<LeftAlone> out;
  for (const auto& nic : inv.nics) {
    if (!c.only_devices.empty() && !matches_any(c.only_devices, nic.name)) {
      out.push_back({nic.name, "not in [daemon] devices"});
    } else if (const std::string* g = first_match(c.exclude_devices, nic.name)) {
      out.push_back({nic.name, fmt::format("excluded by [daemon] exclude_devices \"{}\"", *g)});
    } else if (any_ignore && resolve_device(c, nic).ignore) {
      const std::string at = ignore_rule_at(c, nic);
      out.push_back({nic.name, at.empty() ? "ignored (config)" : fmt::format("ignored (config: [[device]] at {})", at)});
    } else if (nic.up == false && !has_queue_irqs(nic) && !matches_any(c.plan_down_devices, nic.name)) {
      out.push_back({nic.name, "down and without queue IRQs (planned once up; [daemon] plan_down_devices plans it now)"});
    }
  }
  return out;
}

void leave_devices(sysfs::Inventory& inv, const std::vector<LeftAlone>& left, const std::vector<std::string>& command_line) {
  std::map<std::string, const LeftAlone*> by_name;
  for (const auto& l : left) by_name.emplace(l.device, &l);
  auto keep = [&](const std::string& name) {
    return by_name.count(name) == 0 && (command_line.empty() || matches_any(command_line, name));
  };
  std::erase_if(inv.nics, [&](const sysfs::NicInfo& n) { return !keep(n.name); });
  for (auto& irq : inv.irqs) {
    if (irq.device.empty() || keep(irq.device)) continue;
    // Left alone means by every policy: with an error it is not taken for a non-network IRQ
    // either ([daemon] other_irqs would otherwise place it).
    if (auto it = by_name.find(irq.device); it != by_name.end() && irq.error.empty())
      irq.error = fmt::format("its device {} is left alone: {}", irq.device, it->second->reason);
    else if (irq.error.empty())
      irq.error = fmt::format("its device {} is outside --device", irq.device);
    irq.device.clear();
    irq.cls = irq.cls == sysfs::IrqClass::kManaged ? irq.cls : sysfs::IrqClass::kOther;
  }
}

}  // namespace irqd::config
