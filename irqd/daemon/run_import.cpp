// irqd --import-irqbalance [FILE]: reads irqbalance's settings file and prints the irqd drop-in
// (config/irqbalance_import.hpp) on stdout; writes nothing, needs no /proc or /sys.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include <fmt/format.h>

#include "config/irqbalance_import.hpp"
#include "config/loader.hpp"
#include "config/shell_assignments.hpp"
#include "irqd/daemon/jobs.hpp"

namespace irqd {

namespace {

int failed(const std::string& why) {
  std::fprintf(stderr, "irqd: %s\n", why.c_str());
  return kExitError;
}

}  // namespace

int run_import_irqbalance(const std::string& given) {
  std::string file = given;
  if (file.empty()) {
    for (const char* f : config::kIrqbalanceFiles) {
      std::error_code ec;
      if (std::filesystem::exists(f, ec)) {
        file = f;
        break;
      }
    }
    if (file.empty())
      return failed(fmt::format("--import-irqbalance: neither {} nor {} exists (name irqbalance's settings file)",
                                config::kIrqbalanceFiles[0], config::kIrqbalanceFiles[1]));
  }
  std::error_code ec;
  if (std::filesystem::is_directory(file, ec)) return failed(fmt::format("{}: is a directory", file));
  std::ifstream in(file, std::ios::binary);
  if (!in) return failed(fmt::format("{}: cannot be read", file));
  std::ostringstream text;
  text << in.rdbuf();
  if (text.str().size() > config::kMaxFileBytes)
    return failed(fmt::format("{}: larger than {} bytes; not irqbalance's settings file", file, config::kMaxFileBytes));
  try {
    std::cout << config::import_irqbalance(text.str(), file) << std::flush;
  } catch (const config::ShellFileError& e) {
    return failed(e.what());
  }
  return kExitInSync;
}

}  // namespace irqd
