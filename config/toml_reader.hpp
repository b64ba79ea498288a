// Reads one TOML document into the configuration model: every key checked against config/schema,
// every value against its type and range, each problem recorded with file:line:column and parsing
// carried on so that one run reports all of them. Later documents merge onto earlier ones
// (scalars replace, banned_cpus and rules append).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "config/load_result.hpp"

namespace irqd::config {

struct ReadOptions {
  std::vector<std::string> policies;  // known placement policy names; empty: not checked
};

// Merges `text` (named `file` in messages) into `into.config`; problems go to `into.errors`.
void read_toml(std::string_view text, const std::string& file, const ReadOptions& opts, LoadResult& into);

// A setting given outside a file (irqd's command line) as text: section "daemon" or "device".
struct Setting {
  std::string section, key, value;
};
// Reads `settings` by the files' own rules (the same checks, messages and cpu_refs) as one
// document named `origin` without line numbers; "device" settings form one [[device]] rule that
// matches every NIC (name = "*").
void read_settings(const std::vector<Setting>& settings, const std::string& origin, const ReadOptions& opts,
                   LoadResult& into);

}  // namespace irqd::config
