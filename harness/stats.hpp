// harness/stats.hpp — summary statistics of repetition samples (ns per op) and the geometric
// mean used for implementation ratios.
// Guarantees: results are finite for finite, non-empty input; stddev is the sample standard
// deviation (n-1), 0 for a single sample; cv is stddev/mean, absent for one sample or mean 0;
// the median of an even count is the mean of the two middle values.
// Outliers (Tukey's fences): classified and counted, never removed — every statistic here, and
// every test in `ccbench compare`, uses all samples.
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

// Outliers: Tukey's fences over one point's samples. Quartiles are linear-interpolation
// quantiles (Hyndman & Fan type 7, numpy's default): q(p) at position p*(n-1) of the sorted
// samples. With IQR = q3 - q1, a sample is a mild outlier when it lies beyond q1 - 1.5 IQR or
// q3 + 1.5 IQR but not beyond 3 IQR, and an extreme outlier beyond q1 - 3 IQR or q3 + 3 IQR.
struct Outliers {
  double q1 = 0;
  double q3 = 0;
  int low_mild = 0, low_extreme = 0, high_mild = 0, high_extreme = 0;
  int total() const { return low_mild + low_extreme + high_mild + high_extreme; }
};
inline constexpr double kTukeyMild = 1.5;
inline constexpr double kTukeyExtreme = 3.0;

// quantile() is the type-7 quantile of `v` at p in [0, 1]; nullopt when v is empty.
std::optional<double> quantile(std::vector<double> v, double p);

// tukey_outliers() classifies `samples`; nullopt when it is empty.
std::optional<Outliers> tukey_outliers(const std::vector<double>& samples);

// geometric_mean() returns the geometric mean of the positive finite values in `v`, or nullopt
// when there are none (non-positive and non-finite values are ignored).
std::optional<double> geometric_mean(const std::vector<double>& v);

}  // namespace ccb::harness
