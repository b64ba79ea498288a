// GetHistory's and ExplainIrq's replies without a bus: the filter read from a{sv} (unknown keys
// and wrong types refused), history rows with their load in the trailing map, an explanation's
// keys present only when known.
#include <gtest/gtest.h>

#include "irqd/dbus/explain_views.hpp"

namespace irqd::dbus {
namespace {

TEST(DbusHistoryViews, FilterFromTheWire) {
  std::map<std::string, sdbus::Variant> in{{"irq", sdbus::Variant(std::uint32_t{42})},
                                           {"limit", sdbus::Variant(std::uint32_t{5})}};
  HistoryFilter f = history_filter(in);
  ASSERT_TRUE(f.irq.has_value());
  EXPECT_EQ(*f.irq, 42);
  EXPECT_EQ(f.limit, 5u);
  EXPECT_TRUE(f.device.empty());
  EXPECT_EQ(history_filter({{"irq", sdbus::Variant(std::int32_t{7})}}).irq, 7);  // either width
  EXPECT_EQ(history_filter({{"device", sdbus::Variant(std::string("eth0"))}}).device, "eth0");
  EXPECT_TRUE(history_filter({}).device.empty());
  EXPECT_THROW(history_filter({{"colour", sdbus::Variant(std::string("red"))}}), std::invalid_argument);
  EXPECT_THROW(history_filter({{"device", sdbus::Variant(std::uint32_t{1})}}), std::invalid_argument);
  EXPECT_THROW(history_filter({{"irq", sdbus::Variant(std::int32_t{-1})}}), std::invalid_argument);
}

TEST(DbusHistoryViews, RowsCarryEveryFieldAndTheLoadWhenThereIsOne) {
  ChangeRecord moved;
  moved.time = std::chrono::system_clock::time_point(std::chrono::microseconds(1796640524068573));
  moved.cycle = 3;
  moved.kind = "affinity";
  moved.subject = "IRQ 42 (eth0-TxRx-3, eth0)";
  moved.irq = 42;
  moved.device = "eth0";
  moved.old_value = "2";
  moved.new_value = "5";
  moved.reason = "CPU 2 was the busiest";
  moved.load_source = "packets";
  moved.cost = 0.25;
  moved.rate = 1000.0;
  ChangeRecord rps;
  rps.kind = "rps_cpus";
  rps.device = "eth0";
  rps.queue = "rx-3";
  rps.ok = false;
  rps.error = "eth0 rx-3 rps_cpus: cannot set 10: EINVAL";
  auto rows = history_rows({moved, rps});
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].get<0>(), 1796640524068573u);
  EXPECT_EQ(rows[0].get<1>(), 3u);
  EXPECT_EQ(rows[0].get<4>(), 42);
  EXPECT_EQ(rows[0].get<7>(), "2");
  EXPECT_EQ(rows[0].get<8>(), "5");
  EXPECT_EQ(rows[0].get<9>(), "CPU 2 was the busiest");
  EXPECT_TRUE(rows[0].get<10>());
  EXPECT_EQ(rows[0].get<12>().at("load_source").get<std::string>(), "packets");
  EXPECT_EQ(rows[0].get<12>().at("cost_seconds_per_second").get<double>(), 0.25);
  EXPECT_EQ(rows[1].get<4>(), -1);
  EXPECT_EQ(rows[1].get<6>(), "rx-3");
  EXPECT_FALSE(rows[1].get<10>());
  EXPECT_TRUE(rows[1].get<12>().empty());  // no load for a queue's knob
}

TEST(DbusHistoryViews, ExplanationKeysOnlyWhenKnown) {
  IrqExplanation e;
  e.irq = 42;
  e.name = "eth0-TxRx-3";
  e.device = "eth0";
  e.affinity = "5";
  e.planned = "5";
  e.reason = "static pin to 5";
  e.pin = "5";
  e.pin_source = "run-time";
  e.banned_runtime = "0";
  e.nic_node = 1;
  e.history.push_back(ChangeRecord{});
  More m = explanation_map(e);
  EXPECT_EQ(m.at("irq").get<std::uint32_t>(), 42u);
  EXPECT_EQ(m.at("pin_source").get<std::string>(), "run-time");
  EXPECT_EQ(m.at("banned_cpus_runtime").get<std::string>(), "0");
  EXPECT_EQ(m.at("nic_numa_node").get<std::int32_t>(), 1);
  EXPECT_EQ(m.count("load_source"), 0u);  // no load measured
  EXPECT_EQ(m.count("queue"), 0u);
  EXPECT_EQ(m.at("history").get<std::vector<HistoryRow>>().size(), 1u);
  e.load = policies::IrqLoad{.cost = 0.1, .rate = 10.0, .source = policies::LoadSource::kThread, .rps = 0.0};
  m = explanation_map(e);
  EXPECT_EQ(m.at("load_source").get<std::string>(), "napi-thread");
  EXPECT_EQ(m.count("rps_seconds_per_second"), 0u);
}

}  // namespace
}  // namespace irqd::dbus
