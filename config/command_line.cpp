// Command-line settings read by the files' rules (see command_line.hpp).
#include "config/command_line.hpp"

#include <set>
#include <stdexcept>

#include "config/rules.hpp"

namespace irqd::config {

namespace {

struct OptionKey {
  const char* option;
  const char* section;
  const char* key;
};

// Each option and the file key it stands for.
constexpr OptionKey kOptions[] = {
    {"--policy", "daemon", "policy"},       {"--banned-cpus", "daemon", "banned_cpus"},
    {"--log-level", "daemon", "log_level"}, {"--run-dir", "daemon", "run_dir"},
    {"--state-dir", "daemon", "state_dir"}, {"--rps", "device", "rps"},
    {"--rfs", "device", "rfs"},             {"--xps", "device", "xps"},
};

const OptionKey& by_option(const std::string& option) {
  for (const auto& o : kOptions)
    if (option == o.option) return o;
  throw std::invalid_argument("apply_command_line: " + option + " sets nothing a file can set");
}

// "daemon.banned_cpus" -> "--banned-cpus"; a key of no option ("device": the rule itself) stays.
std::string option_of(const std::string& key) {
  for (const auto& o : kOptions)
    if (key == std::string(o.section) + "." + o.key) return o.option;
  return key;
}

}  // namespace

void apply_command_line(const CommandLineSettings& given, const ReadOptions& opts, LoadResult& r) {
  std::vector<Setting> settings;
  for (const auto& [option, value] : given) {
    const OptionKey& o = by_option(option);
    settings.push_back({o.section, o.key, value});
  }
  if (settings.empty()) return;
  LoadResult read;  // defaults, then only what the options say
  read_settings(settings, kCommandLine, opts, read);
  std::set<std::string> bad;
  for (const auto& e : read.errors) {
    std::string option = option_of(e.key);
    bad.insert(option);
    r.add({kCommandLine}, option, e.message);
  }
  for (const auto& ref : read.cpu_refs) r.cpu_refs.push_back({{kCommandLine}, option_of(ref.key), ref.cpus, ref.lenient});

  const Config& c = read.config;
  for (const auto& [option, value] : given) {
    if (bad.count(option) > 0) continue;
    if (option == "--policy") r.config.policy = c.policy;
    if (option == "--banned-cpus") {
      // Replaces the files' list, topology words included (resolved later, config/cpu_spec.hpp).
      r.config.banned_cpus = c.banned_cpus;
      std::erase_if(r.cpu_specs, [](const CpuSpecRef& s) { return s.rule < 0; });
      for (const auto& spec : read.cpu_specs) r.cpu_specs.push_back({{kCommandLine}, option_of(spec.key), spec.text, -1});
    }
    if (option == "--log-level") r.config.log_level = c.log_level;
    if (option == "--run-dir") r.config.run_dir = c.run_dir;
    if (option == "--state-dir") r.config.state_dir = c.state_dir;
  }
  // A bad --rps, --rfs or --xps leaves no rule: the others are not applied either, but the
  // configuration has an error then and is not used.
  if (!c.device_rules.empty()) override_all_devices(r.config, c.device_rules.front().set);
}

}  // namespace irqd::config
