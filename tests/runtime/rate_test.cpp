// tests/runtime/rate_test.cpp — ccb::rate (Go: golang.org/x/time/rate rate_test.go): token bucket
// refill, reservations, wait with cancellation, fixed vs sliding windows at a boundary.
#include <gtest/gtest.h>

#include <ccb/runtime.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <limits>
#include <string>
#include <thread>
#include <vector>

#include "procs_fixture.hpp"
#include "thrown_text.hpp"

using namespace std::chrono_literals;
using ccb::rate::Limiter;
using ccb::rate::WaitStatus;

namespace {

class RateTest : public Procs {};
INSTANTIATE_TEST_SUITE_P(, RateTest, ::testing::Values(1, 2),
                         [](const ::testing::TestParamInfo<int>& i) { return "procs" + std::to_string(i.param); });

TEST(Rate, AllowAdmitsBurstThenRefillsAtTheRate) {
  Limiter lim(10, 5);
  auto t0 = ccb::Clock::now();
  int n = 0;
  for (int i = 0; i < 10; ++i) n += lim.allow_n_at(t0, 1);
  EXPECT_EQ(n, 5);
  EXPECT_FALSE(lim.allow_n_at(t0 + 50ms, 1));
  EXPECT_TRUE(lim.allow_n_at(t0 + 100ms, 1));
  EXPECT_FALSE(lim.allow_n_at(t0 + 100ms, 1));
  EXPECT_FALSE(lim.allow_n_at(t0 + 10s, 6));  // more than burst: never
  EXPECT_TRUE(lim.allow_n_at(t0 + 10s, 5));   // refill is capped at burst
  EXPECT_FALSE(lim.allow_n_at(t0 + 10s, 1));
}

// Go's NewLimiter records no time, so the first AllowN(t) sets last = t whenever t is. The bucket
// used to start at the construction time: a t0 taken just before it was "earlier than the last
// seen", and t0 + 100 ms then found 0.9997 tokens instead of 1.
TEST(Rate, TheFirstCallsTimeMayPrecedeTheConstruction) {
  const auto t0 = ccb::Clock::now();
  std::this_thread::sleep_for(1ms);
  Limiter lim(10, 3);
  int n = 0;
  for (int i = 0; i < 4; ++i) n += lim.allow_n_at(t0, 1);
  EXPECT_EQ(n, 3);
  EXPECT_DOUBLE_EQ(lim.tokens_at(t0 + 100ms), 1.0);
  EXPECT_TRUE(lim.allow_n_at(t0 + 100ms, 1));
  EXPECT_FALSE(lim.allow_n_at(t0 + 100ms, 1));
}

// Real time: count admissions against the elapsed time this test measures itself.
TEST_P(RateTest, RefillRateHoldsWithinFivePercentOverHalfASecond) {
  run([] {
    constexpr double kRate = 2000;
    constexpr int kBurst = 200;  // absorbs scheduling gaps up to 100 ms without losing tokens
    auto t0 = ccb::Clock::now();
    Limiter lim(kRate, kBurst);
    long admitted = 0;
    // due: at least what a correct bucket must have admitted, drain by drain. Each drain empties
    // it at some moment between `t1` (read before the drain) and `drained` (read after), so the
    // next drain finds at least min(burst, rate x (its t1 - the previous drained)): a scheduling
    // gap longer than burst/rate loses the excess by design (a CI run under ThreadSanitizer had
    // one of ~190 ms), and a pause inside a drain only lowers `due`, never raises it.
    double due = kBurst;
    while (lim.allow()) ++admitted;
    ccb::Clock::time_point drained = ccb::Clock::now(), t1;
    do {
      ccb::sleep_for(1ms);
      t1 = ccb::Clock::now();
      while (lim.allow()) ++admitted;
      due += std::min<double>(kBurst, kRate * std::chrono::duration<double>(t1 - drained).count());
      drained = ccb::Clock::now();
    } while (t1 - t0 < 600ms);
    double elapsed = std::chrono::duration<double>(ccb::Clock::now() - t0).count();
    EXPECT_LE(admitted, kBurst + kRate * elapsed + 1);
    EXPECT_GE(admitted, 0.95 * due) << "elapsed " << elapsed;
  });
}

TEST(Rate, ReservationsQueueAndCancelGivesTokensBack) {
  Limiter lim(10, 1);
  auto t0 = ccb::Clock::now();
  auto r1 = lim.reserve_at(t0, 1);
  ASSERT_TRUE(r1.ok());
  EXPECT_EQ(r1.delay_from(t0), 0ns);
  auto r2 = lim.reserve_at(t0, 1);
  EXPECT_EQ(r2.delay_from(t0), 100ms);
  EXPECT_NEAR(lim.tokens_at(t0), -1.0, 1e-9);
  r2.cancel_at(t0);
  EXPECT_NEAR(lim.tokens_at(t0), 0.0, 1e-9);
  EXPECT_FALSE(lim.reserve_at(t0, 2).ok());
}

// Regression (session 38's runtime audit, repro t15): the limiter kept the latest time to act of
// any reservation as its last event, where Go keeps the last reservation's. After a cancelled
// reservation acting at t+2s, a second one acting at t+1s and cancelled at once gave back only 1
// of its 2 tokens, and allow_n_at(t, 1) was refused (Go: true).
TEST(Rate, CancelAfterAnEarlierCancelledReservationGivesEveryTokenBack) {
  Limiter lim(1, 3);
  const auto t = ccb::Clock::now() + 10s;  // the bucket is full at t
  ASSERT_TRUE(lim.allow_n_at(t, 2));       // 1 token left
  auto r1 = lim.reserve_at(t, 3);          // -2, acts at t+2s
  EXPECT_EQ(r1.delay_from(t), 2s);
  r1.cancel_at(t);
  EXPECT_NEAR(lim.tokens_at(t), 1.0, 1e-9);
  auto r2 = lim.reserve_at(t, 2);  // -1, acts at t+1s
  EXPECT_EQ(r2.delay_from(t), 1s);
  r2.cancel_at(t);
  EXPECT_NEAR(lim.tokens_at(t), 1.0, 1e-9);
  EXPECT_TRUE(lim.allow_n_at(t, 1));
}

// Regression (repro t14): a wait() refused with WouldExceedDeadline reserved and cancelled its
// tokens, which left the limiter's last event at its time to act; Go's WaitN refuses without
// reserving. A later reservation cancelled at once then gave back 1 of its 2 tokens.
TEST(Rate, AWaitThatWouldExceedItsDeadlineLeavesNoTrace) {
  ccb::run([] {
    Limiter lim(1, 3);
    ASSERT_TRUE(lim.allow_n(2));  // ~1 token left
    auto [ctx, cancel] = ccb::with_timeout(ccb::background(), 500ms);
    EXPECT_EQ(lim.wait(ctx, 3), WaitStatus::WouldExceedDeadline);  // needs ~2 s
    auto r = lim.reserve(2);                                         // ~-1, acts in ~1 s
    ASSERT_TRUE(r.ok());
    r.cancel();
    EXPECT_GT(lim.tokens_at(ccb::Clock::now()), 0.9);
    EXPECT_TRUE(lim.allow());
    cancel();
  });
}

TEST(Rate, RefusedReservationNeverComesDueAndTinyRatesSaturate) {
  Limiter lim(10, 2);
  auto t0 = ccb::Clock::now();
  auto r = lim.reserve_at(t0, 3);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.delay_from(t0), std::chrono::nanoseconds::max());  // Go: InfDuration, not "act now"
  // 1e-300 tokens per second: the debt takes longer than the clock's range to repay.
  Limiter slow(1e-300, 1);
  ASSERT_TRUE(slow.reserve_at(t0, 1).ok());
  auto late = slow.reserve_at(t0, 1);
  ASSERT_TRUE(late.ok());
  EXPECT_EQ(late.time_to_act(), ccb::Clock::time_point::max());
  EXPECT_GT(late.delay_from(t0), std::chrono::hours(24 * 365 * 100));
  late.cancel_at(t0);
  EXPECT_NEAR(slow.tokens_at(t0), 0.0, 1e-9);
}

