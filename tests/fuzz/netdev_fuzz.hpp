// Shared by the netdev reply fuzz targets: the input is one whole reply (the bytes of every
// netlink message, as tests/fixtures/netlink/*/*.bin); a parser may throw NetlinkError (or its
// KernelError) and nothing else; a property that fails aborts with its name.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <span>

#include "netlink/genl_reply.hpp"

namespace irqd::fuzz {

[[noreturn]] inline void fail(const char* target, const char* what) {
  std::fprintf(stderr, "%s: property violated: %s\n", target, what);
  std::abort();
}

inline netlink::Bytes as_bytes(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const std::byte*>(data), size};
}

// parse(bytes), or nullopt when it threw NetlinkError (the only exception allowed to escape).
template <typename F>
auto parse_or_nullopt(F parse) -> std::optional<decltype(parse())> {
  try {
    return parse();
  } catch (const netlink::NetlinkError&) {
    return std::nullopt;
  }
}

}  // namespace irqd::fuzz
