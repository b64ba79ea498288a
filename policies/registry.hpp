// The policy registry: an explicit table from name to factory. An unknown name fails with the
// list of known ones.
#pragma once

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "policies/plan.hpp"

namespace irqd::policies {

class UnknownPolicy : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

std::unique_ptr<Policy> make_policy(std::string_view name);  // throws UnknownPolicy
// The shipped policy of that name: policies are stateless, so one instance each serves every plan
// (built once, not per NIC per cycle). find_policy: null for an unknown name.
const Policy* find_policy(std::string_view name);
const Policy& policy_named(std::string_view name);  // throws UnknownPolicy
std::vector<std::string> policy_names();
// "spread: one line summary" per policy, for --help.
std::string describe_policies();

}  // namespace irqd::policies
