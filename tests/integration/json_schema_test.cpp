// One JSON schema (contrib/irqd.schema.json, issue #16): every document irqd --format json and
// irqctl --json print, from the real daemon on a private bus and from dry runs on captured
// machines, validated against its definition there by tests/tools/validate_json.py (Debian's
// python3-jsonschema). Failures are documents too: {"schema", "error"} on stdout.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/integration/irqctl_daemon_fixture.hpp"
#include "tests/support/fixtures.hpp"

namespace irqd::testing {
namespace {

namespace fs = std::filesystem;

// Documents by schema definition, written to files for the validator.
class Documents {
 public:
  // Keeps `r`'s stdout as a document of `def`; it must parse and say the schema's version.
  void add(const std::string& def, const ProcessResult& r, const std::string& what) {
    SCOPED_TRACE(what);
    nlohmann::json j = nlohmann::json::parse(r.out, nullptr, false);
    ASSERT_FALSE(j.is_discarded()) << what << " printed no JSON\n" << describe(r);
    EXPECT_EQ(j["schema"], 2) << what;
    fs::path p = dir_.path() / fmt::format("{}-{}.json", def, files_[def].size());
    std::ofstream(p) << r.out;
    files_[def].push_back(p.string());
    whats_[p.string()] = what;
    // IRQD_JSON_KEEP=DIR keeps a copy of every document (to read them when the schema changes).
    if (const char* keep = std::getenv("IRQD_JSON_KEEP")) fs::copy_file(p, fs::path(keep) / p.filename());
  }
  // Runs the validator once per definition; every document must pass.
  void validate() {
    const std::string schema = required_env("IRQD_JSON_SCHEMA");
    const std::string validator = required_env("IRQD_JSON_VALIDATOR");
    for (const auto& [def, files] : files_) {
      std::vector<std::string> argv{validator, schema, def};
      argv.insert(argv.end(), files.begin(), files.end());
      auto r = run_process(argv);
      std::string which;
      for (const auto& f : files) which += "\n  " + f + ": " + whats_[f];
      EXPECT_EQ(r.exit_code, 0) << "documents of '" << def << "' break the schema:" << which << "\n"
                                << describe(r);
    }
  }
  std::size_t count(const std::string& def) const {
    auto it = files_.find(def);
    return it == files_.end() ? 0 : it->second.size();
  }

 private:
  TempDir dir_;
  std::map<std::string, std::vector<std::string>> files_;
  std::map<std::string, std::string> whats_;
};

class JsonSchemaTest : public IrqctlDaemonTest {
 protected:
  void SetUp() override {
    IrqctlDaemonTest::SetUp();
    daemon_.reset();
    config_.write("irqd.toml",
                  "[daemon]\nbanned_cpus = \"0\"\n\n[[irq]]\nnumber = 201\npin = \"3\"\n");
    start_daemon({"--config", (config_.path() / "irqd.toml").string()});
  }
  TempDir config_;
};

TEST_F(JsonSchemaTest, EveryIrqctlJsonOutputFollowsTheOneSchema) {
  Documents docs;
  auto ok = [&](std::vector<std::string> args) {
    args.push_back("--json");
    auto r = run_irqctl(args);
    EXPECT_EQ(r.exit_code, 0) << describe(r);
    return r;
  };
  // Changes first, so history and explain have something to say.
  docs.add("ok", ok({"pin", "101", "2"}), "irqctl pin 101 2");
  docs.add("ok", ok({"ban", "3"}), "irqctl ban 3");
  ASSERT_TRUE(eventually([&] { return affinity(101) == "2"; }, 10000)) << slurp(log_);
  docs.add("ok", ok({"unban", "3"}), "irqctl unban 3");
  for (const char* cmd : {"status", "irqs", "devices", "plan", "overrides", "config", "history"})
    docs.add(cmd, ok({cmd}), std::string("irqctl ") + cmd);
  docs.add("history", ok({"history", "--irq", "101"}), "irqctl history --irq 101");
  docs.add("explain", ok({"explain", "101"}), "irqctl explain 101");
  docs.add("explain", ok({"explain", "201"}), "irqctl explain 201 (pinned by the configuration)");
  docs.add("policy", ok({"policy", "eth0"}), "irqctl policy eth0");
  docs.add("napi", ok({"napi", "eth0"}), "irqctl napi eth0");
  docs.add("top", ok({"top"}), "irqctl --json top");
  docs.add("ok", ok({"unpin", "101"}), "irqctl unpin 101");

  // Failures: the daemon refuses, the command line is wrong, nobody answers.
  auto missing = run_irqctl({"explain", "9999", "--json"});
  EXPECT_EQ(missing.exit_code, 4) << describe(missing);
  docs.add("error", missing, "irqctl explain 9999 (no such IRQ)");
  auto usage = run_irqctl({"irqs", "--bogus", "--json"});
  EXPECT_EQ(usage.exit_code, 1) << describe(usage);
  docs.add("error", usage, "irqctl irqs --bogus (usage)");
  auto gone = run_irqctl({"status", "--json", "--address", "unix:path=/nonexistent/bus"});
  EXPECT_EQ(gone.exit_code, 2) << describe(gone);
  docs.add("error", gone, "irqctl status on a bus that is not there");
  for (const auto* r : {&missing, &usage, &gone}) {
    auto j = nlohmann::json::parse(r->out);
    EXPECT_EQ(j["error"]["exit_code"], r->exit_code) << r->out;
    EXPECT_FALSE(j["error"]["message"].get<std::string>().empty()) << r->out;
    EXPECT_NE(r->err.find("irqctl: "), std::string::npos) << "the message left stderr: " << describe(*r);
  }
  docs.validate();
  EXPECT_EQ(docs.count("error"), 3u);
}

// The report of irqd --format json on captured machines (plain, --summary, --changes-only) and
// its failures, against the same schema.
TEST(JsonSchemaReportTest, ReportsAndErrorsFollowTheOneSchema) {
  Documents docs;
  for (const char* name : {"nto-worker2-32cpu-2s-xeon6130-r740xd-ixgbe-i40e",
                           "nto-worker1-80cpu-2s-xeon6230-r740xd-rt-isolcpus", "nto-sno-12vcpu-kvm-virtio"}) {
    ExtractedTree tree(name);
    const std::string root = tree.root().string();
    docs.add("report", run_irqd({"--dry-run", "--format", "json", "--root", root}), name);
    docs.add("report", run_irqd({"--dry-run", "--format", "json", "--summary", "--root", root}),
             std::string(name) + " --summary");
    docs.add("report", run_irqd({"--dry-run", "--format", "json", "--changes-only", "--root", root}),
             std::string(name) + " --changes-only");
  }
  TempDir dir;
  dir.write("bad.toml", "[daemon]\npolicy = \"nonsense\"\n");
  auto bad = run_irqd({"--dry-run", "--format", "json", "--config", (dir.path() / "bad.toml").string()});
  EXPECT_NE(bad.exit_code, 0) << describe(bad);
  docs.add("error", bad, "irqd --dry-run --format json with an invalid configuration");
  auto j = nlohmann::json::parse(bad.out);
  EXPECT_EQ(j["error"]["exit_code"], bad.exit_code) << bad.out;
  EXPECT_NE(j["error"]["message"].get<std::string>().find("nonsense"), std::string::npos) << bad.out;
  docs.validate();
}

}  // namespace
}  // namespace irqd::testing
