// Shell-style environment files (/etc/default/*, /etc/sysconfig/*, systemd's EnvironmentFile=)
// read as data, never run: one NAME=value assignment a line, with optional `export`, '#'
// comments, single and double quotes (a quoted value may span lines), backslash escapes and
// line continuations. Anything that needs a shell to mean something (a command, $expansion,
// `backticks`, two words) is an error naming file:line.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace irqd::config {

struct ShellAssignment {
  std::string name, value;
  int line = 0;  // where the assignment starts (1-based)
};

// "file:line: message".
class ShellFileError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Every assignment in file order (a repeated name appears each time; the last one is the value a
// shell would see). Throws ShellFileError naming `file` and the line.
std::vector<ShellAssignment> read_shell_assignments(std::string_view text, const std::string& file);

}  // namespace irqd::config