TEST_P(RateTest, InfiniteRateAdmitsEveryEventWhateverTheBurst) {
  run([] {
    const double inf = std::numeric_limits<double>::infinity();
    Limiter lim(inf, 1);
    auto t0 = ccb::Clock::now();
    for (int i = 0; i < 1000; ++i) ASSERT_TRUE(lim.allow_n_at(t0, 1)) << i;  // same instant: no refill needed
    EXPECT_TRUE(lim.allow_n_at(t0, 50));  // Go's AllowN under Inf ignores burst
    auto r = lim.reserve_at(t0, 50);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r.delay_from(t0), 0ns);
    r.cancel_at(t0);
    EXPECT_EQ(lim.wait(ccb::background(), 50), ccb::rate::WaitStatus::Ok);
    EXPECT_EQ(lim.tokens_at(t0), 1.0);
    lim.set_limit(10);  // back to a finite rate: the burst binds again
    EXPECT_FALSE(lim.allow_n(2));
    EXPECT_EQ(lim.wait(ccb::background(), 2), ccb::rate::WaitStatus::ExceedsBurst);
  });
}

TEST_P(RateTest, WaitParksUntilATokenIsDue) {
  run([] {
    Limiter lim(50, 1);
    // t0 before the first wait: it takes the only token at t0 or later, so the next is due no
    // sooner than t0 + 20 ms whatever pause comes between the two (read after it, a pause of
    // over 5 ms made a correct limiter miss the bound).
    const auto t0 = ccb::Clock::now();
    EXPECT_EQ(lim.wait(ccb::background()), WaitStatus::Ok);  // full bucket: at once
    EXPECT_EQ(lim.wait(ccb::background()), WaitStatus::Ok);
    EXPECT_GE(ccb::Clock::now() - t0, 15ms);
    EXPECT_EQ(lim.wait(ccb::background(), 2), WaitStatus::ExceedsBurst);
  });
}

