// irqbalance's settings mapped onto irqd's (see irqbalance_import.hpp). The semantics follow
// irqbalance 1.9 (irqbalance.c, cputree.c, irqbalance(1)).
#include "config/irqbalance_import.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <vector>

#include "config/arguments.hpp"
#include "config/shell_assignments.hpp"
#include "sysfs/cpuset.hpp"

namespace irqd::config {

namespace {

// irqbalance's options (its getopt_long table) and whether each takes a value.
struct IrqbalanceOption {
  std::string_view name;
  char short_name;
  bool has_arg;
};
constexpr IrqbalanceOption kOptions[] = {
    {"oneshot", 'o', false},     {"debug", 'd', false},     {"foreground", 'f', false},
    {"powerthresh", 'p', true},  {"banirq", 'i', true},     {"deepestcache", 'c', true},
    {"policyscript", 'l', true}, {"pid", 's', true},        {"journal", 'j', false},
    {"banmod", 'm', true},       {"interval", 't', true},   {"version", 'V', false},
    {"migrateval", 'e', true},
};
constexpr long kMaxIrq = 1048575;  // [[irq]] number's range (config/schema.cpp)

// A note as comment lines: prose wrapped at about 96 columns (continuations indented two
// spaces, `commands` never split), lines that start with four spaces (TOML to copy) kept as
// they are.
std::string commented(const std::string& text) {
  constexpr std::size_t kWidth = 96;
  std::string out;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string_view line(text.data() + pos, end - pos);
    pos = end + 1;
    if (line.starts_with("    ")) {
      out += fmt::format("# {}\n", line);
      continue;
    }
    std::string cur = "#";
    bool first = true;
    std::size_t i = 0;
    while (i < line.size()) {
      std::size_t sp = line.find(' ', i);
      if (sp == std::string_view::npos) sp = line.size();
      std::string_view word = line.substr(i, sp - i);
      i = sp + 1;
      if (word.empty()) continue;
      // Never inside a `command`: it stays on one line, to be copied.
      bool in_code = std::count(cur.begin(), cur.end(), '`') % 2 == 1;
      if (!first && !in_code && cur.size() + 1 + word.size() > kWidth) {
        out += cur + "\n";
        cur = "#  ";
      }
      cur += " ";
      cur += word;
      first = false;
    }
    out += cur + "\n";
  }
  return out;
}

std::optional<long> decimal(std::string_view v) {
  if (v.empty() || v.size() > 12) return std::nullopt;
  long n = 0;
  for (char c : v) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + (c - '0');
  }
  return n;
}

// Text from the file as it may appear in a TOML comment (which takes no control characters):
// those and non-ASCII bytes become '?'; very long text is cut.
std::string shown(std::string_view s) { return shown_arg(s, 200); }

std::vector<std::string> split_words(std::string_view s) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n')) ++i;
    std::size_t start = i;
    while (i < s.size() && s[i] != ' ' && s[i] != '\t' && s[i] != '\n') ++i;
    if (i > start) out.emplace_back(s.substr(start, i - start));
  }
  return out;
}

class Importer {
 public:
  explicit Importer(const std::string& file) : file_(file) {}

  std::string run(std::string_view text) {
    std::map<std::string, ShellAssignment> last;
    for (auto& a : read_shell_assignments(text, file_)) {
      if (auto it = last.find(a.name); it != last.end())
        note(a.line, fmt::format("{} is set again (line {} is overridden, as in a shell)", a.name, it->second.line));
      last[a.name] = a;
    }
    auto get = [&](const char* name) -> const ShellAssignment* {
      auto it = last.find(name);
      return it == last.end() ? nullptr : &it->second;
    };
    banned(get("IRQBALANCE_BANNED_CPUS"), get("IRQBALANCE_BANNED_CPULIST"));
    if (const auto* a = get("IRQBALANCE_ONESHOT")) oneshot(a->line, "IRQBALANCE_ONESHOT is set");
    if (const auto* a = get("IRQBALANCE_DEBUG")) debug(a->line, "IRQBALANCE_DEBUG is set");
    if (const auto* a = get("IRQBALANCE_ARGS")) arguments(*a);
    for (const auto& [name, a] : last) other_variable(a);
    return render();
  }

