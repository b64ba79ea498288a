// fork/exec with stdout and stderr captured through temporary files (no pipe deadlocks on large
// reports).
#include "tests/integration/run_process.hpp"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "tests/support/fixtures.hpp"

namespace irqd::testing {

namespace {
std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}
}  // namespace

ProcessResult run_process(const std::vector<std::string>& argv) {
  TempDir tmp;
  auto out_path = tmp.path() / "out", err_path = tmp.path() / "err";
  pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (out < 0 || err < 0) ::_exit(127);
    ::dup2(out, 1);
    ::dup2(err, 2);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
  }
  ProcessResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = slurp(out_path);
  r.err = slurp(err_path);
  return r;
}

ProcessResult run_irqd(const std::vector<std::string>& args) {
  const char* bin = std::getenv("IRQD_BINARY");
  if (bin == nullptr) throw std::runtime_error("IRQD_BINARY is not set: run the tests through 'meson test'");
  std::vector<std::string> argv{bin};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_process(argv);
}

}  // namespace irqd::testing
