// Authorization of the write methods through polkit: a stand-in authority (fake_polkit) on the
// private system bus with the contrib bus policy; callers as root (the generated proxy) and as
// `nobody` (dbus-send). Root never needs polkit; anyone else needs the method's action; without a
// running polkit, root only (dbus_service_test.cpp NobodyMayReadButNotWrite).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "tests/integration/dbus_harness.hpp"

namespace irqd::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// What polkit's own bus configuration allows: root owns the authority's name, anyone may ask it.
constexpr const char* kPolkitBusPolicy = R"(
  <policy user="root"><allow own="org.freedesktop.PolicyKit1"/></policy>
  <policy context="default"><allow send_destination="org.freedesktop.PolicyKit1"/></policy>)";

class DbusPolkitTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* fake = std::getenv("IRQD_FAKE_POLKIT");
    ASSERT_NE(fake, nullptr) << "IRQD_FAKE_POLKIT is not set (run through meson test)";
    // The authority grants pins, bans and policies (io.github.irqd.manage), nothing else.
    polkit_ = std::make_unique<Child>(
        std::vector<std::string>{fake, log_path(), "io.github.irqd.manage"},
        (dir_.path() / "polkit.out").string());
    ASSERT_TRUE(eventually([&] { return log().find("ready\n") != std::string::npos; }))
        << read_text(dir_.path() / "polkit.out");
    daemon_ = std::make_unique<IrqdProcess>(machine_, state_.path());
    ASSERT_TRUE(wait_ready()) << daemon_->log();
  }
  void TearDown() override {
    if (daemon_ && HasFailure()) std::cerr << daemon_->log();
  }
  std::string log_path() const { return (dir_.path() / "polkit.log").string(); }
  std::string log() const { return std::filesystem::exists(log_path()) ? read_text(log_path()) : ""; }

  TestSystemBus bus_{true, kPolkitBusPolicy};
  TestMachine machine_;
  TempDir state_, dir_;
  std::unique_ptr<Child> polkit_;
  std::unique_ptr<IrqdProcess> daemon_;
};

TEST_F(DbusPolkitTest, ANonRootCallerPolkitAuthorizesMayPin) {
  auto w = dbus_send_as("nobody", {"io.github.irqd.Irqd1.PinIrq", "uint32:101", "string:1"});
  EXPECT_EQ(w.exit_code, 0) << w.err;
  EXPECT_TRUE(std::filesystem::exists(state_.path() / "overrides.json"));
  // irqd asked about the caller's bus name, for the action pins need.
  EXPECT_THAT(log(), HasSubstr("io.github.irqd.manage system-bus-name :1."));
  EXPECT_TRUE(eventually([&] { return machine_.read("proc/irq/101/smp_affinity_list") == "1"; }));
  EXPECT_THAT(daemon_->log(), HasSubstr("PinIrq by UID 65534 authorized by polkit (io.github.irqd.manage)"));
}

TEST_F(DbusPolkitTest, AnActionPolkitRefusesIsDeniedAndChangesNothing) {
  auto r = dbus_send_as("nobody", {"io.github.irqd.Irqd1.Reload"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_THAT(r.err, HasSubstr("org.freedesktop.DBus.Error.AccessDenied: Reload changes irqd: not "
                               "authorized (polkit action io.github.irqd.reload, caller UID 65534)"));
  EXPECT_THAT(log(), HasSubstr("io.github.irqd.reload system-bus-name :1."));
}

TEST_F(DbusPolkitTest, RootNeedsNoPolkit) {
  Irqd1Client client;
  client.BanCpus("3");
  client.Rebalance();
  EXPECT_THAT(log(), Not(HasSubstr("io.github.irqd.manage")));
  EXPECT_THAT(log(), Not(HasSubstr("io.github.irqd.rebalance")));
}

}  // namespace
}  // namespace irqd::testing
