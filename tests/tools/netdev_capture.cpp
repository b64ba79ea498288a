// netdev_capture: records the running kernel's netdev genetlink replies as the files
// RecordedNetdevSource replays (tests/fixtures/netlink/<case>/<reply>.bin). Run it inside the
// network namespace to capture (`ip netns exec NS netdev_capture DIR`); it only reads, unless
// --napi-set is given (then only ever inside a throw-away namespace).
//
//   netdev_capture DIR                         family, policy-napi-set, queue-get, napi-get,
//   qstats-get netdev_capture DIR --family NAME           the controller's answer for another
//   family (ENOENT) netdev_capture DIR --napi-set ID [--defer N] [--gro NS] [--suspend NS]
//   [--threaded 0|1]
//                                              also a napi-set request and its ACK or error
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include "netlink/kernel_netdev_source.hpp"

namespace {

int usage() {
  std::fprintf(stderr,
               "usage: netdev_capture DIR [--family NAME] [--napi-set ID [--defer N] [--gro NS] "
               "[--suspend NS] [--threaded 0|1]]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace irqd::netlink;
  if (argc < 2) return usage();
  const std::filesystem::path dir = argv[1];
  NetdevOptions opts;
  std::optional<int> napi_id;
  NapiSettings settings;
  for (int i = 2; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (i + 1 >= argc) return usage();
    const std::string value = argv[++i];
    if (arg == "--family") {
      opts.family = value;
    } else if (arg == "--napi-set") {
      napi_id = std::stoi(value);
    } else if (arg == "--defer") {
      settings.defer_hard_irqs = static_cast<std::uint32_t>(std::stoul(value));
    } else if (arg == "--gro") {
      settings.gro_flush_timeout = std::stoull(value);
    } else if (arg == "--suspend") {
      settings.irq_suspend_timeout = std::stoull(value);
    } else if (arg == "--threaded") {
      settings.threaded = value != "0";
    } else {
      return usage();
    }
  }
  std::filesystem::create_directories(dir);
  const auto recorder = [&dir](std::string_view name, Bytes reply) {
    std::ofstream out(dir / (std::string(name) + ".bin"), std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(reply.data()),
              static_cast<std::streamsize>(reply.size()));
    std::printf("%s.bin: %zu bytes\n", std::string(name).c_str(), reply.size());
  };
  try {
    KernelNetdevSource source(opts, recorder);
    const NetdevFeatures f = source.features();
    std::printf(
        "family %d queue-get %d napi-get %d qstats-get %d napi-set %d irq-suspend %d threaded %d\n",
        f.family, f.queue_get, f.napi_get, f.qstats_get, f.napi_set, f.napi_irq_suspend_timeout,
        f.napi_threaded);
    if (napi_id) {
      try {
        source.set_napi(*napi_id, settings);
        std::printf("napi-set: ok\n");
      } catch (const NetlinkError& e) {
        std::printf("napi-set: %s\n", e.what());
      }
    }
    // What was captured, parsed, for the fixture's notes.
    if (auto qs = source.queues())
      for (const auto& q : *qs)
        std::printf("queue ifindex %d %s %d napi %d\n", q.ifindex, q.rx ? "rx" : "tx", q.queue,
                    q.napi_id);
    if (auto ns = source.napis())
      for (const auto& n : *ns)
        std::printf("napi %d ifindex %d irq %d pid %d defer %ld gro %ld suspend %ld threaded %d\n",
                    n.id, n.ifindex, n.irq, n.pid,
                    n.defer_hard_irqs ? static_cast<long>(*n.defer_hard_irqs) : -1L,
                    n.gro_flush_timeout ? static_cast<long>(*n.gro_flush_timeout) : -1L,
                    n.irq_suspend_timeout ? static_cast<long>(*n.irq_suspend_timeout) : -1L,
                    n.threaded ? static_cast<int>(*n.threaded) : -1);
    if (auto ss = source.queue_stats())
      for (const auto& s : *ss)
        std::printf("qstats ifindex %d %s %d packets %ld bytes %ld\n", s.ifindex,
                    s.rx ? "rx" : "tx", s.queue, s.packets ? static_cast<long>(*s.packets) : -1L,
                    s.bytes ? static_cast<long>(*s.bytes) : -1L);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "netdev_capture: %s\n", e.what());
    return 1;
  }
  return 0;
}
