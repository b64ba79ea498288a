// Runs the real irqd binary (IRQD_BINARY) and captures its exit code, stdout and stderr.
#pragma once

#include <string>
#include <vector>

namespace irqd::testing {

struct ProcessResult {
  int exit_code = -1;  // 128+N when killed by signal N
  std::string out;
  std::string err;
};

ProcessResult run_process(const std::vector<std::string>& argv);
// run_process({IRQD_BINARY, args...}).
ProcessResult run_irqd(const std::vector<std::string>& args);

}  // namespace irqd::testing
