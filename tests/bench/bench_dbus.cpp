// Load test of the D-Bus service: 50 concurrent clients call the read methods (GetStatus,
// ListIrqs, ListDevices, GetOverrides) of the real irqd --foreground while it cycles every 0.2 s
// on a big root (the captured 112-CPU, 1862-IRQ machine), over a private system bus. Prints
// calls/s and latency percentiles. Not a Google Benchmark: the unit of work is a whole run.
// Run: meson test -C build --benchmark -v dbus
//   (or build/tests/bench/bench_dbus [SECONDS] [CLIENTS] [INTERVAL]; INTERVAL 10 = the default
//   daemon period, where the service alone is measured between two cycles)
#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/dbus_harness.hpp"

namespace {

using Clock = std::chrono::steady_clock;

struct ClientResult {
  std::vector<double> latencies_ms;
  long errors = 0;
};

void client(int id, Clock::time_point until, ClientResult& out) {
  auto conn = sdbus::createSystemBusConnection();
  auto proxy = sdbus::createProxy(*conn, "io.github.irqd.Irqd1", "/io/github/irqd/Irqd1");
  const char* methods[] = {"GetStatus", "ListIrqs", "ListDevices", "GetOverrides"};
  for (int i = id; Clock::now() < until; ++i) {
    auto start = Clock::now();
    try {
      auto call = proxy->createMethodCall("io.github.irqd.Irqd1", methods[i % 4]);
      auto reply = proxy->callMethod(call);
      (void)reply;
    } catch (const sdbus::Error&) {
      ++out.errors;
      continue;
    }
    out.latencies_ms.push_back(
        std::chrono::duration<double, std::milli>(Clock::now() - start).count());
  }
}

double percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0.0;
  auto idx = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1));
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(idx), v.end());
  return v[idx];
}

}  // namespace

int main(int argc, char** argv) {
  int seconds = argc > 1 ? std::atoi(argv[1]) : 10;
  int clients = argc > 2 ? std::atoi(argv[2]) : 50;
  std::string interval = argc > 3 ? argv[3] : "0.2";
  using namespace irqd::testing;
  TestSystemBus bus;
  ExtractedTree tree("nto-master-112cpu-2s-xeon6330-r750-ice-i40e");
  std::string stat = "cpu  11200 0 11200 112000 0 1120 1120 0 0 0\n";
  for (int c = 0; c < 112; ++c) stat += fmt::format("cpu{} 100 0 100 1000 0 10 10 0 0 0\n", c);
  {
    FILE* f = std::fopen((tree.root() / "proc/stat").c_str(), "w");
    std::fputs(stat.c_str(), f);
    std::fclose(f);
  }
  TempDir state, run;
  std::string log = (run.path() / "irqd.log").string();
  Child daemon({std::getenv("IRQD_BINARY"), "--foreground", "--root", tree.root().string(),
                "--no-netlink", "--state-dir", state.path().string(), "--run-dir",
                run.path().string(), "--interval", interval},
               log);
  if (!wait_ready(60000)) {
    std::fprintf(stderr, "bench_dbus: irqd did not come up on the private bus\n");
    return 1;
  }
  auto cycles_before = [] {
    Irqd1Client c;
    return std::get<3>(c.GetStatus());
  }();
  std::vector<ClientResult> results(static_cast<std::size_t>(clients));
  std::vector<std::thread> threads;
  auto start = Clock::now();
  auto until = start + std::chrono::seconds(seconds);
  for (int i = 0; i < clients; ++i)
    threads.emplace_back(client, i, until, std::ref(results[static_cast<std::size_t>(i)]));
  for (auto& t : threads) t.join();
  double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  Irqd1Client c;
  auto status = c.GetStatus();
  std::vector<double> all;
  long errors = 0;
  for (auto& r : results) {
    all.insert(all.end(), r.latencies_ms.begin(), r.latencies_ms.end());
    errors += r.errors;
  }
  std::printf(
      "bench_dbus: %d clients, %.1f s, daemon interval %s s, %zu calls (%ld errors): %.0f "
      "calls/s\n",
      clients, elapsed, interval.c_str(), all.size(), errors,
      static_cast<double>(all.size()) / elapsed);
  std::printf("latency ms: p50 %.2f  p90 %.2f  p99 %.2f  max %.2f\n", percentile(all, 0.50),
              percentile(all, 0.90), percentile(all, 0.99), percentile(all, 1.0));
  std::printf("daemon: %llu cycles during the run (last %.1f ms each), %u IRQs placed\n",
              static_cast<unsigned long long>(std::get<3>(status) - cycles_before),
              std::get<4>(status), std::get<5>(status));
  return errors == 0 ? 0 : 1;
}
