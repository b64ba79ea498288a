// A stand-in for irqd's D-Bus service: the generated adaptor with canned data on a private bus,
// so irqctl's end-to-end tests (rendering of real D-Bus replies, every error path and its exit
// code) do not depend on the daemon. Usage: DBUS_SYSTEM_BUS_ADDRESS=... fake_irqd_service.
// Canned behaviour: IRQ 999 / device "nope" do not exist (NotFound), IRQ 24 is kernel-managed
// (Unchangeable), CPUs above 3 do not exist (InvalidArgument), Reload always finds a bad config,
// Rebalance fails (Failed), and non-root callers of write methods get AccessDenied. eth0's two
// queues share NAPI 8193 (threaded, kthread on CPU 1); its configuration sets gro_flush_timeout
// 10000, and SetDeviceNapi's settings show in its values at once. GetTopology: CPUs 0-1 on node 0
// (core 0), 2-3 on node 1 (core 1).
#include <sdbus-c++/sdbus-c++.h>

#include <cstdio>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "config/cpu_spec.hpp"
#include "irqd1_adaptor.h"
#include "sysfs/cpuset.hpp"

namespace {

using irqd::sysfs::CpuSet;

constexpr const char* kErr = "io.github.irqd.Irqd1.Error.";

using More = std::map<std::string, sdbus::Variant>;
using IrqRow = sdbus::Struct<uint32_t, std::string, std::string, std::string, std::string, int32_t,
                             std::string, std::string, int32_t, double, double, double, bool, bool,
                             More>;
using QueueRow =
    sdbus::Struct<std::string, int32_t, std::string, uint32_t, std::string, std::string, More>;
using DeviceRow = sdbus::Struct<std::string, std::string, std::string, int32_t, uint32_t, uint32_t,
                                std::string, std::vector<QueueRow>, More>;
using ChangeRow = sdbus::Struct<std::string, std::string, std::string, std::string, std::string, More>;

using HistoryRow = sdbus::Struct<uint64_t, uint64_t, std::string, std::string, int32_t, std::string,
                                 std::string, std::string, std::string, std::string, bool, std::string,
                                 More>;

More text(const char* key, const std::string& value) { return More{{key, sdbus::Variant(value)}}; }

// Two moves of IRQ 38 (the second failed) and an RPS change of eth0 rx-0, 2026-12-07 10:41:02 UTC.
std::vector<HistoryRow> canned_history() {
  More load{{"load_source", sdbus::Variant(std::string("packets"))},
            {"cost_seconds_per_second", sdbus::Variant(0.25)},
            {"rate_per_second", sdbus::Variant(12000.0)}};
  return {{1796640062000000u, 3, "affinity", "IRQ 38 (eth0-TxRx-0, eth0)", 38, "eth0", "", "0-1", "2",
           "eth0 rx/tx queue 0: 0.250 CPU moved from CPU 0 (load 0.600) to CPU 2 on node 0 (load 0.100): "
           "CPU 0 was the busiest, above the lower bound 0.300 + 10%",
           true, "", load},
          {1796640072000000u, 4, "rps_cpus", "eth0 rx-0 rps_cpus", -1, "eth0", "rx-0", "none", "1-3",
           "RPS over the L3 of IRQ CPU 2: 2 RX queues < 4 usable cores", true, "", More{}},
          {1796640082000000u, 5, "affinity", "IRQ 38 (eth0-TxRx-0, eth0)", 38, "eth0", "", "2", "3",
           "a pin from irqctl pin", false, "IRQ 38 (eth0-TxRx-0, eth0): cannot set 3: no interrupt vector left",
           More{}}};
}

class FakeIrqd final : public sdbus::AdaptorInterfaces<io::github::irqd::Irqd1_adaptor> {
 public:
  explicit FakeIrqd(sdbus::IConnection& c) : AdaptorInterfaces(c, "/io/github/irqd/Irqd1") {
    registerAdaptor();
  }
  ~FakeIrqd() { unregisterAdaptor(); }
  FakeIrqd(const FakeIrqd&) = delete;
  FakeIrqd& operator=(const FakeIrqd&) = delete;

