// tests/workloads/latency_histogram_test.cpp — LatencyHistogram (workloads/latency_histogram.hpp):
// bucket layout, accuracy against known distributions (constant, uniform, exponential) compared with
// exact sorted-sample percentiles, percentile math on small known sets, merge, the
// nonzero_buckets/add_bucket round trip, set_max, and bad input throwing std::invalid_argument.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <stdexcept>
#include <vector>

#include "workloads/latency_histogram.hpp"

namespace ccb::workloads {
namespace {

using H = LatencyHistogram;

// exact_percentile: the sample of rank ceil(p% × n) (at least 1) of a sorted vector.
uint64_t exact_percentile(const std::vector<uint64_t>& sorted, double p) {
  auto rank = static_cast<size_t>(std::ceil(p / 100.0 * static_cast<double>(sorted.size())));
  rank = std::clamp<size_t>(rank, 1, sorted.size());
  return sorted[rank - 1];
}

// check_accuracy: every reported percentile is >= the exact one and within one bucket (3.125%).
void check_accuracy(std::vector<uint64_t> v) {
  H h;
  for (uint64_t x : v) h.record(x);
  std::sort(v.begin(), v.end());
  ASSERT_EQ(h.count(), v.size());
  EXPECT_EQ(h.max(), v.back());
  EXPECT_EQ(h.min(), v.front());
  double sum = 0;
  for (uint64_t x : v) sum += static_cast<double>(x);
  EXPECT_NEAR(h.mean(), sum / static_cast<double>(v.size()), 1e-6 * sum / static_cast<double>(v.size()));
  for (double p : {0.0, 1.0, 10.0, 25.0, 50.0, 75.0, 90.0, 99.0, 99.9, 100.0}) {
    const uint64_t exact = exact_percentile(v, p), got = h.percentile(p);
    EXPECT_GE(got, exact) << "p" << p;
    EXPECT_LE(static_cast<double>(got), static_cast<double>(exact) * (1.0 + 1.0 / 32) + 1e-9)
        << "p" << p;
  }
}

TEST(LatencyHistogram, BucketLayoutIsContiguousAndMonotonic) {
  EXPECT_EQ(H::kBucketCount, 1920u);
  for (uint64_t v = 0; v < 64; ++v) EXPECT_EQ(H::bucket_index(v), v);
  EXPECT_EQ(H::bucket_index(64), 64u);
  EXPECT_EQ(H::bucket_index(65), 64u);
  EXPECT_EQ(H::bucket_index(66), 65u);
  EXPECT_EQ(H::bucket_index(UINT64_MAX), H::kBucketCount - 1);
  EXPECT_EQ(H::bucket_upper(H::kBucketCount - 1), UINT64_MAX);
  for (uint32_t i = 0; i + 1 < H::kBucketCount; ++i) {
    ASSERT_EQ(H::bucket_index(H::bucket_lower(i)), i);
    ASSERT_EQ(H::bucket_index(H::bucket_upper(i)), i);
    ASSERT_EQ(H::bucket_upper(i) + 1, H::bucket_lower(i + 1)) << i;
    // width <= 2^-kSubBits of the bucket's lower bound (exact buckets have width 1)
    const uint64_t width = H::bucket_upper(i) - H::bucket_lower(i) + 1;
    if (i >= 64) {
      ASSERT_LE(width * 32, H::bucket_lower(i)) << i;
    }
  }
}

TEST(LatencyHistogram, EmptyHistogram) {
  H h;
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.max(), 0u);
  EXPECT_EQ(h.min(), 0u);
  EXPECT_EQ(h.mean(), 0.0);
  EXPECT_EQ(h.percentile(50), 0u);
  EXPECT_TRUE(h.nonzero_buckets().empty());
}

TEST(LatencyHistogram, ConstantDistributionIsExactAtBucketBounds) {
  H h;
  for (int i = 0; i < 1000; ++i) h.record(12345);
  EXPECT_EQ(h.count(), 1000u);
  EXPECT_EQ(h.max(), 12345u);
  EXPECT_DOUBLE_EQ(h.mean(), 12345.0);
  // every percentile is clipped to the exact max
  for (double p : {0.0, 50.0, 99.9, 100.0}) EXPECT_EQ(h.percentile(p), 12345u);
  check_accuracy(std::vector<uint64_t>(500, 777));
}

TEST(LatencyHistogram, UniformDistribution) {
  std::mt19937_64 rng(42);
  std::uniform_int_distribution<uint64_t> d(100, 1000000);
  std::vector<uint64_t> v(200000);
  for (auto& x : v) x = d(rng);
  check_accuracy(v);
}

TEST(LatencyHistogram, ExponentialDistribution) {
  std::mt19937_64 rng(7);
  std::exponential_distribution<double> d(1.0 / 5000.0);  // mean 5 µs, long tail
  std::vector<uint64_t> v(200000);
  for (auto& x : v) x = static_cast<uint64_t>(d(rng));
  check_accuracy(v);
  // the tail is where log-linear buckets matter: p99.9 of Exp(mean m) = m·ln(1000) ≈ 34.5 µs
  H h;
  for (uint64_t x : v) h.record(x);
  EXPECT_NEAR(static_cast<double>(h.percentile(99.9)), 5000.0 * std::log(1000.0), 0.1 * 34539);
}

TEST(LatencyHistogram, PercentileMathOnSmallKnownSets) {
  H h;
  for (uint64_t x : {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}) h.record(x);  // exact region
  EXPECT_EQ(h.percentile(0), 1u);
  EXPECT_EQ(h.percentile(10), 1u);
  EXPECT_EQ(h.percentile(11), 2u);
  EXPECT_EQ(h.percentile(50), 5u);
  EXPECT_EQ(h.percentile(90), 9u);
  EXPECT_EQ(h.percentile(99), 10u);
  EXPECT_EQ(h.percentile(100), 10u);
  EXPECT_DOUBLE_EQ(h.mean(), 5.5);

  H g;  // values in a 2-wide bucket: 64 and 65 share bucket 64 → the percentile is its upper end 65
  g.record(64);
  g.record(65);
  g.record(1000);
  EXPECT_EQ(g.percentile(50), 65u);
  EXPECT_EQ(g.percentile(66), 65u);
  EXPECT_EQ(g.percentile(67), 1000u);  // clipped to the exact max, not the bucket's upper end
  EXPECT_EQ(g.max(), 1000u);
}

TEST(LatencyHistogram, MergeEqualsRecordingEverything) {
  H a, b, all;
  for (uint64_t x = 0; x < 5000; x += 3) a.record(x), all.record(x);
  for (uint64_t x = 100000; x < 900000; x += 777) b.record(x), all.record(x);
  a.merge(b);
  EXPECT_EQ(a.count(), all.count());
  EXPECT_EQ(a.max(), all.max());
  EXPECT_EQ(a.min(), all.min());
  EXPECT_DOUBLE_EQ(a.mean(), all.mean());
  EXPECT_EQ(a.nonzero_buckets(), all.nonzero_buckets());
  for (double p : {1.0, 50.0, 90.0, 99.9}) EXPECT_EQ(a.percentile(p), all.percentile(p));
  H empty;
  a.merge(empty);
  EXPECT_EQ(a.count(), all.count());
  EXPECT_EQ(a.min(), all.min());
}

TEST(LatencyHistogram, NonzeroBucketsAddBucketRoundTrip) {
  std::mt19937_64 rng(3);
  std::lognormal_distribution<double> d(8.0, 1.5);
  H h;
  for (int i = 0; i < 50000; ++i) h.record(static_cast<uint64_t>(d(rng)));
  H r;
  for (const auto& [idx, n] : h.nonzero_buckets()) r.add_bucket(idx, n);
  r.set_max(h.max());
  EXPECT_EQ(r.nonzero_buckets(), h.nonzero_buckets());
  EXPECT_EQ(r.count(), h.count());
  EXPECT_EQ(r.max(), h.max());
  for (double p : {0.0, 50.0, 90.0, 99.0, 99.9, 100.0}) EXPECT_EQ(r.percentile(p), h.percentile(p));
  EXPECT_NEAR(r.mean(), h.mean(), h.mean() / 64);  // midpoints: within half a bucket
  // with the exact min and sum (what the Go child sends) the rebuilt histogram is h's exactly
  r.set_min(h.min());
  r.set_sum(static_cast<uint64_t>(std::llround(h.mean() * static_cast<double>(h.count()))));
  EXPECT_EQ(r.min(), h.min());
  EXPECT_DOUBLE_EQ(r.mean(), h.mean());
}

TEST(LatencyHistogram, BadInputThrows) {
  H h;
  EXPECT_THROW(h.add_bucket(H::kBucketCount, 1), std::invalid_argument);
  EXPECT_THROW(h.add_bucket(UINT32_MAX, 1), std::invalid_argument);
  EXPECT_EQ(h.count(), 0u);  // unchanged
  EXPECT_THROW(H::bucket_lower(H::kBucketCount), std::invalid_argument);
  EXPECT_THROW(H::bucket_upper(H::kBucketCount), std::invalid_argument);
  EXPECT_THROW(h.percentile(-1), std::invalid_argument);
  EXPECT_THROW(h.percentile(100.5), std::invalid_argument);
  EXPECT_THROW(h.percentile(std::nan("")), std::invalid_argument);
  EXPECT_THROW(h.set_max(5), std::invalid_argument);  // empty
  h.add_bucket(H::bucket_index(1000), 2);
  EXPECT_THROW(h.set_max(5000), std::invalid_argument);  // not in the top bucket
  h.set_max(1000);
  EXPECT_EQ(h.max(), 1000u);
  EXPECT_THROW(h.set_min(5), std::invalid_argument);    // not in the lowest bucket
  EXPECT_THROW(h.set_sum(100), std::invalid_argument);  // two samples of ~1000 cannot sum to 100
  h.set_min(1000);
  h.set_sum(2000);
  EXPECT_EQ(h.min(), 1000u);
  EXPECT_DOUBLE_EQ(h.mean(), 1000.0);
  H none;
  EXPECT_THROW(none.set_min(5), std::invalid_argument);  // empty
  EXPECT_THROW(none.set_sum(5), std::invalid_argument);
}

// Regression (session 51's workloads review): the rank was ceil(99.9 / 100 * 1000) in doubles,
// 999.0000000000001, so p99.9 of 1000 samples (every timers sleep and context point's count is a
// multiple of 1000) was rank 1000, the maximum: 999 samples of 100 ns and one of 1 ms gave 1 ms.
TEST(LatencyHistogram, TheRankIsExactAtCountsThatAreMultiplesOf1000) {
  for (const uint64_t count : {1000u, 7000u, 1000000u}) {
    H h;
    for (uint64_t i = 0; i < count - count / 1000; ++i) h.record(100);
    for (uint64_t i = 0; i < count / 1000; ++i) h.record(1000000);
    EXPECT_EQ(h.percentile(99.9), H::bucket_upper(H::bucket_index(100))) << count;
    EXPECT_EQ(h.percentile(100), 1000000u) << count;
  }
  H h;  // one more slow sample: rank 999 of 1001 is still fast, rank 1000 of 1001 slow
  for (int i = 0; i < 999; ++i) h.record(100);
  h.record(1000000), h.record(1000000);
  EXPECT_EQ(h.percentile(99.9), 1000000u);  // ceil(0.999 x 1001) = 1000
  EXPECT_EQ(h.percentile(99.8), H::bucket_upper(H::bucket_index(100)));  // ceil(0.998 x 1001) = 999
}

// Regression (session 51's workloads review): the sum was 64 bits and wrapped, against "mean() is exact".
TEST(LatencyHistogram, TheMeanDoesNotWrapAtTheLargestValues) {
  H h;
  h.record(UINT64_MAX), h.record(UINT64_MAX);
  EXPECT_DOUBLE_EQ(h.mean(), static_cast<double>(UINT64_MAX));
  H b;
  b.add_bucket(H::kBucketCount - 1, 2);
  EXPECT_GE(b.mean(), static_cast<double>(H::bucket_lower(H::kBucketCount - 1)));
}

}  // namespace
}  // namespace ccb::workloads