TEST_P(RateTest, WaitRespectsCancellation) {
  run([] {
    Limiter lim(1, 1);
    ASSERT_TRUE(lim.allow());
    auto [ctx, cancel] = ccb::with_cancel(ccb::background());
    ccb::go([cancel = cancel] {
      ccb::sleep_for(20ms);
      cancel();
    });
    auto t0 = ccb::Clock::now();
    EXPECT_EQ(lim.wait(ctx), WaitStatus::Canceled);
    EXPECT_LT(ccb::Clock::now() - t0, 500ms);
    EXPECT_GT(lim.tokens_at(ccb::Clock::now()), -0.5);  // the reservation was cancelled
    EXPECT_EQ(lim.wait(ctx), WaitStatus::Canceled);     // already done: no wait
    auto [short_ctx, c2] = ccb::with_timeout(ccb::background(), 30ms);
    EXPECT_EQ(lim.wait(short_ctx), WaitStatus::WouldExceedDeadline);
    EXPECT_STREQ(ccb::rate::message(WaitStatus::WouldExceedDeadline),
                 "rate: Wait(n) would exceed context deadline");
  });
}

TEST_P(RateTest, ConcurrentAllowNeverOverAdmits) {
  run([] {
    Limiter lim(1, 1000);
    auto t0 = ccb::Clock::now();
    std::atomic<int> admitted{0};
    ccb::WaitGroup wg;
    wg.add(4);
    for (int k = 0; k < 4; ++k)
      ccb::go([&] {
        for (int i = 0; i < 500; ++i) {
          admitted += lim.allow_n_at(t0, 1);
          if (i % 50 == 0) ccb::yield();
        }
        wg.done();
      });
    wg.wait();
    EXPECT_EQ(admitted.load(), 1000);
  });
}

// allow() commits without a lock; reserve/cancel take the bucket as a lock. At one fixed time
// (no refill) every token is either admitted or still in the bucket once all reservations are
// cancelled: allowed + tokens == burst exactly, from plain threads racing on two cores.
TEST(Rate, ConcurrentAllowAndReserveCancelConserveTokens) {
  constexpr int kBurst = 1000;
  Limiter lim(1, kBurst);
  const auto t0 = ccb::Clock::now();
  std::atomic<int> admitted{0};
  std::vector<std::thread> th;
  for (int k = 0; k < 3; ++k)
    th.emplace_back([&] {
      for (int i = 0; i < 600; ++i) admitted += lim.allow_n_at(t0, 1);
    });
  th.emplace_back([&] {
    for (int i = 0; i < 2000; ++i) {
      auto r = lim.reserve_at(t0, 1);
      EXPECT_TRUE(r.ok());
      r.cancel_at(t0);  // the latest reservation: all of it comes back
    }
  });
  for (auto& t : th) t.join();
  EXPECT_LE(admitted.load(), kBurst);
  EXPECT_NEAR(lim.tokens_at(t0), kBurst - admitted.load(), 1e-9);
}

