// The documentation of the file format cannot fall behind the parser: every key the reader accepts
// is in contrib/irqd.toml.example and contrib/irqd.toml.5 under its section, and the example parses
// cleanly both as shipped and with every setting uncommented.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <sstream>

#include "config/rules.hpp"
#include "config/schema.hpp"
#include "config/toml_reader.hpp"
#include "tests/support/fixtures.hpp"

namespace irqd::config {
namespace {

std::string contrib(const std::string& name) {
  auto p = testing::fixtures_dir() / ".." / ".." / "contrib" / name;
  std::ifstream in(p);
  EXPECT_TRUE(in.good()) << p;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The text from each `header` to the next line starting with `next_prefix` (or the end), joined.
std::string part(const std::string& text, const std::string& header, const std::string& next_prefix) {
  std::string out;
  for (auto start = text.find(header); start != std::string::npos; start = text.find(header, start + 1)) {
    auto end = text.find("\n" + next_prefix, start + header.size());
    out += text.substr(start, end == std::string::npos ? std::string::npos : end - start);
  }
  return out;
}

std::string header_of(std::string_view section) {
  return is_array_section(section) ? "[[" + std::string(section) + "]]" : "[" + std::string(section) + "]";
}

// Settings are commented as "#key = value"; prose as "# text".
std::string uncommented(const std::string& text) {
  static const std::regex setting(R"(^#(\[\[?[a-z]+\]\]?$|[a-z_]+ = ))");
  std::istringstream in(text);
  std::string out, line;
  while (std::getline(in, line)) out += (std::regex_search(line, setting) ? line.substr(1) : line) + "\n";
  return out;
}

TEST(ConfigDocs, EveryKeyIsInTheExampleUnderItsSection) {
  const std::string text = uncommented(contrib("irqd.toml.example"));
  for (const auto& k : known_keys()) {
    // The section runs to the next table header.
    std::string sect = part(text, "\n" + header_of(k.section) + "\n", "[");
    EXPECT_NE(sect.find("\n" + std::string(k.key) + " = "), std::string::npos)
        << k.section << "." << k.key << " is not in contrib/irqd.toml.example";
  }
}

TEST(ConfigDocs, EveryKeyIsInTheManPageUnderItsSection) {
  const std::string text = contrib("irqd.toml.5");
  for (const auto& k : known_keys()) {
    std::string sect = part(text, ".SH \"" + header_of(k.section) + "\"", ".SH");
    EXPECT_NE(sect.find("\n.B " + std::string(k.key) + "\n"), std::string::npos)
        << k.section << "." << k.key << " is not in contrib/irqd.toml.5";
  }
}

TEST(ConfigDocs, ExampleParsesAsShippedAndUncommented) {
  for (const auto& text : {contrib("irqd.toml.example"), uncommented(contrib("irqd.toml.example"))}) {
    LoadResult r;
    read_toml(text, "irqd.toml.example", ReadOptions{{"spread", "balanced"}}, r);
    check_conflicts(r);
    EXPECT_TRUE(r.ok()) << r.error_text();
  }
  LoadResult r;
  read_toml(uncommented(contrib("irqd.toml.example")), "irqd.toml.example", {}, r);
  EXPECT_EQ(r.config.device_rules.size(), 1u);
  EXPECT_EQ(r.config.irq_rules.size(), 2u);
  // The shown defaults are the defaults.
  Config d;
  EXPECT_EQ(r.config.interval_seconds, d.interval_seconds);
  EXPECT_EQ(r.config.policy, d.policy);
  EXPECT_EQ(r.config.log_level, d.log_level);
  EXPECT_EQ(r.config.balance.max_moves, d.balance.max_moves);
  EXPECT_EQ(r.config.rps_sock_flow_entries, d.rps_sock_flow_entries);
}

}  // namespace
}  // namespace irqd::config
