// Command and attribute numbers of the netdev genetlink family (include/uapi/linux/netdev.h,
// generated from Documentation/netlink/specs/netdev.yaml). Debian 12's linux-libc-dev (6.1)
// predates that header, so they are spelled out here; they are uapi and never renumbered. The
// comment on each says which kernel brought it.
#pragma once

#include <cstdint>

namespace irqd::netlink::uapi {

constexpr char kFamilyName[] = "netdev";  // NETDEV_FAMILY_NAME, Linux 6.2+
constexpr std::uint8_t kFamilyVersion = 1;

constexpr std::uint8_t kCmdQueueGet = 10;   // NETDEV_CMD_QUEUE_GET, 6.8
constexpr std::uint8_t kCmdNapiGet = 11;    // NETDEV_CMD_NAPI_GET, 6.8
constexpr std::uint8_t kCmdQstatsGet = 12;  // NETDEV_CMD_QSTATS_GET, 6.9
constexpr std::uint8_t kCmdNapiSet = 14;    // NETDEV_CMD_NAPI_SET, 6.13

// Queue object. Note the order differs from the NAPI object's (ID before IFINDEX).
constexpr int kAQueueId = 1;       // NETDEV_A_QUEUE_ID (u32)
constexpr int kAQueueIfindex = 2;  // NETDEV_A_QUEUE_IFINDEX (u32)
constexpr int kAQueueType = 3;     // NETDEV_A_QUEUE_TYPE (u32, enum netdev_queue_type)
constexpr int kAQueueNapiId = 4;   // NETDEV_A_QUEUE_NAPI_ID (u32, absent without NAPI)
constexpr int kAQueueMax = 4;      // the ones irqd reads

constexpr std::uint32_t kQueueTypeRx = 0;  // NETDEV_QUEUE_TYPE_RX
constexpr std::uint32_t kQueueTypeTx = 1;  // NETDEV_QUEUE_TYPE_TX

// NAPI object.
constexpr int kANapiIfindex = 1;            // NETDEV_A_NAPI_IFINDEX (u32)
constexpr int kANapiId = 2;                 // NETDEV_A_NAPI_ID (u32)
constexpr int kANapiIrq = 3;                // NETDEV_A_NAPI_IRQ (u32, absent without an IRQ)
constexpr int kANapiPid = 4;                // NETDEV_A_NAPI_PID (u32, only while threaded), 6.8
constexpr int kANapiDeferHardIrqs = 5;      // NETDEV_A_NAPI_DEFER_HARD_IRQS (u32), 6.13
constexpr int kANapiGroFlushTimeout = 6;    // NETDEV_A_NAPI_GRO_FLUSH_TIMEOUT (uint, ns), 6.13
constexpr int kANapiIrqSuspendTimeout = 7;  // NETDEV_A_NAPI_IRQ_SUSPEND_TIMEOUT (uint, ns), 6.13
constexpr int kANapiThreaded = 8;           // NETDEV_A_NAPI_THREADED (u32 enum), 6.17
constexpr int kANapiMax = 8;

// Per-queue statistics (qstats-get).
constexpr int kAQstatsIfindex = 1;     // NETDEV_A_QSTATS_IFINDEX (u32)
constexpr int kAQstatsQueueType = 2;   // NETDEV_A_QSTATS_QUEUE_TYPE (u32)
constexpr int kAQstatsQueueId = 3;     // NETDEV_A_QSTATS_QUEUE_ID (u32)
constexpr int kAQstatsScope = 4;       // NETDEV_A_QSTATS_SCOPE (uint flags)
constexpr int kAQstatsRxPackets = 8;   // NETDEV_A_QSTATS_RX_PACKETS (uint)
constexpr int kAQstatsRxBytes = 9;     // NETDEV_A_QSTATS_RX_BYTES (uint)
constexpr int kAQstatsTxPackets = 10;  // NETDEV_A_QSTATS_TX_PACKETS (uint)
constexpr int kAQstatsTxBytes = 11;    // NETDEV_A_QSTATS_TX_BYTES (uint)
constexpr int kAQstatsMax = 11;

constexpr std::uint32_t kQstatsScopeQueue = 1;  // NETDEV_QSTATS_SCOPE_QUEUE

}  // namespace irqd::netlink::uapi