 private:
  std::string at(int line) const { return fmt::format("{}:{}", file_, line); }
  [[noreturn]] void fail(int line, const std::string& why) const {
    throw ShellFileError(fmt::format("{}: {}", at(line), why));
  }
  void note(int line, const std::string& text) { notes_.emplace_back(line, fmt::format("- {}: {}", at(line), text)); }

  void banned(const ShellAssignment* mask, const ShellAssignment* list) {
    // cputree.c: a non-empty IRQBALANCE_BANNED_CPUS wins; else IRQBALANCE_BANNED_CPULIST when set
    // (even empty); either replaces irqbalance's own ban of isolated and nohz_full CPUs.
    const ShellAssignment* used = nullptr;
    sysfs::CpuSet cpus;
    std::string how;
    if (mask != nullptr && !mask->value.empty()) {
      used = mask;
      std::string_view v = mask->value;
      if (v.starts_with("0x") || v.starts_with("0X")) v.remove_prefix(2);
      try {
        cpus = sysfs::CpuSet::parse_mask(v);
      } catch (const std::invalid_argument& e) {
        fail(mask->line, fmt::format("IRQBALANCE_BANNED_CPUS: {} (expected a hex CPU mask such as \"f\" or "
                                     "\"ff,00000000\")", e.what()));
      }
      how = fmt::format("IRQBALANCE_BANNED_CPUS=\"{}\", a hex mask", shown(mask->value));
      if (list != nullptr)
        note(list->line, "IRQBALANCE_BANNED_CPULIST is ignored by irqbalance while IRQBALANCE_BANNED_CPUS is "
                         "set; not carried over either");
    } else if (list != nullptr) {
      used = list;
      try {
        cpus = sysfs::CpuSet::parse_list(list->value);
      } catch (const std::invalid_argument& e) {
        fail(list->line, fmt::format("IRQBALANCE_BANNED_CPULIST: {} (expected a CPU list such as \"0-3,8\")",
                                     e.what()));
      }
      how = fmt::format("IRQBALANCE_BANNED_CPULIST=\"{}\"", shown(list->value));
    }
    if (used == nullptr) return;
    if (!cpus.empty())
      daemon_.push_back(fmt::format("# {}: {}\nbanned_cpus = \"{}\"", at(used->line), how, cpus.to_list()));
    else
      note(used->line, fmt::format("{} bans no CPU: nothing to carry over", how));
    note(used->line,
         "with a ban list set, irqbalance no longer kept isolcpus= and nohz_full= CPUs free by itself; "
         "irqd still does (honour_isolcpus, honour_nohz_full). To let interrupts go there as with "
         "irqbalance, add under [daemon]:\n"
         "    honour_isolcpus = false\n"
         "    honour_nohz_full = false");
  }

  void oneshot(int line, const std::string& what) {
    note(line, what + ": irqbalance balanced once and exited. irqd does that with `irqd --oneshot`,"
                      " a way of running it, not a setting (run it from a oneshot unit instead of irqd.service)");
  }
  void debug(int line, const std::string& what) {
    note(line, what + ": irqbalance's debug output. irqd logs every change at its default level; "
                      "for more, add under [daemon]: log_level = \"debug\"");
  }

