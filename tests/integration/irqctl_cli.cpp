// irqctl runners for the integration tests.
#include "tests/integration/irqctl_cli.hpp"

#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <stdexcept>

namespace irqd::testing {

std::string required_env(const char* name) {
  const char* v = std::getenv(name);
  if (v == nullptr)
    throw std::runtime_error(std::string(name) + " is not set: run the tests through 'meson test'");
  return v;
}

ProcessResult run_irqctl(std::vector<std::string> args) {
  args.insert(args.begin(), required_env("IRQCTL_BINARY"));
  return run_process(args);
}

ProcessResult run_irqctl_as_nobody(std::vector<std::string> args) {
  std::vector<std::string> argv{"/usr/bin/setpriv", "--reuid=nobody", "--regid=nogroup",
                                "--clear-groups", required_env("IRQCTL_BINARY")};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_process(argv);
}

ProcessResult run_irqctl_on_terminal(std::vector<std::string> args, const std::string& keys) {
  args.insert(args.begin(), required_env("IRQCTL_BINARY"));
  int master = -1;
  winsize ws{};
  ws.ws_row = 40;
  ws.ws_col = 100;
  pid_t pid = ::forkpty(&master, nullptr, nullptr, &ws);
  if (pid < 0) throw std::runtime_error("forkpty failed");
  if (pid == 0) {
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ProcessResult r;
  bool typed = false;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p{master, POLLIN, 0};
    while (::poll(&p, 1, 20) > 0) {
      char buf[4096];
      ssize_t n = ::read(master, buf, sizeof buf);
      if (n <= 0) {  // EIO: the terminal's other side is closed, the child is exiting
        ::usleep(10000);
        break;
      }
      r.out.append(buf, static_cast<std::size_t>(n));
    }
    if (!typed && r.out.find("Busiest IRQs") != std::string::npos) {
      typed = ::write(master, keys.data(), keys.size()) == static_cast<ssize_t>(keys.size());
    }
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == pid) {
      r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      // The child may have written its last bytes (the terminal restore) after the poll above
      // timed out: drain what the terminal still holds.
      pollfd rest{master, POLLIN, 0};
      char tail[4096];
      ssize_t got = 0;
      while (::poll(&rest, 1, 0) > 0 && (got = ::read(master, tail, sizeof tail)) > 0) {
        r.out.append(tail, static_cast<std::size_t>(got));
      }
      ::close(master);
      return r;
    }
  }
  ::kill(pid, SIGKILL);
  ::waitpid(pid, nullptr, 0);
  ::close(master);
  return r;
}

std::string describe(const ProcessResult& r) {
  return "exit " + std::to_string(r.exit_code) + "\nstdout:\n" + r.out + "\nstderr:\n" + r.err;
}

}  // namespace irqd::testing