 private:
  void require_root() {
    const sdbus::Message* m = getObject().getCurrentlyProcessedMessage();
    if (m != nullptr && m->getCredsUid() != 0) {
      throw sdbus::Error("org.freedesktop.DBus.Error.AccessDenied", "only root may change irqd");
    }
  }
  static void check_cpus(const std::string& cpus) {
    CpuSet set;
    try {
      set = CpuSet::parse_list(cpus);
    } catch (const std::exception& e) {
      throw sdbus::Error(std::string(kErr) + "InvalidArgument", e.what());
    }
    if (set.last() > 3) {
      throw sdbus::Error(
          std::string(kErr) + "InvalidArgument",
          "cpulist '" + cpus + "': CPU " + std::to_string(set.last()) + " does not exist");
    }
  }
  static void check_irq(uint32_t irq) {
    if (irq == 24)
      throw sdbus::Error(std::string(kErr) + "Unchangeable",
                         "IRQ 24 (nvme0q1) is managed by the kernel");
    if (irq != 38 && irq != 39)
      throw sdbus::Error(std::string(kErr) + "NotFound", "no IRQ " + std::to_string(irq));
  }
  static void check_device(const std::string& d) {
    if (d != "eth0")
      throw sdbus::Error(std::string(kErr) + "NotFound", "no network device '" + d + "'");
  }