// A lowered burst holds against allow() calls racing with set_burst: one that read the old burst
// cannot commit (the setter moved the bucket on), so the stored tokens never exceed the new cap.
// tokens_at(epoch) reads the stored value without advancing it.
TEST(Rate, LoweredBurstHoldsAgainstConcurrentAllow) {
  Limiter lim(1e9, 1000);  // refills a token per ns: every allow() refills to the cap
  std::atomic<bool> stop{false};
  std::vector<std::thread> th;
  for (int k = 0; k < 2; ++k)
    th.emplace_back([&] {
      while (!stop.load(std::memory_order_relaxed)) lim.allow();
    });
  int over = 0;
  for (int i = 0; i < 2000 / kTsanDivisor; ++i) {
    lim.set_burst(10);
    over += lim.tokens_at(ccb::Clock::time_point{}) > 10;
    lim.set_limit(i % 2 ? 1e9 : 2e9);
    lim.set_burst(1000);
  }
  stop.store(true);
  for (auto& t : th) t.join();
  EXPECT_EQ(over, 0);
  EXPECT_EQ(lim.burst(), 1000);
}

// A setter whose time is not after the bucket's clock still moves that clock 1 ns on, refilling
// nothing for it (rate.hpp); the tokens stay as they were.
TEST(Rate, SettersKeepTheTokens) {
  Limiter lim(10, 5);
  const auto t0 = ccb::Clock::now() + 1h;  // ahead of the setters' Clock::now()
  EXPECT_TRUE(lim.allow_n_at(t0, 3));
  lim.set_limit(20);
  lim.set_burst(4);
  EXPECT_EQ(lim.tokens_at(t0), 2.0);
  EXPECT_EQ(lim.tokens_at(t0 + 2ns), 2.0);  // the two setters moved the clock to t0 + 2 ns
  EXPECT_GT(lim.tokens_at(t0 + 3ns), 2.0);
  EXPECT_NEAR(lim.tokens_at(t0 + 50ms), 3.0, 1e-6);  // 2 + 20/s * (50 ms - the setters' 2 ns)
  EXPECT_NEAR(lim.tokens_at(t0 + 1s), 4.0, 1e-9);    // capped at the new burst
}

TEST(Rate, FixedWindowDoubleBurstsAtABoundarySlidingWindowDoesNot) {
  auto o = ccb::Clock::now();
  ccb::rate::FixedWindow fixed(10, 1s, o);
  ccb::rate::SlidingWindow sliding(10, 1s, o);
  int f = 0, s = 0;
  for (int i = 0; i < 10; ++i) {
    f += fixed.allow_at(o + 990ms);
    s += sliding.allow_at(o + 990ms);
  }
  EXPECT_EQ(f, 10);
  EXPECT_EQ(s, 10);
  f = s = 0;
  for (int i = 0; i < 10; ++i) {
    f += fixed.allow_at(o + 1010ms);
    s += sliding.allow_at(o + 1010ms);
  }
  EXPECT_EQ(f, 10);  // 20 admissions within 20 ms: the fixed window's double burst
  EXPECT_LE(s, 1);   // 10 * 0.99 + 1 >= 10
  s = 0;
  for (int i = 0; i < 10; ++i) s += sliding.allow_at(o + 1900ms);
  EXPECT_GE(s, 7);   // the previous window's weight has decayed to 0.1
  EXPECT_LE(s, 8);
}

