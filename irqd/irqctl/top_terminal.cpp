// Terminal handling for `irqctl top`: non-canonical input without echo (Ctrl-C still raises
// SIGINT), the alternate screen, a poll on stdin with the refresh interval as timeout. The signal
// handlers only set a flag (async-signal-safe); the loop notices it when poll returns EINTR.
#include "irqd/irqctl/top_terminal.hpp"

#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <thread>

#include "irqd/irqctl/errors.hpp"

namespace irqd::irqctl {

namespace {

volatile sig_atomic_t g_stop = 0;
extern "C" void on_stop_signal(int) { g_stop = 1; }

int to_ms(double seconds) { return static_cast<int>(std::lround(seconds * 1000.0)); }

void write_all(const std::string& s) {
  std::fwrite(s.data(), 1, s.size(), stdout);
  std::fflush(stdout);
}

// Saves the terminal state and signal handlers, restores both on destruction (also on throw).
class TerminalSession {
 public:
  TerminalSession() {
    ::tcgetattr(STDIN_FILENO, &saved_);
    termios raw = saved_;
    raw.c_lflag &= ~static_cast<tcflag_t>(ICANON | ECHO);
    raw.c_cc[VMIN] = 0;
    raw.c_cc[VTIME] = 0;
    ::tcsetattr(STDIN_FILENO, TCSANOW, &raw);
    struct sigaction sa {};
    sa.sa_handler = on_stop_signal;  // no SA_RESTART: poll must return EINTR
    ::sigemptyset(&sa.sa_mask);
    ::sigaction(SIGINT, &sa, &old_int_);
    ::sigaction(SIGTERM, &sa, &old_term_);
    write_all("\x1b[?1049h\x1b[?25l");  // alternate screen, hide cursor
  }
  ~TerminalSession() {
    write_all("\x1b[?25h\x1b[?1049l");
    ::tcsetattr(STDIN_FILENO, TCSANOW, &saved_);
    ::sigaction(SIGINT, &old_int_, nullptr);
    ::sigaction(SIGTERM, &old_term_, nullptr);
  }
  TerminalSession(const TerminalSession&) = delete;
  TerminalSession& operator=(const TerminalSession&) = delete;

 private:
  termios saved_{};
  struct sigaction old_int_ {};
  struct sigaction old_term_ {};
};

}  // namespace

int run_top_plain(const FrameSource& frame, int iterations, double interval_seconds, int width,
                  int height) {
  for (int i = 0; i < iterations; ++i) {
    if (i > 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(to_ms(interval_seconds)));
      write_all("\n");
    }
    write_all(frame(width, height));
  }
  return kExitOk;
}

int run_top_live(const FrameSource& frame, const KeyHandler& key, double interval_seconds) {
  if (::isatty(STDIN_FILENO) == 0 || ::isatty(STDOUT_FILENO) == 0) {
    throw CommandError(
        kExitUsage, "top: the live view needs a terminal; use --once or --iterations N in pipes");
  }
  g_stop = 0;
  TerminalSession session;
  while (g_stop == 0) {
    winsize ws{};
    int cols = 80, rows = 24;
    if (::ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) {
      cols = ws.ws_col;
      rows = ws.ws_row;
    }
    // The frame fits the screen; its last newline is dropped so the screen does not scroll.
    std::string text = frame(cols, rows);
    if (!text.empty() && text.back() == '\n') text.pop_back();
    write_all("\x1b[H\x1b[2J" + text);
    // Wait for a key or the next refresh; every key redraws at once.
    pollfd pfd{STDIN_FILENO, POLLIN, 0};
    int r = ::poll(&pfd, 1, to_ms(interval_seconds));
    if (r > 0) {
      char c = 0;
      ssize_t n = ::read(STDIN_FILENO, &c, 1);
      if (n <= 0 || !key(c)) break;  // n <= 0: the terminal hung up
    }
  }
  return kExitOk;
}

}  // namespace irqd::irqctl