  sdbus::Struct<std::string, std::string, double, uint64_t, double, uint32_t, uint32_t, uint32_t,
                std::string, bool, More>
  GetStatus() override {
    return {"0.1.0", "spread", 10.0, uint64_t{42}, 3.25, 2u, 1u, 0u, "", false, More{}};
  }
  std::string GetConfig() override { return "policy: spread\ninterval: 10 s\n"; }
  // Nothing to warn of: the argument checks only (the real daemon's warnings are tested there).
  std::vector<std::string> CheckPin(const uint32_t& irq, const std::string& cpus) override {
    check_irq(irq);
    check_cpus(cpus);
    return {};
  }
  // An older daemon: no GetMetrics (irqctl metrics builds the text from the other calls).
  std::string GetMetrics() override {
    throw sdbus::Error("org.freedesktop.DBus.Error.UnknownMethod", "No such method 'GetMetrics'");
  }
  std::vector<IrqRow> ListIrqs() override {
    return {
        IrqRow{38u, "virtio2-input.0", "eth0", "rx-0", "rx", 0, "0-1",
               irq_pins_.count(38) ? irq_pins_[38] : "0", 0, 1500.0, 0.2, 0.8,
               irq_pins_.count(38) > 0, false, text("reason", "the busiest queue gets a core of its own")},
        IrqRow{39u, "virtio2-output.0", "eth0", "tx-0", "tx", 0, "1", "1", 1, 250.0, 0.05, 0.2,
               false, false, More{}},
        IrqRow{24u, "nvme0q1", "", "", "other", -1, "0-3", "0-3", 3, 10.0, 0.0, 0.0, false, true,
               More{}}};
  }
  // eth0's NAPI settings in force: the canned configuration with the run-time ones over it.
  std::map<std::string, std::string> napi_in_force() const {
    std::map<std::string, std::string> s{
        {"threaded", "keep"}, {"thread_cpus", "sibling"}, {"gro_flush_timeout", "10000"}};
    for (const auto& [k, v] : napi_) s[k] = v;
    return s;
  }
  More napi_queue() const {
    auto s = napi_in_force();
    auto number = [&s](const char* k) {
      return sdbus::Variant(static_cast<uint64_t>(s.count(k) ? std::stoull(s[k]) : 0));
    };
    return More{{"napi_id", sdbus::Variant(int32_t{8193})},
                {"napi_defer_hard_irqs", number("defer_hard_irqs")},
                {"napi_gro_flush_timeout", number("gro_flush_timeout")},
                {"napi_irq_suspend_timeout", number("irq_suspend_timeout")},
                {"napi_threaded", sdbus::Variant(s["threaded"] != "off")},
                {"napi_thread_pid", sdbus::Variant(int32_t{4242})},
                {"napi_thread_cpus", sdbus::Variant(std::string("1"))}};
  }
  std::vector<DeviceRow> ListDevices() override {
    More more = text("numa_source", "device");
    more["napi_settings"] = sdbus::Variant(napi_in_force());
    return {DeviceRow{
        "eth0",
        "virtio_net",
        "0000:00:03.0",
        0,
        1u,
        1u,
        policy_,
        {QueueRow{"rx-0", 38, "1", 32768u, "", "", napi_queue()},
         QueueRow{"tx-0", 39, "", 0u, "0", "", napi_queue()}},
        more}};
  }
  std::vector<HistoryRow> GetHistory(const More& filter) override {
    std::vector<HistoryRow> out;
    for (const auto& r : canned_history()) {
      if (auto irq = filter.find("irq"); irq != filter.end() && r.get<4>() != static_cast<int32_t>(irq->second.get<uint32_t>()))
        continue;
      if (auto dev = filter.find("device"); dev != filter.end() && r.get<5>() != dev->second.get<std::string>())
        continue;
      out.push_back(r);
    }
    return out;
  }
  More ExplainIrq(const uint32_t& irq) override {
    check_irq(irq);
    std::vector<HistoryRow> mine;
    for (const auto& r : canned_history())
      if (r.get<4>() == static_cast<int32_t>(irq)) mine.push_back(r);
    return More{{"irq", sdbus::Variant(irq)},
                {"name", sdbus::Variant(std::string("eth0-TxRx-0"))},
                {"device", sdbus::Variant(std::string("eth0"))},
                {"queue", sdbus::Variant(std::string("rxtx-0"))},
                {"current_affinity", sdbus::Variant(std::string("2"))},
                {"effective_affinity", sdbus::Variant(std::string("2"))},
                {"planned_affinity", sdbus::Variant(std::string("2"))},
                {"reason", sdbus::Variant(std::string(mine.front().get<9>()))},
                {"policy", sdbus::Variant(std::string("balanced"))},
                {"load_source", sdbus::Variant(std::string("packets"))},
                {"cost_seconds_per_second", sdbus::Variant(0.25)},
                {"rate_per_second", sdbus::Variant(12000.0)},
                {"nic_numa_node", sdbus::Variant(int32_t{0})},
                {"nic_local_cpus", sdbus::Variant(std::string("0-3"))},
                {"banned_cpus_config", sdbus::Variant(std::string(""))},
                {"banned_cpus_runtime", sdbus::Variant(std::string("1"))},
                {"isolated_cpus", sdbus::Variant(std::string(""))},
                {"managed", sdbus::Variant(false)},
                {"cycles_since_move", sdbus::Variant(int32_t{1})},
                {"cooldown_cycles", sdbus::Variant(int32_t{3})},
                {"cooldown_left", sdbus::Variant(int32_t{2})},
                {"moved_from_cpu", sdbus::Variant(int32_t{0})},
                {"history", sdbus::Variant(mine)}};
  }
  std::vector<ChangeRow> GetPlan() override {
    return {{"affinity", "irq 38", "proc/irq/38/smp_affinity_list", "0-1", "0",
             text("reason", "the busiest queue gets a core of its own")},
            {"rps_cpus", "eth0 rx-0", "sys/class/net/eth0/queues/rx-0/rps_cpus", "", "1", More{}}};
  }
  std::tuple<std::vector<sdbus::Struct<uint32_t, std::string>>,
             std::vector<sdbus::Struct<std::string, std::string, std::string>>, std::string,
             std::vector<sdbus::Struct<std::string, std::string>>>
  GetOverrides() override {
    std::vector<sdbus::Struct<uint32_t, std::string>> pins;
    for (const auto& [irq, cpus] : irq_pins_) pins.push_back({irq, cpus});
    std::vector<sdbus::Struct<std::string, std::string>> policies;
    if (policy_ != "spread") policies.push_back({"eth0", policy_});
    return {pins, {}, banned_, policies};
  }
  std::vector<sdbus::Struct<std::string, std::map<std::string, std::string>>> GetNapiOverrides()
      override {
    if (napi_.empty()) return {};
    return {{"eth0", napi_}};
  }
  // CPUs 0-3: two cores of two threads, one NUMA node per core.
  std::vector<sdbus::Struct<std::int32_t, std::int32_t, std::int32_t,
                            std::map<std::string, sdbus::Variant>>>
  GetTopology() override {
    std::vector<sdbus::Struct<std::int32_t, std::int32_t, std::int32_t,
                              std::map<std::string, sdbus::Variant>>>
        out;
    for (std::int32_t cpu = 0; cpu < 4; ++cpu) out.emplace_back(cpu, cpu / 2, cpu / 2, More{});
    return out;
  }
  void SetDeviceNapi(const std::string& device,
                     const std::map<std::string, std::string>& settings) override {
    require_root();
    check_device(device);
    for (const auto& [k, v] : settings)
      if (k != "threaded" && k != "thread_cpus" && k != "defer_hard_irqs" &&
          k != "gro_flush_timeout" && k != "irq_suspend_timeout")
        throw sdbus::Error(std::string(kErr) + "InvalidArgument",
                           "unknown NAPI setting '" + k + "'");
    for (const auto& [k, v] : settings) {
      if (v.empty() || v == "default")
        napi_.erase(k);
      else
        napi_[k] = v;
    }
  }
  void PinIrq(const uint32_t& irq, const std::string& cpus) override {
    require_root();
    check_irq(irq);
    check_cpus(cpus);
    irq_pins_[irq] = cpus;
  }
  void UnpinIrq(const uint32_t& irq) override {
    require_root();
    if (irq_pins_.erase(irq) == 0) {
      throw sdbus::Error(std::string(kErr) + "NotFound",
                         "IRQ " + std::to_string(irq) + " is not pinned");
    }
  }
  void PinQueue(const std::string& device, const std::string&, const std::string& cpus) override {
    require_root();
    check_device(device);
    check_cpus(cpus);
  }
  void UnpinQueue(const std::string& device, const std::string&) override {
    require_root();
    check_device(device);
  }
  void SetDevicePolicy(const std::string& device, const std::string& policy) override {
    require_root();
    check_device(device);
    if (!policy.empty() && policy != "spread" && policy != "balanced") {
      throw sdbus::Error(std::string(kErr) + "InvalidArgument",
                         "unknown policy '" + policy + "' (known: balanced, spread)");
    }
    policy_ = policy.empty() ? "spread" : policy;
  }
  void BanCpus(const std::string& cpus) override {
    require_root();
    check_cpus(cpus);
    banned_ = cpus;
  }
  void UnbanCpus(const std::string& cpus) override {
    require_root();
    check_cpus(cpus);
    banned_.clear();
  }
  void Rebalance() override {
    require_root();
    throw sdbus::Error(std::string(kErr) + "Failed", "a cycle is already running");
  }
  void Reload() override {
    require_root();
    throw sdbus::Error(std::string(kErr) + "InvalidArgument",
                       "/etc/irqd/irqd.toml:3:1: unknown key 'polcy' (did you mean 'policy'?)");
  }
  uint32_t ApiVersion() override { return 2; }
  std::string Version() override { return "0.1.0"; }
  std::string Policy() override { return "spread"; }
  double IntervalSeconds() override { return 10.0; }
  uint64_t Cycles() override { return 42; }
  double LastCycleMs() override { return 3.25; }
  uint32_t Managed() override { return 2; }
  uint32_t Unchangeable() override { return 1; }
  uint32_t FailedWrites() override { return 0; }
  std::string LastError() override { return ""; }
  bool DryRun() override { return false; }

  std::map<uint32_t, std::string> irq_pins_;
  std::string banned_;
  std::string policy_ = "spread";
  std::map<std::string, std::string> napi_;  // eth0's run-time NAPI settings
};

}  // namespace

int main() {
  try {
    auto connection = sdbus::createSystemBusConnection("io.github.irqd.Irqd1");
    FakeIrqd service(*connection);
    std::fprintf(stderr, "fake irqd service ready\n");
    connection->enterEventLoop();
  } catch (const sdbus::Error& e) {
    std::fprintf(stderr, "fake irqd service: %s\n", e.what());
    return 1;
  }
  return 0;
}
