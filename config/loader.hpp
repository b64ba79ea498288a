// Which configuration files are read and how: the main file (default /etc/irqd/irqd.toml, or
// --config FILE), then every *.toml in the conf.d directory next to it in lexical order. A missing
// default file is no error (built-in defaults apply); a file named with --config must exist. Files
// over kMaxFileBytes are refused unread, so a huge or endless file cannot take the daemon's memory.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "config/load_result.hpp"
#include "config/toml_reader.hpp"

namespace irqd::config {

inline constexpr const char* kDefaultConfigFile = "/etc/irqd/irqd.toml";
inline constexpr std::size_t kMaxFileBytes = 1 << 20;  // 1 MiB: a generous config is a few kB
inline constexpr std::size_t kMaxDropInFiles = 1000;

struct LoadOptions {
  std::filesystem::path file = kDefaultConfigFile;
  bool file_required = false;  // --config FILE: a missing FILE is an error
  ReadOptions read;
};

// conf.d next to `file`.
std::filesystem::path drop_in_dir(const std::filesystem::path& file);
// The files that would be read, in order (the main file only if it exists).
std::vector<std::filesystem::path> config_files(const LoadOptions& opts, LoadResult& r);
// Reads and merges every file; errors (unreadable, too large, invalid) are collected, never thrown.
// Conflicts between rules are checked; CPUs against the machine are not (see check_cpus).
LoadResult load_files(const LoadOptions& opts);

}  // namespace irqd::config
