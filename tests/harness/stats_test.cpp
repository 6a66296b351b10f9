// tests/harness/stats_test.cpp — summary statistics (harness/stats.hpp).
#include "harness/stats.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace ccb::harness {
namespace {

TEST(Stats, SummaryOfSeveralSamples) {
  auto s = summarize({4, 1, 3, 2});
  ASSERT_TRUE(s);
  EXPECT_DOUBLE_EQ(s->median, 2.5);
  EXPECT_DOUBLE_EQ(s->mean, 2.5);
  EXPECT_DOUBLE_EQ(s->min, 1);
  EXPECT_DOUBLE_EQ(s->max, 4);
  EXPECT_NEAR(s->stddev, std::sqrt(5.0 / 3.0), 1e-12);
  ASSERT_TRUE(s->cv);
  EXPECT_NEAR(*s->cv, std::sqrt(5.0 / 3.0) / 2.5, 1e-12);
}

TEST(Stats, OneSampleHasNoCv) {
  auto s = summarize({7});
  ASSERT_TRUE(s);
  EXPECT_DOUBLE_EQ(s->median, 7);
  EXPECT_DOUBLE_EQ(s->stddev, 0);
  EXPECT_FALSE(s->cv);
  EXPECT_FALSE(summarize({}));
}

TEST(Stats, GeometricMeanIgnoresNonPositive) {
  EXPECT_NEAR(*geometric_mean({0.5, 2.0}), 1.0, 1e-12);
  EXPECT_NEAR(*geometric_mean({2.0, 8.0, 0.0, -1.0}), 4.0, 1e-12);
  EXPECT_FALSE(geometric_mean({}));
  EXPECT_FALSE(geometric_mean({0.0}));
}

}  // namespace
}  // namespace ccb::harness
