// tests/runtime/rate_edges_test.cpp — ccb::rate::Limiter at the edges the session-50 review found:
// times at the clock's ends, negative times, reservations that cannot be cancelled twice, negative
// token counts, and wait() from a plain thread. Split from rate_test.cpp.
#include <gtest/gtest.h>

#include <ccb/runtime.hpp>
#include <chrono>
#include <type_traits>
#include <utility>

#include "thrown_text.hpp"

using namespace std::chrono_literals;
using ccb::rate::Limiter;
using ccb::rate::Reservation;
using ccb::rate::WaitStatus;

namespace {

// Regression: a call at time_point::max() (a tiny rate's saturated time to act, passed back in)
// put the bucket's clock at INT64_MAX; set_limit's 1 ns bump then wrapped it to INT64_MIN, and
// every later refill was hugely negative: "tokens@now=-1.84467e+11 allow@now=0".
TEST(RateEdges, ACallAtTheClocksEndLeavesTheLimiterWorking) {
  Limiter lim(10, 5);
  ASSERT_TRUE(lim.allow_n_at(ccb::Clock::time_point::max(), 1));
  lim.set_limit(20);
  lim.set_burst(6);
  EXPECT_NEAR(lim.tokens_at(ccb::Clock::now()), 4.0, 1e-9);
  EXPECT_TRUE(lim.allow());
  EXPECT_NEAR(lim.tokens_at(ccb::Clock::time_point::max()), 3.0, 1e-9);
}

// Regression: a new bucket's clock was 0, so calls at negative times never refilled it
// (printed 1 0 0; Go: 1 1 1). rate.hpp: the first time may be any time.
TEST(RateEdges, NegativeTimesRefillLikeAnyOthers) {
  Limiter lim(1, 1);
  const ccb::Clock::time_point t(std::chrono::duration_cast<ccb::Clock::duration>(-10s));
  EXPECT_TRUE(lim.allow_n_at(t, 1));
  EXPECT_FALSE(lim.allow_n_at(t + 1s / 2, 1));
  EXPECT_TRUE(lim.allow_n_at(t + 2s, 1));
  EXPECT_TRUE(lim.allow_n_at(t + 4s, 1));
}

// Regression: a copied Reservation cancelled once per copy: burst 10 emptied, reserve(5), copy
// and cancel both left 10 tokens for the 5 reserved. It is move-only now.
TEST(RateEdges, AReservationGivesItsTokensBackOnce) {
  static_assert(!std::is_copy_constructible_v<Reservation>);
  static_assert(!std::is_copy_assignable_v<Reservation>);
  Limiter lim(1, 10);
  const auto t = ccb::Clock::now() + 10s;
  ASSERT_TRUE(lim.allow_n_at(t, 10));
  Reservation r = lim.reserve_at(t, 5);
  Reservation moved = std::move(r);
  EXPECT_TRUE(r.ok());  // NOLINT(bugprone-use-after-move): a moved-from one still answers
  EXPECT_EQ(r.time_to_act(), moved.time_to_act());  // NOLINT(bugprone-use-after-move)
  r.cancel_at(t);  // NOLINT(bugprone-use-after-move): gives nothing back
  EXPECT_NEAR(lim.tokens_at(t), -5.0, 1e-9);
  moved.cancel_at(t);
  EXPECT_NEAR(lim.tokens_at(t), 0.0, 1e-9);
  moved.cancel_at(t);
  EXPECT_NEAR(lim.tokens_at(t), 0.0, 1e-9);
  EXPECT_FALSE(Reservation().ok());
}

// A negative n added -n tokens above the burst (allow_n_at(t, -1000) on burst 5 left 1005).
TEST(RateEdges, ANegativeTokenCountIsRefused) {
  Limiter lim(1, 5);
  const auto text = [](auto&& f) { return thrown_text<ccb::InvalidArgument>(f); };
  EXPECT_EQ(text([&] { lim.allow_n(-1000); }), "rate::Limiter::allow_n: n must be >= 0, got -1000");
  EXPECT_EQ(text([&] { (void)lim.reserve(-1); }), "rate::Limiter::reserve: n must be >= 0, got -1");
  EXPECT_EQ(text([&] { (void)lim.wait(ccb::background(), -2); }), "rate::Limiter::wait: n must be >= 0, got -2");
  EXPECT_LE(lim.tokens_at(ccb::Clock::now()), 5.0);
  EXPECT_TRUE(lim.allow_n(0));  // zero tokens, as in Go: always allowed
}

// A plain thread's wait() takes tokens it can use at once, and takes none when it would block:
// it no longer reserves and cancels (a reservation made in between kept part of the tokens).
TEST(RateEdges, AWaitFromAPlainThreadTakesTokensOnlyWhenItNeedNotBlock) {
  Limiter lim(1, 2);
  EXPECT_EQ(lim.wait(ccb::background()), WaitStatus::Ok);
  EXPECT_EQ(lim.wait(ccb::background()), WaitStatus::Ok);
  const double before = lim.tokens_at(ccb::Clock::now());
  EXPECT_LT(before, 0.5);
  EXPECT_THROW((void)lim.wait(ccb::background()), ccb::NotInTask);
  EXPECT_EQ(lim.wait(ccb::background(), 3), WaitStatus::ExceedsBurst);
  // nothing was reserved: a reservation now is the only one, due within a second
  Reservation r = lim.reserve();
  ASSERT_TRUE(r.ok());
  EXPECT_LE(r.delay(), 1s);
}

}  // namespace
