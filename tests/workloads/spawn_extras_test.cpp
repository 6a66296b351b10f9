// tests/workloads/spawn_extras_test.cpp — spawn's seeds-table measurements
// (workloads/threads/spawn_extras.hpp) with a small RSS budget instead of 1 GiB: both impls'
// capacity stops at the budget with every parked task run after the release; the switch cost is
// positive; the threads budget names a limit; measure_in_child returns the child's result and turns
// a child's exception into WorkloadFailed.
#include <gtest/gtest.h>

#include <stdexcept>

#include "workloads/threads/spawn_extras.hpp"

namespace ccb::workloads::spawn_extras {
namespace {

constexpr int64_t kBudget = 16 << 20;  // 16 MiB: ~2k threads / tasks, well under a second

TEST(SpawnExtras, ThreadsCapacityStopsAtTheRssBudget) {
  const Capacity c = capacity_threads(2, kBudget);
  EXPECT_GT(c.tasks, 0);
  EXPECT_EQ(c.tasks % kCapacityBatch, 0);
  if (c.limit == CapacityLimit::Rss1GiB) {
    EXPECT_GE(c.rss_growth, kBudget);
  } else {  // a thread limit of this machine came first: it must be a named one
    EXPECT_NE(c.limit, CapacityLimit::TaskCap);
  }
}

TEST(SpawnExtras, CcbenchCapacityStopsAtTheRssBudget) {
  const Seeds s = measure_in_child("test", [] { return Seeds{capacity_ccbench(2, kBudget)}; });
  EXPECT_EQ(s.capacity.limit, CapacityLimit::Rss1GiB);
  EXPECT_GE(s.capacity.rss_growth, kBudget);
  EXPECT_GT(s.capacity.tasks, 0);
}

TEST(SpawnExtras, SwitchCostIsPositive) {
  EXPECT_GT(switch_ns_threads(), 0.0);
  EXPECT_GT(switch_ns_ccbench(), 0.0);
}

TEST(SpawnExtras, ThreadBudgetIsBounded) {
  const auto [room, why] = thread_budget();
  EXPECT_GE(room, 0);
  EXPECT_LE(room, kCapacityMaxTasks);
  if (room < kCapacityMaxTasks) {
    EXPECT_NE(why, CapacityLimit::TaskCap);
  }
}

TEST(SpawnExtras, MeasureInChildReportsTheChildsFailure) {
  const Seeds ok = measure_in_child("ok", [] { return Seeds{Capacity{42, CapacityLimit::PidMax, 7}}; });
  EXPECT_EQ(ok.capacity.tasks, 42);
  EXPECT_EQ(ok.capacity.limit, CapacityLimit::PidMax);
  EXPECT_EQ(ok.capacity.rss_growth, 7);
  try {
    measure_in_child("bad", []() -> Seeds { throw std::runtime_error("boom"); });
    FAIL() << "no exception";
  } catch (const WorkloadFailed& e) {
    EXPECT_NE(std::string(e.what()).find("bad: boom"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace ccb::workloads::spawn_extras
