// Rule matching and resolution (see rules.hpp).
#include "config/rules.hpp"

#include <fnmatch.h>
#include <strings.h>

#include <algorithm>
#include <map>
#include <set>
#include <utility>
#include <vector>

#include <fmt/format.h>

namespace irqd::config {

namespace {
bool glob(const std::string& pattern, const std::string& value) {
  return pattern.empty() || ::fnmatch(pattern.c_str(), value.c_str(), 0) == 0;
}
}  // namespace

bool rule_matches(const DeviceRule& rule, const sysfs::NicInfo& nic) {
  if (!rule.mac.empty() && (nic.mac.empty() || ::strcasecmp(rule.mac.c_str(), nic.mac.c_str()) != 0)) return false;
  if (!rule.driver.empty() && nic.driver.empty()) return false;
  if (!rule.pci.empty() && nic.pci.empty()) return false;
  return glob(rule.name, nic.name) && glob(rule.driver, nic.driver) && glob(rule.pci, nic.pci);
}

bool irq_rule_matches(const IrqRule& rule, const sysfs::IrqInfo& irq) {
  if (rule.number >= 0) return rule.number == irq.irq;
  return !rule.name.empty() && ::fnmatch(rule.name.c_str(), irq.name.c_str(), 0) == 0;
}

DeviceSettings resolve_device(const Config& c, const sysfs::NicInfo& nic) {
  DeviceSettings s = c.device_defaults;
  for (const auto& rule : c.device_rules)
    if (rule_matches(rule, nic)) rule.set.apply_to(s);
  if (auto it = c.devices.find(nic.name); it != c.devices.end()) patch_of(it->second).apply_to(s);
  if (auto it = c.device_overrides.find(nic.name); it != c.device_overrides.end()) it->second.apply_to(s);
  return s;
}

void resolve_devices(Config& c, const sysfs::Inventory& inv) {
  std::map<std::string, DeviceSettings> resolved;
  for (const auto& nic : inv.nics) resolved[nic.name] = resolve_device(c, nic);
  for (auto& [name, s] : resolved) c.devices[name] = std::move(s);
}

void resolve_rules(Config& c, sysfs::Inventory& inv) {
  resolve_devices(c, inv);
  if (c.irq_rules.empty()) return;
  // Rules by number are looked up, not scanned: a file may hold thousands of them.
  std::map<int, std::size_t> by_number;
  std::vector<std::size_t> by_name;
  for (std::size_t i = 0; i < c.irq_rules.size(); ++i) {
    if (c.irq_rules[i].number >= 0)
      by_number.try_emplace(c.irq_rules[i].number, i);
    else
      by_name.push_back(i);
  }
  for (auto& irq : inv.irqs) {
    // The first matching rule in file order decides.
    auto n = by_number.find(irq.irq);
    std::size_t first = n == by_number.end() ? c.irq_rules.size() : n->second;
    for (std::size_t i : by_name) {
      if (i >= first) break;
      if (irq_rule_matches(c.irq_rules[i], irq)) {
        first = i;
        break;
      }
    }
    if (first == c.irq_rules.size()) continue;
    const auto& rule = c.irq_rules[first];
    if (rule.ignore) {
      c.irq_pins.erase(irq.irq);
      if (irq.error.empty()) irq.error = fmt::format("ignored by the [[irq]] rule at {}", rule.where.to_string());
    } else {
      c.irq_pins.try_emplace(irq.irq, *rule.pin);
    }
  }
}

std::string irq_action(const IrqRule& rule) {
  return rule.ignore || !rule.pin ? std::string("ignore") : "pin " + rule.pin->to_list();
}

void check_irq_rules(LoadResult& r, const std::vector<sysfs::IrqInfo>& irqs) {
  auto& rules = r.config.irq_rules;
  std::map<int, std::size_t> by_number;
  std::vector<std::size_t> by_name;
  for (std::size_t i = 0; i < rules.size(); ++i) {
    if (rules[i].number >= 0)
      by_number.try_emplace(rules[i].number, i);
    else
      by_name.push_back(i);
  }
  if (by_name.empty()) return;  // numbers alone: check_conflicts saw every clash
  // (earlier rule, later rule) -> the IRQs they give different actions
  std::map<std::pair<std::size_t, std::size_t>, std::vector<const sysfs::IrqInfo*>> clashes;
  std::vector<std::size_t> matching;
  for (const auto& irq : irqs) {
    matching.clear();
    if (auto n = by_number.find(irq.irq); n != by_number.end()) matching.push_back(n->second);
    for (std::size_t i : by_name)
      if (irq_rule_matches(rules[i], irq)) matching.push_back(i);
    if (matching.size() < 2) continue;
    std::sort(matching.begin(), matching.end());
    const std::string first = irq_action(rules[matching[0]]);
    for (std::size_t k = 1; k < matching.size(); ++k)
      if (irq_action(rules[matching[k]]) != first) clashes[{matching[0], matching[k]}].push_back(&irq);
  }
  std::set<std::size_t> drop;
  for (const auto& [pair, list] : clashes) {
    const IrqRule& earlier = rules[pair.first];
    const IrqRule& later = rules[pair.second];
    std::string which;
    for (std::size_t i = 0; i < list.size() && i < 3; ++i)
      which += fmt::format("{}{} ({})", i == 0 ? "" : ", ", list[i]->irq, list[i]->name);
    if (list.size() > 3) which += fmt::format(" and {} more", list.size() - 3);
    r.add(later.where, later.ignore ? "irq.ignore" : "irq.pin",
          fmt::format("IRQ{} {} conflict{} with the rule at {} ({}) (expected one action per IRQ)",
                      list.size() == 1 ? "" : "s", which, list.size() == 1 ? "s" : "",
                      earlier.where.to_string(), irq_action(earlier)));
    drop.insert(pair.second);
  }
  for (auto i = drop.rbegin(); i != drop.rend(); ++i) rules.erase(rules.begin() + static_cast<std::ptrdiff_t>(*i));
}

void override_all_devices(Config& c, const DevicePatch& p) {
  p.apply_to(c.device_defaults);
  for (auto& rule : c.device_rules) {
    if (p.policy) rule.set.policy.reset();
    if (p.rps) rule.set.rps.reset();
    if (p.rfs) rule.set.rfs.reset();
    if (p.xps) rule.set.xps.reset();
    if (p.allowed_cpus) rule.set.allowed_cpus.reset();
    if (p.napi_threaded) rule.set.napi_threaded.reset();
    if (p.napi_thread_cpus) rule.set.napi_thread_cpus.reset();
    if (p.napi_defer_hard_irqs) rule.set.napi_defer_hard_irqs.reset();
    if (p.gro_flush_timeout) rule.set.gro_flush_timeout.reset();
    if (p.irq_suspend_timeout) rule.set.irq_suspend_timeout.reset();
  }
}

void check_conflicts(LoadResult& r) {
  // One action per IRQ: the same number or the same name pattern may repeat only with the same action.
  std::map<std::string, const IrqRule*> seen;
  std::vector<std::size_t> drop;
  for (std::size_t i = 0; i < r.config.irq_rules.size(); ++i) {
    const auto& rule = r.config.irq_rules[i];
    std::string id = rule.number >= 0 ? fmt::format("IRQ {}", rule.number) : fmt::format("IRQs named '{}'", rule.name);
    auto [it, fresh] = seen.emplace(id, &rule);
    if (fresh || irq_action(*it->second) == irq_action(rule)) continue;
    r.add(rule.where, rule.ignore ? "irq.ignore" : "irq.pin",
          fmt::format("{} conflicts with the rule at {} ({}) (expected one action per IRQ)", id,
                      it->second->where.to_string(), irq_action(*it->second)));
    drop.push_back(i);
  }
  for (auto i = drop.rbegin(); i != drop.rend(); ++i)
    r.config.irq_rules.erase(r.config.irq_rules.begin() + static_cast<std::ptrdiff_t>(*i));
}

}  // namespace irqd::config
