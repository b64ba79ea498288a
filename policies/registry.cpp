// Registry table of the policies irqd ships.
#include "policies/registry.hpp"

#include <fmt/format.h>

#include "policies/balanced.hpp"
#include "policies/spread.hpp"

namespace irqd::policies {

namespace {
struct Entry {
  std::string_view name;
  std::unique_ptr<Policy> (*make)();
};

constexpr Entry kPolicies[] = {
    {"spread", [] { return std::unique_ptr<Policy>(std::make_unique<Spread>()); }},
    {"balanced", [] { return std::unique_ptr<Policy>(std::make_unique<Balanced>()); }},
};
}  // namespace

std::unique_ptr<Policy> make_policy(std::string_view name) {
  for (const auto& e : kPolicies)
    if (e.name == name) return e.make();
  throw UnknownPolicy(fmt::format("unknown policy '{}' (known: {})", name, fmt::join(policy_names(), ", ")));
}

const Policy* find_policy(std::string_view name) {
  static const Spread spread;
  static const Balanced balanced;
  static const Policy* const kAll[] = {&spread, &balanced};
  for (const Policy* p : kAll)
    if (p->name() == name) return p;
  return nullptr;
}

const Policy& policy_named(std::string_view name) {
  if (const Policy* p = find_policy(name)) return *p;
  make_policy(name);  // throws UnknownPolicy with the list of known ones
  throw UnknownPolicy(std::string(name));
}

std::vector<std::string> policy_names() {
  std::vector<std::string> out;
  for (const auto& e : kPolicies) out.emplace_back(e.name);
  return out;
}

std::string describe_policies() {
  std::string out;
  for (const auto& e : kPolicies) out += fmt::format("  {:<10} {}\n", e.name, e.make()->summary());
  return out;
}

}  // namespace irqd::policies
