// harness/stats.cpp — see stats.hpp.
#include "harness/stats.hpp"

#include <algorithm>
#include <cmath>

namespace ccb::harness {

std::optional<double> median(std::vector<double> v) {
  if (v.empty()) return std::nullopt;
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

std::optional<Summary> summarize(const std::vector<double>& samples) {
  if (samples.empty()) return std::nullopt;
  Summary s;
  s.median = *median(samples);
  s.min = *std::min_element(samples.begin(), samples.end());
  s.max = *std::max_element(samples.begin(), samples.end());
  double sum = 0;
  for (double x : samples) sum += x;
  s.mean = sum / static_cast<double>(samples.size());
  if (samples.size() > 1) {
    double sq = 0;
    for (double x : samples) sq += (x - s.mean) * (x - s.mean);
    s.stddev = std::sqrt(sq / static_cast<double>(samples.size() - 1));
    if (s.mean != 0) s.cv = s.stddev / s.mean;
  }
  return s;
}

std::optional<double> quantile(std::vector<double> v, double p) {
  if (v.empty()) return std::nullopt;
  std::sort(v.begin(), v.end());
  const double pos = std::clamp(p, 0.0, 1.0) * static_cast<double>(v.size() - 1);
  const auto i = static_cast<size_t>(std::floor(pos));
  if (i + 1 >= v.size()) return v.back();
  return v[i] + (pos - static_cast<double>(i)) * (v[i + 1] - v[i]);
}

std::optional<Outliers> tukey_outliers(const std::vector<double>& samples) {
  if (samples.empty()) return std::nullopt;
  Outliers o;
  o.q1 = *quantile(samples, 0.25);
  o.q3 = *quantile(samples, 0.75);
  const double iqr = o.q3 - o.q1;
  for (double x : samples) {
    if (x < o.q1 - kTukeyExtreme * iqr) ++o.low_extreme;
    else if (x < o.q1 - kTukeyMild * iqr) ++o.low_mild;
    else if (x > o.q3 + kTukeyExtreme * iqr) ++o.high_extreme;
    else if (x > o.q3 + kTukeyMild * iqr) ++o.high_mild;
  }
  return o;
}

std::optional<double> geometric_mean(const std::vector<double>& v) {
  double log_sum = 0;
  size_t n = 0;
  for (double x : v) {
    if (!(x > 0) || !std::isfinite(x)) continue;
    log_sum += std::log(x);
    ++n;
  }
  if (n == 0) return std::nullopt;
  return std::exp(log_sum / static_cast<double>(n));
}

}  // namespace ccb::harness
