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

namespace irqd::testing {

// A background process (e.g. the daemon) with stdout+stderr going to a file.
class Child {
 public:
  Child(const std::vector<std::string>& argv, const std::string& log_path);
  ~Child();  // SIGKILLs it if still running
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  int pid() const { return pid_; }
  void signal(int signo) const;
  // Waits up to timeout_ms; returns the exit code (128+N when killed by signal N), -1 on timeout.
  int wait(int timeout_ms);
  bool running();

 private:
  int pid_ = -1;
  int status_ = -1;
};

}  // namespace irqd::testing
