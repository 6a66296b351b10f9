// tests/runtime/ticker_test.cpp — ccb::Ticker (Go: time/tick_test.go): period, dropped ticks for a
// slow receiver, stop/reset, bad periods. Runs at procs {1, 2}; timing bounds are generous.
#include <gtest/gtest.h>

#include <ccb/runtime.hpp>
#include <chrono>
#include <string>

#include "procs_fixture.hpp"

using namespace std::chrono_literals;

namespace {

class TickerTest : public Procs {};
INSTANTIATE_TEST_SUITE_P(, TickerTest, ::testing::Values(1, 2),
                         [](const ::testing::TestParamInfo<int>& i) { return "procs" + std::to_string(i.param); });

TEST_P(TickerTest, TicksAtThePeriod) {
  run([] {
    auto t0 = ccb::Clock::now();
    ccb::Ticker tk(10ms);
    ccb::Clock::time_point last = t0;
    for (int i = 0; i < 5; ++i) {
      auto v = tk.c().recv();
      ASSERT_TRUE(v.has_value());
      EXPECT_GT(*v, last);
      last = *v;
    }
    auto el = ccb::Clock::now() - t0;
    EXPECT_GE(el, 50ms);
    EXPECT_LT(el, 2s);
  });
}

TEST_P(TickerTest, SlowReceiverLosesTicks) {
  run([] {
    ccb::Ticker tk(2ms);
    ccb::sleep_for(50ms);  // ~25 ticks due; the channel holds one
    // At procs 2 the first tick's fire can still be in flight (its worker preempted between the
    // pop and the send) when the other worker ends the sleep: wait for it, boundedly.
    for (const auto t0 = ccb::Clock::now(); tk.c().len() == 0 && ccb::Clock::now() - t0 < 5s;)
      ccb::sleep_for(1ms);
    const auto woke = ccb::Clock::now();
    EXPECT_EQ(tk.c().len(), 1u);
    EXPECT_TRUE(tk.c().try_recv().first);
    // No backlog of stale ticks: a second tick may be there only if it was sent after the first
    // was taken (a tick is due every 2 ms, and a pause of this thread makes one likely). A fire
    // stamps its value just before its send, so one racing the wake-up may be stamped a moment
    // before `woke`; a tick queued behind the first is from a period or more earlier.
    if (auto [taken, tick] = tk.c().try_recv(); taken) {
      ASSERT_TRUE(tick.has_value());
      EXPECT_GE(*tick, woke - 1ms) << "a stale tick was queued behind the first";
    }
    EXPECT_TRUE(tk.c().recv().has_value());  // ticking continues
  });
}

TEST_P(TickerTest, StopDropsTheBufferedTickAndEndsTicking) {
  run([] {
    ccb::Ticker tk(1ms);
    ccb::sleep_for(10ms);
    tk.stop();
    EXPECT_FALSE(tk.c().try_recv().first);
    ccb::sleep_for(20ms);
    EXPECT_FALSE(tk.c().try_recv().first);
  });
}

TEST_P(TickerTest, ResetChangesThePeriod) {
  run([] {
    ccb::Ticker tk(1h);
    auto t0 = ccb::Clock::now();
    tk.reset(5ms);
    EXPECT_TRUE(tk.c().recv().has_value());
    EXPECT_TRUE(tk.c().recv().has_value());
    EXPECT_LT(ccb::Clock::now() - t0, 2s);
    tk.stop();
    tk.reset(2ms);  // Go: reset restarts a stopped ticker
    EXPECT_TRUE(tk.c().recv().has_value());
  });
}

// Regression (lifetime race): destroying tickers while a worker fires them.
TEST_P(TickerTest, DestroyingTickersWhileTheyFireIsSafe) {
  run([] {
    for (int i = 0; i < 3000; ++i) {
      ccb::Ticker tk(std::chrono::microseconds(1 + i % 5));
      if (i % 2) ccb::yield();
    }
  });
}

TEST_P(TickerTest, NonPositivePeriodThrowsInvalidArgument) {
  run([] {
    try {
      ccb::Ticker tk(0ns);
      ADD_FAILURE() << "no throw";
    } catch (const ccb::InvalidArgument& e) {
      EXPECT_STREQ(e.what(), "non-positive interval for NewTicker");
    }
    EXPECT_THROW(ccb::Ticker(-1ms), ccb::InvalidArgument);
    ccb::Ticker tk(1h);
    try {
      tk.reset(-1ns);
      ADD_FAILURE() << "no throw";
    } catch (const ccb::InvalidArgument& e) {
      EXPECT_STREQ(e.what(), "non-positive interval for Ticker.Reset");
    }
    static_assert(std::is_base_of_v<ccb::Panic, ccb::InvalidArgument>);
  });
}

}  // namespace