  void arguments(const ShellAssignment& a) {
    // systemd puts $IRQBALANCE_ARGS on irqbalance's command line split at spaces.
    std::vector<std::string> words = split_words(a.value);
    for (auto& w : words) w = shown(w);  // echoed into comments: printable ASCII only
    if (words.empty()) {
      note(a.line, "IRQBALANCE_ARGS is empty: nothing to carry over");
      return;
    }
    for (std::size_t i = 0; i < words.size(); ++i) {
      const std::string& w = words[i];
      if (w == "--") {
        for (++i; i < words.size(); ++i) note(a.line, fmt::format("'{}' is not an option; irqbalance ignores it", words[i]));
        return;
      }
      if (w.starts_with("--")) {
        std::size_t eq = w.find('=');
        std::string name = w.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
        const IrqbalanceOption* o = long_option(a.line, name, w);
        if (o == nullptr) continue;
        std::optional<std::string> value;
        if (eq != std::string::npos) value = w.substr(eq + 1);
        if (o->has_arg && !value) {
          if (i + 1 == words.size()) fail(a.line, fmt::format("IRQBALANCE_ARGS: {} needs a value", w));
          value = words[++i];
        }
        if (!o->has_arg && value) fail(a.line, fmt::format("IRQBALANCE_ARGS: --{} takes no value", o->name));
        option(a.line, *o, value.value_or(""));
      } else if (w.size() > 1 && w[0] == '-') {
        for (std::size_t k = 1; k < w.size(); ++k) {
          const IrqbalanceOption* o = short_option(w[k]);
          if (o == nullptr) {
            note(a.line, fmt::format("-{} is not an irqbalance option (irqbalance refuses to start with it); "
                                     "not carried over", w[k]));
            continue;
          }
          if (!o->has_arg) {
            option(a.line, *o, "");
            continue;
          }
          std::string value = w.substr(k + 1);
          if (value.empty()) {
            if (i + 1 == words.size()) fail(a.line, fmt::format("IRQBALANCE_ARGS: -{} needs a value", w[k]));
            value = words[++i];
          }
          option(a.line, *o, value);
          break;
        }
      } else {
        note(a.line, fmt::format("'{}' is not an option; irqbalance ignores it", w));
      }
    }
  }

  // getopt_long: an exact name, or a prefix of exactly one.
  const IrqbalanceOption* long_option(int line, const std::string& name, const std::string& word) {
    std::vector<const IrqbalanceOption*> found;
    for (const auto& o : kOptions) {
      if (o.name == name) return &o;
      if (!name.empty() && o.name.starts_with(name)) found.push_back(&o);
    }
    if (found.size() == 1) return found.front();
    if (name == "hintpolicy")
      note(line, fmt::format("{}: an option of old irqbalance releases (irqbalance 1.9 refuses it); irqd "
                             "places IRQs by topology and load, not by the kernel's affinity hints", word));
    else
      note(line, fmt::format("{} is {} irqbalance option; not carried over", word,
                             found.empty() ? "not an" : "an ambiguous"));
    return nullptr;
  }
  static const IrqbalanceOption* short_option(char c) {
    for (const auto& o : kOptions)
      if (o.short_name == c) return &o;
    return nullptr;
  }

  long number(int line, const IrqbalanceOption& o, const std::string& v, long lo, long hi, const char* what) {
    auto n = decimal(v);
    if (!n || *n < lo || *n > hi)
      fail(line, fmt::format("IRQBALANCE_ARGS: --{}={}: expected {}", o.name, v, what));
    return *n;
  }

