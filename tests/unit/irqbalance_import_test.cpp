// irqd --import-irqbalance's conversion: the shipped Debian and Fedora files and the hand-written
// variants (tests/fixtures/irqbalance) become drop-ins that irqd's own TOML reader accepts with
// the settings expected, every line naming where it came from; unknown things are notes, malformed
// values errors naming file:line; the shell-style reader never runs anything.
#include <gtest/gtest.h>

#include "config/rules.hpp"
#include "config/irqbalance_import.hpp"
#include "config/shell_assignments.hpp"
#include "config/toml_reader.hpp"
#include "tests/support/fixtures.hpp"

namespace irqd::config {
namespace {

using irqd::testing::read_fixture;

// The drop-in read back by irqd's own reader, as conf.d would: it must have no error.
LoadResult read_back(const std::string& toml) {
  LoadResult r;
  read_toml(toml, "50-irqbalance.toml", ReadOptions{{"spread", "balanced"}}, r);
  check_conflicts(r);
  EXPECT_TRUE(r.ok()) << r.error_text() << "\n" << toml;
  return r;
}

std::string import_fixture(const std::string& name) {
  return import_irqbalance(read_fixture("irqbalance/" + name), name);
}

std::string error_of(const std::string& text) {
  try {
    import_irqbalance(text, "irqbalance");
  } catch (const ShellFileError& e) {
    return e.what();
  }
  return "(no error)";
}

bool has(const std::string& out, const std::string& part) { return out.find(part) != std::string::npos; }

TEST(IrqbalanceImport, ShippedDefaultsChangeNothing) {
  for (const char* name : {"debian-12-default", "fedora-sysconfig"}) {
    std::string out = import_fixture(name);
    auto r = read_back(out);
    EXPECT_EQ(describe(r.config), describe(Config{})) << out;
    EXPECT_TRUE(has(out, "# Nothing here changes irqd's defaults, which match irqbalance's")) << out;
  }
  // Fedora's file says IRQBALANCE_ARGS="" (Debian's has it commented out).
  EXPECT_TRUE(has(import_fixture("fedora-sysconfig"),
                  "# - fedora-sysconfig:44: IRQBALANCE_ARGS is empty: nothing to carry over\n"));
  EXPECT_FALSE(has(import_fixture("debian-12-default"), "Not carried over"));
}

TEST(IrqbalanceImport, CpuListBannedIrqsAndInterval) {
  std::string out = import_fixture("housekeeping-cpus");
  auto r = read_back(out);
  EXPECT_EQ(r.config.banned_cpus.to_list(), "0-1,6-7");
  EXPECT_EQ(r.config.interval_seconds, 5.0);
  ASSERT_EQ(r.config.irq_rules.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(r.config.irq_rules[i].number, 43 + static_cast<int>(i));
    EXPECT_TRUE(r.config.irq_rules[i].ignore);
  }
  EXPECT_TRUE(has(out, "[daemon]\n# housekeeping-cpus:2: IRQBALANCE_BANNED_CPULIST=\"0-1,6-7\"\n"
                       "banned_cpus = \"0-1,6-7\"\n# housekeeping-cpus:3: --interval=5\ninterval = 5.0\n"))
      << out;
  EXPECT_TRUE(has(out, "[[irq]]\n# housekeeping-cpus:3: --banirq=45: irqbalance left IRQ 45 alone; so does irqd\n"
                       "number = 45\nignore = true\n"))
      << out;
  EXPECT_TRUE(has(out, "--deepestcache=2: irqd has no cache-level setting")) << out;
  EXPECT_TRUE(has(out, "#     honour_isolcpus = false\n#     honour_nohz_full = false\n")) << out;
}

TEST(IrqbalanceImport, HexMasksBecomeCpuLists) {
  std::string out = import_fixture("tuned-mask");
  EXPECT_EQ(read_back(out).config.banned_cpus.to_list(), "2-15,34-47");
  EXPECT_TRUE(has(out, "IRQBALANCE_BANNED_CPUS=\"0000fffc,0000fffc\", a hex mask\nbanned_cpus = \"2-15,34-47\"\n"))
      << out;
  EXPECT_EQ(read_back(import_irqbalance("IRQBALANCE_BANNED_CPUS=0x30\n", "f")).config.banned_cpus.to_list(), "4-5");
}

TEST(IrqbalanceImport, EveryOptionIsMappedOrExplained) {
  std::string out = import_fixture("every-option");
  auto r = read_back(out);
  // The mask wins over the list, as in irqbalance; the last --interval wins (--interv is its prefix).
  EXPECT_EQ(r.config.banned_cpus.to_list(), "0-1,32-39");
  EXPECT_EQ(r.config.interval_seconds, 7.0);
  ASSERT_EQ(r.config.irq_rules.size(), 1u);  // -i 12 and --banirq=12: one rule
  EXPECT_EQ(r.config.irq_rules[0].number, 12);
  for (const char* note :
       {"every-option:4: IRQBALANCE_BANNED_CPULIST is ignored by irqbalance", "every-option:5: IRQBALANCE_ONESHOT is set",
        "every-option:6: IRQBALANCE_DEBUG is set", "every-option:7: ENABLED: read by old Debian init scripts only",
        "every-option:8: SITE_NOTE is not an irqbalance setting", "--oneshot: irqbalance balanced once",
        "--debug: irqbalance's debug output", "--foreground: irqd.service runs irqd in the",
        "--journal: irqd.service", "--pid=/run/irqbalance.pid: irqd writes no pid",
        "--powerthresh=off: irqd has no power-save mode", "--powerthresh=2:", "--deepestcache=1:",
        "--migrateval=4: irqd measures the imbalance", "e.g. margin = 0.25", "e.g. margin = 0.50",
        "--policyscript=/usr/local/bin/irq-policy: irqd", "--banmod=mlx5_core: irqbalance left every IRQ of",
        "#     name = \"nvme*\"\n", "--hintpolicy=exact: an option of old irqbalance", "--version: irqbalance prints",
        "-x is not an irqbalance option", "'stray' is not an option", "--ban=3 is an ambiguous irqbalance option"})
    EXPECT_TRUE(has(out, note)) << note << "\n" << out;
  // A person reads it: no line wider than a terminal, no hex mask outside the origin comments.
  std::size_t start = 0;
  while (start < out.size()) {
    std::size_t end = out.find('\n', start);
    std::string line = out.substr(start, end - start);
    EXPECT_LE(line.size(), 110u) << line;
    start = end + 1;
  }
}

TEST(IrqbalanceImport, ShellSyntaxIsReadNotRun) {
  auto a = read_shell_assignments(
      "# c\n\n  export A='x y' # trailing\nB=\"q\\\"uo\\$te\"\nC=un\\ quoted\nD=\"multi\nline\"\nE=\nF=a#b\n", "f");
  ASSERT_EQ(a.size(), 6u);
  EXPECT_EQ(a[0].name, "A");
  EXPECT_EQ(a[0].value, "x y");
  EXPECT_EQ(a[0].line, 3);
  EXPECT_EQ(a[1].value, "q\"uo$te");
  EXPECT_EQ(a[2].value, "un quoted");
  EXPECT_EQ(a[3].value, "multi\nline");
  EXPECT_EQ(a[4].line, 8);
  EXPECT_EQ(a[4].value, "");
  EXPECT_EQ(a[5].value, "a#b");
}

TEST(IrqbalanceImport, MalformedValuesNameFileAndLine) {
  EXPECT_EQ(error_of("\nIRQBALANCE_BANNED_CPUS=0-3\n"),
            "irqbalance:2: IRQBALANCE_BANNED_CPUS: cpumask '0-3': '-' is not a hex digit (expected a hex CPU mask "
            "such as \"f\" or \"ff,00000000\")");
  EXPECT_EQ(error_of("IRQBALANCE_BANNED_CPULIST=0-x\n"),
            "irqbalance:1: IRQBALANCE_BANNED_CPULIST: cpulist '0-x': expected a CPU number at offset 2 (expected a "
            "CPU list such as \"0-3,8\")");
  EXPECT_EQ(error_of("IRQBALANCE_ARGS=\"--banirq=eth0\"\n"),
            "irqbalance:1: IRQBALANCE_ARGS: --banirq=eth0: expected an IRQ number from 0 to 1048575");
  EXPECT_EQ(error_of("IRQBALANCE_ARGS=\"--interval=0\"\n"),
            "irqbalance:1: IRQBALANCE_ARGS: --interval=0: expected a whole number of seconds, 1 or more");
  EXPECT_EQ(error_of("IRQBALANCE_ARGS=\"-c\"\n"), "irqbalance:1: IRQBALANCE_ARGS: -c needs a value");
  EXPECT_EQ(error_of("IRQBALANCE_ARGS=\"--oneshot=1\"\n"), "irqbalance:1: IRQBALANCE_ARGS: --oneshot takes no value");
  EXPECT_EQ(error_of("A=1\nIRQBALANCE_ARGS=\"--banirq=1\n"), "irqbalance:2: a double quote (\") is not closed");
  EXPECT_EQ(error_of("IRQBALANCE_ARGS=$(cat /etc/args)\n"),
            "irqbalance:1: the value uses shell expansion ($ or `); irqd reads this file, it does not run it: write "
            "the value out");
  EXPECT_EQ(error_of("rm -rf /\n"),
            "irqbalance:1: 'rm' is not a NAME=value assignment (irqd reads this file, it does not run it)");
  EXPECT_EQ(error_of("A=1 B=2\n"),
            "irqbalance:1: A: unexpected 'B=2' after the value (quote a value with spaces: A=\"...\")");
  EXPECT_EQ(error_of("A=1; reboot\n"), "irqbalance:1: ';' needs a shell; irqd reads this file, it does not run it");
}

// Whatever the file holds, the drop-in stays valid TOML: control characters and non-ASCII bytes
// are never echoed into its comments.
TEST(IrqbalanceImport, OddBytesNeverBreakTheDropIn) {
  std::string out = import_irqbalance("IRQBALANCE_ARGS=\"--banmod=a\x01" "b --policyscript=/opt/\xc3\xa9 -\x7f\"\n"
                                      "IRQBALANCE_BANNED_CPULIST=\"1-2\n\"\n",
                                      "f");
  auto r = read_back(out);
  EXPECT_EQ(r.config.banned_cpus.to_list(), "1-2");
  EXPECT_TRUE(has(out, "--banmod=a?b:")) << out;
  EXPECT_TRUE(has(out, "--policyscript=/opt/??:")) << out;
  EXPECT_TRUE(has(out, "IRQBALANCE_BANNED_CPULIST=\"1-2?\"")) << out;
}

TEST(IrqbalanceImport, OutOfRangeForIrqdIsANoteNotASetting) {
  std::string out = import_irqbalance("IRQBALANCE_ARGS=\"-t 7200\"\nIRQBALANCE_BANNED_CPULIST=\"\"\n", "f");
  auto r = read_back(out);
  EXPECT_EQ(r.config.interval_seconds, 10.0);
  EXPECT_TRUE(r.config.banned_cpus.empty());
  EXPECT_TRUE(has(out, "--interval=7200: irqd's interval is at most 3600 seconds")) << out;
  EXPECT_TRUE(has(out, "IRQBALANCE_BANNED_CPULIST=\"\" bans no CPU: nothing to carry over")) << out;
}

}  // namespace
}  // namespace irqd::config
