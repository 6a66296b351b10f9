// workloads/latency_histogram.cpp — LatencyHistogram's non-inline members (see latency_histogram.hpp).
#include "latency_histogram.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace ccb::workloads {

namespace {
void check_index(uint32_t index) {
  if (index >= LatencyHistogram::kBucketCount)
    throw std::invalid_argument("latency histogram: bucket index " + std::to_string(index) +
                                " out of range 0.." +
                                std::to_string(LatencyHistogram::kBucketCount - 1));
}
}  // namespace

LatencyHistogram::LatencyHistogram() : counts_(kBucketCount, 0) {}

void LatencyHistogram::merge(const LatencyHistogram& other) {
  for (uint32_t i = 0; i < kBucketCount; ++i) counts_[i] += other.counts_[i];
  count_ += other.count_;
  sum_ += other.sum_;
  max_ = std::max(max_, other.max_);
  min_ = std::min(min_, other.min_);
}

void LatencyHistogram::clear() noexcept {
  std::fill(counts_.begin(), counts_.end(), 0);
  count_ = sum_ = max_ = 0;
  min_ = UINT64_MAX;
}

double LatencyHistogram::mean() const noexcept {
  return count_ == 0 ? 0.0 : static_cast<double>(sum_) / static_cast<double>(count_);
}

uint64_t LatencyHistogram::percentile(double p) const {
  if (!(p >= 0.0 && p <= 100.0))
    throw std::invalid_argument("latency histogram: percentile must be in [0,100]");
  if (count_ == 0) return 0;
  // Exact: in doubles, 99.9 / 100 * 1000 is 999.0000000000001, so ceil gave rank 1000 and p99.9
  // of 1000 samples was their maximum (session 51's workloads review: every timers sleep and
  // context point, whose counts are multiples of 1000, reported p99.9 == max).
  const auto milli = static_cast<unsigned __int128>(std::llround(p * 1000.0));  // 0..100000
  auto rank = static_cast<uint64_t>((milli * count_ + 99999) / 100000);
  rank = std::clamp<uint64_t>(rank, 1, count_);
  uint64_t seen = 0;
  for (uint32_t i = 0; i < kBucketCount; ++i) {
    seen += counts_[i];
    if (seen >= rank) return std::min(bucket_upper(i), max_);
  }
  return max_;
}

std::vector<std::pair<uint32_t, uint64_t>> LatencyHistogram::nonzero_buckets() const {
  std::vector<std::pair<uint32_t, uint64_t>> out;
  for (uint32_t i = 0; i < kBucketCount; ++i)
    if (counts_[i] != 0) out.emplace_back(i, counts_[i]);
  return out;
}

void LatencyHistogram::add_bucket(uint32_t index, uint64_t count) {
  check_index(index);
  if (count == 0) return;
  const uint64_t lo = bucket_lower(index), hi = bucket_upper(index);
  counts_[index] += count;
  count_ += count;
  sum_ += static_cast<unsigned __int128>(count) * (lo + (hi - lo) / 2);
  max_ = std::max(max_, hi);
  min_ = std::min(min_, lo);
}

void LatencyHistogram::set_max(uint64_t ns) {
  uint32_t top = 0;
  bool any = false;
  for (uint32_t i = 0; i < kBucketCount; ++i)
    if (counts_[i] != 0) top = i, any = true;
  if (!any || bucket_index(ns) != top)
    throw std::invalid_argument("latency histogram: max " + std::to_string(ns) +
                                " is not in the highest non-empty bucket");
  max_ = ns;
}

void LatencyHistogram::set_min(uint64_t ns) {
  uint32_t bottom = 0;
  while (bottom < kBucketCount && counts_[bottom] == 0) ++bottom;
  if (bottom == kBucketCount || bucket_index(ns) != bottom)
    throw std::invalid_argument("latency histogram: min " + std::to_string(ns) +
                                " is not in the lowest non-empty bucket");
  min_ = ns;
}

void LatencyHistogram::set_sum(uint64_t sum) {
  unsigned __int128 lo = 0, hi = 0;
  for (uint32_t i = 0; i < kBucketCount; ++i)
    if (counts_[i] != 0) {
      lo += static_cast<unsigned __int128>(counts_[i]) * bucket_lower(i);
      hi += static_cast<unsigned __int128>(counts_[i]) * bucket_upper(i);
    }
  if (sum < lo || sum > hi)
    throw std::invalid_argument("latency histogram: sum " + std::to_string(sum) +
                                " is outside what the buckets' counts allow");
  sum_ = sum;
}

uint64_t LatencyHistogram::bucket_lower(uint32_t index) {
  check_index(index);
  if (index < 2 * kSubCount) return index;
  const uint32_t g = index / kSubCount - 1;
  return static_cast<uint64_t>(index % kSubCount + kSubCount) << g;
}

uint64_t LatencyHistogram::bucket_upper(uint32_t index) {
  check_index(index);
  if (index < 2 * kSubCount) return index;
  const uint32_t g = index / kSubCount - 1;
  return bucket_lower(index) + ((uint64_t{1} << g) - 1);
}

}  // namespace ccb::workloads
