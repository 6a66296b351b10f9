// tests/runtime/steal_backoff_test.cpp — StealBackoff (runtime/src/steal_backoff.hpp, an
// internal): which steals count as contended, how long the back-off lasts, how it grows and what
// ends it, and when a victim counts as stuck in one task. Times are fake nanosecond values, so these cases do not depend on the machine.
#include <gtest/gtest.h>

#include <cstdint>

#include "steal_backoff.hpp"

namespace {

using ccb::detail::StealBackoff;

constexpr int64_t kT0 = 1'000'000'000;  // any nonzero time

TEST(StealBackoff, NoStealNothingToJudge) {
  StealBackoff b;
  EXPECT_FALSE(b.pending());
  b.judge(kT0, 1000);  // fights without a steal: nothing happens
  EXPECT_FALSE(b.backed_off(kT0));
  EXPECT_EQ(b.until(), 0);
}

TEST(StealBackoff, ContendedStealBacksOff) {
  StealBackoff b;
  b.stole(kT0, 10);
  EXPECT_TRUE(b.pending());
  // 8 fights in 10 us: one per 1.25 us < kFightNs.
  b.judge(kT0 + 10'000, 18);
  EXPECT_FALSE(b.pending());
  EXPECT_EQ(b.until(), kT0 + 10'000 + StealBackoff::kBackoffNs);
  EXPECT_TRUE(b.backed_off(kT0 + 10'000));
  EXPECT_TRUE(b.backed_off(kT0 + 10'000 + StealBackoff::kBackoffNs - 1));
  EXPECT_FALSE(b.backed_off(kT0 + 10'000 + StealBackoff::kBackoffNs));
  b.judge(kT0 + 20'000, 1000);  // judged already: a second judgement changes nothing
  EXPECT_EQ(b.until(), kT0 + 10'000 + StealBackoff::kBackoffNs);
}

TEST(StealBackoff, RareOrFewFightsDoNotCount) {
  StealBackoff b;
  b.stole(kT0, 0);
  b.judge(kT0 + 100, StealBackoff::kMinFights - 1);  // too few, however quick
  EXPECT_FALSE(b.backed_off(kT0 + 100));
  b.stole(kT0, 0);
  // kMinFights * 4 fights over 4 x their kFightNs budget: one per 4 us, a pool gaining from a core.
  const uint32_t n = StealBackoff::kMinFights * 4;
  b.judge(kT0 + 4 * n * StealBackoff::kFightNs, n);
  EXPECT_FALSE(b.backed_off(kT0 + 4 * n * StealBackoff::kFightNs));
  // Exactly one per kFightNs is not "more often than".
  b.stole(kT0, 0);
  b.judge(kT0 + n * StealBackoff::kFightNs, n);
  EXPECT_FALSE(b.backed_off(kT0 + n * StealBackoff::kFightNs));
}

TEST(StealBackoff, DoublesPerContendedStealInARowUpToTheCap) {
  StealBackoff b;
  int64_t now = kT0;
  uint32_t fights = 0;
  for (int i = 0; i <= StealBackoff::kMaxShift + 2; ++i) {
    b.stole(now, fights);
    now += 1'000;
    fights += 100;
    b.judge(now, fights);
    const int shift = i < StealBackoff::kMaxShift ? i : StealBackoff::kMaxShift;
    EXPECT_EQ(b.until(), now + (StealBackoff::kBackoffNs << shift)) << "contended steal " << i;
  }
}

TEST(StealBackoff, UncontendedStealEndsTheBackoffAndTheStreak) {
  StealBackoff b;
  b.stole(kT0, 0);
  b.judge(kT0 + 1'000, 100);
  b.stole(kT0 + 2'000, 100);
  b.judge(kT0 + 3'000, 200);
  EXPECT_EQ(b.until(), kT0 + 3'000 + 2 * StealBackoff::kBackoffNs);
  b.stole(kT0 + 4'000, 200);  // a stuck victim robbed while backed off: its tasks meet no lock
  b.judge(kT0 + 900'000, 200);
  EXPECT_FALSE(b.backed_off(kT0 + 900'000));
  EXPECT_EQ(b.until(), 0);
  b.stole(kT0 + 1'000'000, 200);  // the next contended steal starts from the shortest back-off
  b.judge(kT0 + 1'001'000, 300);
  EXPECT_EQ(b.until(), kT0 + 1'001'000 + StealBackoff::kBackoffNs);
}

TEST(StealBackoff, ContentionCounterWraps) {
  StealBackoff b;
  b.stole(kT0, UINT32_MAX - 3);
  b.judge(kT0 + 1'000, 6);  // 10 fights across the wrap
  EXPECT_TRUE(b.backed_off(kT0 + 1'000));
}

// A backed-off thief robs a victim only once it has watched the victim's tick stay put for
// kStuckNs: a victim that switches tasks restarts the watch, and each victim has its own.
TEST(StealBackoff, VictimIsStuckOnlyAfterItsTickStaysPutForStuckNs) {
  StealBackoff b;
  b.watch_victims(3);
  EXPECT_FALSE(b.victim_stuck(1, 7, kT0));  // the first look starts the watch
  EXPECT_FALSE(b.victim_stuck(1, 7, kT0 + StealBackoff::kStuckNs - 1));
  EXPECT_TRUE(b.victim_stuck(1, 7, kT0 + StealBackoff::kStuckNs));
  EXPECT_FALSE(b.victim_stuck(1, 8, kT0 + 2 * StealBackoff::kStuckNs));  // it switched: watch again
  EXPECT_FALSE(b.victim_stuck(1, 8, kT0 + 3 * StealBackoff::kStuckNs - 1));
  EXPECT_TRUE(b.victim_stuck(1, 8, kT0 + 3 * StealBackoff::kStuckNs));
  EXPECT_FALSE(b.victim_stuck(2, 8, kT0 + 3 * StealBackoff::kStuckNs));  // another victim: its own watch
  EXPECT_FALSE(b.victim_stuck(0, 0, kT0));  // tick 0 is a tick like any other
  EXPECT_TRUE(b.victim_stuck(0, 0, kT0 + StealBackoff::kStuckNs));
}

}  // namespace
