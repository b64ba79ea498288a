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
