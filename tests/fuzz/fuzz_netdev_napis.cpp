// libFuzzer target: parse_napi_reply (netdev napi-get dump) and restrict_napis on any bytes.
// Properties: only NetlinkError escapes; ids, ifindexes >= 0, irq and pid >= -1; restricting to a
// kernel without napi-set or per-NAPI threaded clears exactly those fields and keeps the rest.
#include "netlink/netdev_replies.hpp"
#include "tests/fuzz/netdev_fuzz.hpp"

using namespace irqd::netlink;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const Bytes reply = irqd::fuzz::as_bytes(data, size);
  const auto napis = irqd::fuzz::parse_or_nullopt([reply] { return parse_napi_reply(reply); });
  if (!napis) return 0;
  for (const auto& n : *napis) {
    if (n.id < 0 || n.ifindex < 0 || n.irq < -1 || n.pid < -1)
      irqd::fuzz::fail("fuzz_netdev_napis", "napi out of range");
  }
  auto old = *napis;
  restrict_napis(old, NetdevFeatures{.family = true, .queue_get = true, .napi_get = true});
  for (std::size_t i = 0; i < old.size(); ++i) {
    const auto& n = old[i];
    if (n.defer_hard_irqs || n.gro_flush_timeout || n.irq_suspend_timeout || n.threaded) {
      irqd::fuzz::fail("fuzz_netdev_napis", "restrict kept a 6.13+ field");
    }
    if (n.id != (*napis)[i].id || n.irq != (*napis)[i].irq || n.pid != (*napis)[i].pid) {
      irqd::fuzz::fail("fuzz_netdev_napis", "restrict changed a 6.8 field");
    }
  }
  return 0;
}