TEST(Rate, BadParametersThrowInvalidArgument) {
  EXPECT_THROW(Limiter(0, 1), ccb::InvalidArgument);
  EXPECT_THROW(Limiter(-1, 1), ccb::InvalidArgument);
  EXPECT_THROW(Limiter(1, 0), ccb::InvalidArgument);
  EXPECT_THROW(Limiter(std::numeric_limits<double>::quiet_NaN(), 1), ccb::InvalidArgument);
  try {
    Limiter lim(1, -3);
    ADD_FAILURE() << "no throw";
  } catch (const ccb::InvalidArgument& e) {
    EXPECT_NE(std::string(e.what()).find("burst must be > 0"), std::string::npos) << e.what();
  }
  Limiter lim(1, 1);
  EXPECT_THROW(lim.set_limit(0), ccb::InvalidArgument);
  EXPECT_THROW(lim.set_burst(0), ccb::InvalidArgument);
  EXPECT_THROW(ccb::rate::FixedWindow(0, 1s), ccb::InvalidArgument);
  EXPECT_THROW(ccb::rate::FixedWindow(1, 0s), ccb::InvalidArgument);
  EXPECT_THROW(ccb::rate::SlidingWindow(1, -1s), ccb::InvalidArgument);
  lim.set_burst(3);
  lim.set_limit(5);
  EXPECT_EQ(lim.burst(), 3);
  EXPECT_EQ(lim.limit(), 5);
}

// Regression: every value was printed with std::to_string(double): a burst or limit of 0 read
// "got 0.000000", a window "got -5.000000" (nanoseconds, unlabelled), and a tiny negative rate
// "got -0.000000", which hides the value. Integers now print as integers, windows with their unit,
// and rates in the shortest form that reads back as the same double.
TEST(Rate, BadParameterMessagesPrintTheValueReadably) {
  const auto text = [](auto&& f) { return thrown_text<ccb::InvalidArgument>(f); };
  EXPECT_EQ(text([] { Limiter(1, 0); }), "rate::Limiter: burst must be > 0, got 0");
  EXPECT_EQ(text([] { Limiter(1, -3); }), "rate::Limiter: burst must be > 0, got -3");
  EXPECT_EQ(text([] { Limiter(0, 1); }), "rate::Limiter: rate_per_sec must be > 0, got 0");
  EXPECT_EQ(text([] { Limiter(-2.5, 1); }), "rate::Limiter: rate_per_sec must be > 0, got -2.5");
  EXPECT_EQ(text([] { Limiter(-1e-9, 1); }), "rate::Limiter: rate_per_sec must be > 0, got -1e-09");
  EXPECT_EQ(text([] { Limiter(std::numeric_limits<double>::quiet_NaN(), 1); }),
            "rate::Limiter: rate_per_sec must be > 0, got nan");
  Limiter lim(1, 1);
  EXPECT_EQ(text([&] { lim.set_limit(-3); }), "rate::Limiter::set_limit: rate_per_sec must be > 0, got -3");
  EXPECT_EQ(text([&] { lim.set_burst(0); }), "rate::Limiter::set_burst: burst must be > 0, got 0");
  EXPECT_EQ(text([] { ccb::rate::FixedWindow(0, 1s); }), "rate::FixedWindow: limit must be > 0, got 0");
  EXPECT_EQ(text([] { ccb::rate::FixedWindow(1, -5ns); }), "rate::FixedWindow: window must be > 0, got -5ns");
  EXPECT_EQ(text([] { ccb::rate::SlidingWindow(-7, 1s); }), "rate::SlidingWindow: limit must be > 0, got -7");
  EXPECT_EQ(text([] { ccb::rate::SlidingWindow(1, 0s); }), "rate::SlidingWindow: window must be > 0, got 0ns");
  EXPECT_EQ(lim.limit(), 1);  // the refused calls changed nothing
  EXPECT_EQ(lim.burst(), 1);
}

}  // namespace

// Regression: wait() from a plain thread reserved its tokens before its Timer threw NotInTask and
// never gave them back (audit repro r02_misuse: "tokens after failed wait: -1.000 (was ~0)").
TEST(RateLimiterMisuse, WaitOutsideATaskThrowsNotInTaskAndTakesNoTokens) {
  ccb::rate::Limiter lim(1, 1);  // one token per second
  ASSERT_TRUE(lim.allow());      // the bucket is now empty: a wait would need a timer
  EXPECT_THROW(lim.wait(ccb::background()), ccb::NotInTask);
  EXPECT_GT(lim.tokens_at(ccb::Clock::now()), -0.5);
}
