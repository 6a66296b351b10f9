// harness/stats.hpp — summary statistics of repetition samples (ns per op) and the geometric
// mean used for implementation ratios.
// Guarantees: results are finite for finite, non-empty input; stddev is the sample standard
// deviation (n-1), 0 for a single sample; cv is stddev/mean, absent for one sample or mean 0;
// the median of an even count is the mean of the two middle values.
#pragma once

#include <optional>
#include <vector>

namespace ccb::harness {

struct Summary {
  double median = 0;
  double mean = 0;
  double stddev = 0;
  double min = 0;
  double max = 0;
  std::optional<double> cv;  // stddev / mean; absent for n == 1 or mean == 0
};

// summarize() returns the statistics of `samples`, or nullopt when it is empty.
std::optional<Summary> summarize(const std::vector<double>& samples);

// median() returns the median of `v`, or nullopt when it is empty.
std::optional<double> median(std::vector<double> v);

// geometric_mean() returns the geometric mean of the positive finite values in `v`, or nullopt
// when there are none (non-positive and non-finite values are ignored).
std::optional<double> geometric_mean(const std::vector<double>& v);

}  // namespace ccb::harness