  void option(int line, const IrqbalanceOption& o, const std::string& v) {
    std::string given = o.has_arg ? fmt::format("--{}={}", o.name, v) : fmt::format("--{}", o.name);
    switch (o.short_name) {
      case 'i': {
        long irq = number(line, o, v, 0, kMaxIrq, "an IRQ number from 0 to 1048575");
        if (!banned_irqs_.insert(irq).second) break;
        irqs_.push_back(fmt::format("# {}: {}: irqbalance left IRQ {} alone; so does irqd\nnumber = {}\nignore = true",
                                    at(line), given, irq, irq));
        break;
      }
      case 't': {
        long s = number(line, o, v, 1, 1L << 30, "a whole number of seconds, 1 or more");
        if (s > 3600)
          note(line, given + ": irqd's interval is at most 3600 seconds; not carried over (irqd: 10 seconds)");
        else
          interval_ = fmt::format("# {}: {}\ninterval = {}.0", at(line), given, s);
        break;
      }
      case 'm':
        note(line, fmt::format(
                       "{}: irqbalance left every IRQ of module {} alone. irqd has no per-module setting; "
                       "leave IRQs alone by their /proc/interrupts name (`irqd --dry-run` lists them), e.g.:\n"
                       "    [[irq]]\n    name = \"{}*\"\n    ignore = true",
                       given, v, v));
        break;
      case 'c':
        (void)number(line, o, v, 1, 1L << 30, "a cache level, 1 or more");
        note(line, given + ": irqd has no cache-level setting: it reads the cache hierarchy from the "
                           "topology (the balanced policy keeps a NIC's IRQs on its NUMA node, sharing an L3 where it "
                           "can, and fills cores before their SMT siblings)");
        break;
      case 'e': {
        long n = number(line, o, v, 0, 1L << 30, "a whole number");
        std::string hint = n > 0 ? fmt::format("; the nearest irqd setting is [balance] margin (a fraction of the "
                                               "average load, default 0.05), e.g. margin = {:.2f}",
                                               1.0 / static_cast<double>(n))
                                 : "";
        note(line, given + ": irqd measures the imbalance differently; not carried over" + hint);
        break;
      }
      case 'p':
        note(line, given + ": irqd has no power-save mode that empties CPUs of IRQs; not carried over "
                           "(ban CPUs with banned_cpus instead)");
        break;
      case 'l':
        note(line, given + ": irqd runs no policy scripts. A script's ban=true is an [[irq]] rule with "
                           "ignore = true; a fixed placement is an [[irq]] rule with pin = \"<cpulist>\"");
        break;
      case 'o': oneshot(line, given); break;
      case 'd': debug(line, given); break;
      case 'f':
      case 'j':
        note(line, given + ": irqd.service runs irqd in the foreground, logging to the journal; nothing to carry over");
        break;
      case 's': note(line, given + ": irqd writes no pid file; nothing to carry over"); break;
      case 'V': note(line, given + ": irqbalance prints its version and exits (so it balanced nothing); not carried over"); break;
      default: note(line, given + ": nothing to carry over"); break;
    }
  }

  void other_variable(const ShellAssignment& a) {
    static const std::set<std::string> known = {"IRQBALANCE_BANNED_CPUS", "IRQBALANCE_BANNED_CPULIST",
                                                "IRQBALANCE_ONESHOT", "IRQBALANCE_DEBUG", "IRQBALANCE_ARGS"};
    if (known.count(a.name) > 0) return;
    if (a.name == "ENABLED" || a.name == "ONESHOT")
      note(a.line, a.name + ": read by old Debian init scripts only (irqbalance does not); not carried over");
    else
      note(a.line, a.name + " is not an irqbalance setting; not carried over");
  }

  std::string render() const {
    std::string out = fmt::format(
        "# irqd settings made by `irqd --import-irqbalance` from irqbalance's\n"
        "# {}\n"
        "# Save as {}, check it with `irqd --check-config`,\n"
        "# then stop and disable irqbalance (irqd does not steer IRQs while it runs).\n"
        "# Each setting names the line it came from.\n",
        file_, kIrqbalanceDropIn);
    if (daemon_.empty() && interval_.empty() && irqs_.empty())
      out += "#\n# Nothing here changes irqd's defaults, which match irqbalance's: every online CPU except\n"
             "# isolcpus= and nohz_full= ones (honour_isolcpus, honour_nohz_full), a cycle every 10 seconds.\n";
    if (!daemon_.empty() || !interval_.empty()) {
      out += "\n[daemon]\n";
      for (const auto& d : daemon_) out += d + "\n";
      if (!interval_.empty()) out += interval_ + "\n";
    }
    for (const auto& irq : irqs_) out += "\n[[irq]]\n" + irq + "\n";
    if (!notes_.empty()) {
      out += "\n# Not carried over, or different in irqd:\n";
      auto notes = notes_;
      std::stable_sort(notes.begin(), notes.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
      for (const auto& n : notes) out += commented(n.second);
    }
    return out;
  }

  const std::string& file_;
  std::vector<std::string> daemon_, irqs_;
  std::vector<std::pair<int, std::string>> notes_;  // by the line they are about
  std::string interval_;
  std::set<long> banned_irqs_;
};

}  // namespace

std::string import_irqbalance(std::string_view text, const std::string& file) { return Importer(file).run(text); }

}  // namespace irqd::config
