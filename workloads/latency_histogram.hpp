// workloads/latency_histogram.hpp — LatencyHistogram: a compact log-linear (HdrHistogram-style)
// histogram of nanosecond values, used to record per-operation latency of latency-shaped workloads
// (pingpong, select, context, timers) in every implementation, the Go child's included.
//
// Bucket layout (shared with workloads/go/latency.go — changing it is a results-protocol change):
//  - values 0 .. 2^kSubBits-1 (0..31) have one bucket each (exact);
//  - every power-of-two range [2^m, 2^(m+1)) with m >= kSubBits is split into 2^kSubBits equal
//    linear buckets of width 2^(m-kSubBits), so a bucket's width is <= 2^-kSubBits (3.125%) of any
//    value in it;
//  - index(v) = v for v < 64, else (m-5)*32 + (v >> (m-5)) with m = floor(log2 v); kBucketCount = 1920
//    buckets cover the whole uint64_t range.
//
// Guarantees:
//  - record() is O(1), noexcept, and never allocates (the bucket array is allocated by the
//    constructor); count(), min() and max() are exact; mean() is exact for recorded values and uses
//    bucket midpoints for counts added with add_bucket() (relative error <= 1.6%) until set_sum().
//  - percentile(p) returns the upper end of the bucket holding the sample of rank ceil(p% × count)
//    (at least rank 1; p taken to a thousandth of a percent, the rank computed exactly in integers),
//    clipped to max(): a value at or above p% of the samples that overstates the
//    true sample percentile by at most one bucket width (<= 3.125%). percentile(100) == max().
//  - nonzero_buckets() / add_bucket() round-trip the bucket counts exactly; add_bucket(),
//    set_max(), set_min() and set_sum() validate their input and throw std::invalid_argument, leaving the histogram unchanged.
// Concurrency: none inside. A histogram is owned by one thread/task while it records; combine the
// histograms of several recorders with merge() after they have finished.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

namespace ccb::workloads {

class LatencyHistogram {
 public:
  static constexpr int kSubBits = 5;  // 32 sub-buckets: <= 3.2% relative error
  static constexpr uint32_t kSubCount = 1u << kSubBits;
  static constexpr uint32_t kBucketCount = (64 - kSubBits + 1) * kSubCount;  // 1920

  LatencyHistogram();

  void record(uint64_t ns) noexcept {
    ++counts_[bucket_index(ns)];
    ++count_;
    sum_ += ns;
    if (ns > max_) max_ = ns;
    if (ns < min_) min_ = ns;
  }
  void merge(const LatencyHistogram& other);
  void clear() noexcept;

  uint64_t count() const noexcept { return count_; }
  uint64_t max() const noexcept { return max_; }                   // exact largest value; 0 when empty
  uint64_t min() const noexcept { return count_ ? min_ : 0; }      // exact smallest value; 0 when empty
  double mean() const noexcept;                                    // 0 when empty
  uint64_t percentile(double p) const;  // p in [0,100] (throws std::invalid_argument otherwise); 0 when empty

  std::vector<std::pair<uint32_t, uint64_t>> nonzero_buckets() const;  // (bucket index, count), ascending
  // add_bucket() adds `count` samples to bucket `index` (inverse of nonzero_buckets); min/max become
  // the bucket's bounds when they widen the range. Throws std::invalid_argument for index >= kBucketCount.
  void add_bucket(uint32_t index, uint64_t count);
  // set_max() replaces the (bucket-bound) max after add_bucket() with the exact value `ns`; `ns` must
  // fall in the highest non-empty bucket, otherwise std::invalid_argument.
  void set_max(uint64_t ns);
  // set_min() and set_sum() likewise replace the bucket-bound min and the midpoint sum with the
  // exact values (the Go child sends them): `ns` must fall in the lowest non-empty bucket, `sum`
  // between the sums of the buckets' lower and upper bounds; otherwise std::invalid_argument.
  void set_min(uint64_t ns);
  void set_sum(uint64_t sum);

  static uint64_t bucket_lower(uint32_t index);  // smallest value that maps to index (throws for a bad index)
  static uint64_t bucket_upper(uint32_t index);  // largest value that maps to index (throws for a bad index)
  static uint32_t bucket_index(uint64_t ns) noexcept {
    if (ns < 2 * kSubCount) return static_cast<uint32_t>(ns);
    const int m = 63 - __builtin_clzll(ns);
    const int g = m - kSubBits;
    return static_cast<uint32_t>(g) * kSubCount + static_cast<uint32_t>(ns >> g);
  }

 private:
  std::vector<uint64_t> counts_;  // kBucketCount entries
  uint64_t count_ = 0;
  // 128 bits: a sum of uint64_t values (or of count x midpoint) does not wrap, so mean() stays
  // exact at any value (session 51's workloads review: UINT64_MAX recorded twice gave mean 9.2e18).
  unsigned __int128 sum_ = 0;
  uint64_t max_ = 0;
  uint64_t min_ = UINT64_MAX;
};

}  // namespace ccb::workloads
