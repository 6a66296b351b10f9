// reports/stats.cpp — implementations of the statistics in stats.hpp (see there for the contract
// and the sources of each method).
#include "reports/stats.hpp"

#include "common/fnv1a.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <stdexcept>

namespace ccb::reports::stats {
namespace {

void require_non_empty(std::span<const double> v, const char* what) {
  if (v.empty()) throw std::invalid_argument(std::string(what) + ": empty sample");
}

// median_in_place() reorders `v` (a scratch copy) to find its median.
double median_in_place(std::vector<double>& v) {
  const std::size_t n = v.size();
  auto mid = v.begin() + static_cast<std::ptrdiff_t>(n / 2);
  std::nth_element(v.begin(), mid, v.end());
  double hi = *mid;
  if (n % 2 == 1) return hi;
  double lo = *std::max_element(v.begin(), mid);
  return lo + (hi - lo) / 2;
}

// uniform() draws a double uniformly from [0, 1) from the top 53 bits of one output.
double uniform(std::mt19937_64& gen) { return static_cast<double>(gen() >> 11) * 0x1.0p-53; }

// MedianSampler draws the median of a bootstrap resample of a sample (n values drawn from it with
// replacement) from that median's exact distribution, without drawing the resample (see
// stats.hpp). With the sample sorted, x_1 <= … <= x_n, the resample's k-th smallest value is x_J,
// where the number of draws among x_1..x_j is Binomial(n, j/n), so
//   F(j) = P(J <= j) = P(Binomial(n, j/n) >= k).
// The median is x_J for k = (n+1)/2 when n is odd; for n even it is (x_J + x_J') / 2 with k = n/2,
// J <= J' the ranks k and k+1. Given J = j, J' > j when exactly k draws are <= j, at least one of
// them x_j itself (so that J = j), which has probability
//   move(j) = P(Binomial(n, j/n) = k) * (1 - ((j-1)/j)^k) / P(J = j);
// and then the other n-k draws are uniform over x_{j+1}..x_n, so J' - j is the least of n-k
// uniform draws from 1..n-j. F is tabled where it is neither 0 nor 1 to within 1e-18 (about 18
// standard deviations of J, ~9 sqrt(n) entries, each a binomial tail of ~9 sqrt(n) terms: O(n)),
// so a draw costs one binary search and, for n even, one more uniform.
class MedianSampler {
 public:
  explicit MedianSampler(std::span<const double> sample)
      : sorted_(sample.begin(), sample.end()), n_(sorted_.size()), k_(n_ % 2 ? (n_ + 1) / 2 : n_ / 2) {
    if (n_ == 0) throw std::invalid_argument("bootstrap: empty sample");
    std::sort(sorted_.begin(), sorted_.end());
    // F(j) for j below k_, down to where it vanishes, then from k_ up to where it reaches 1.
    std::vector<double> below;
    for (std::size_t j = k_ - 1; j >= 1 && (below.empty() || below.back() > kNegligible); --j) below.push_back(cdf(j));
    while (!below.empty() && below.back() <= kNegligible) below.pop_back();
    first_ = k_ - below.size();
    cdf_.assign(below.rbegin(), below.rend());
    for (std::size_t j = k_; j <= n_; ++j) {
      cdf_.push_back(j == n_ ? 1.0 : cdf(j));
      if (cdf_.back() >= 1 - kNegligible) break;
    }
    cdf_.back() = 1;
    if (n_ % 2 == 0) {
      for (std::size_t i = 0; i < cdf_.size(); ++i) {
        const std::size_t j = first_ + i;
        const double p_here = cdf_[i] - (i > 0 ? cdf_[i - 1] : 0.0);
        const double p = static_cast<double>(j) / static_cast<double>(n_);
        const double k = static_cast<double>(k_);
        const double some_at_j = -std::expm1(k * std::log1p(-1.0 / static_cast<double>(j)));
        const double move = p_here > 0 ? std::exp(log_pmf(p, k_)) * some_at_j / p_here : 0.0;
        move_.push_back(std::clamp(move, 0.0, 1.0));
      }
    }
  }

  double draw(std::mt19937_64& gen) const {
    const double u = uniform(gen);
    const std::size_t i = static_cast<std::size_t>(std::upper_bound(cdf_.begin(), cdf_.end(), u) - cdf_.begin());
    const std::size_t at = std::min(i, cdf_.size() - 1);
    const std::size_t j = first_ + at;  // 1-based rank of x_J
    const double lo = sorted_[j - 1];
    if (n_ % 2 == 1) return lo;
    const double v = uniform(gen);
    if (v >= move_[at] || j == n_) return lo;
    // J' - j = the least of m = n-k uniform draws from 1..L, L = n-j: P(> t) = ((L-t)/L)^m;
    // w (uniform given a move) inverts it.
    const double w = v / move_[at];
    const double length = static_cast<double>(n_ - j);
    const double y = -std::expm1(std::log1p(-w) / static_cast<double>(n_ - k_));
    const auto step = std::min(n_ - j, static_cast<std::size_t>(std::floor(length * y)) + 1);
    const double hi = sorted_[j + step - 1];
    return lo + (hi - lo) / 2;
  }

 private:
  static constexpr double kNegligible = 1e-18;

  // log_pmf() is log P(Binomial(n, p) = i).
  double log_pmf(double p, std::size_t i) const {
    const double n = static_cast<double>(n_), x = static_cast<double>(i);
    return std::lgamma(n + 1) - std::lgamma(x + 1) - std::lgamma(n - x + 1) + x * std::log(p) + (n - x) * std::log1p(-p);
  }

  // cdf() is F(j) = P(Binomial(n, j/n) >= k) for 0 < j < n: the smaller tail summed outward from
  // k until its terms no longer count (each term is the last times a ratio below 1).
  double cdf(std::size_t j) const {
    const double p = static_cast<double>(j) / static_cast<double>(n_), odds = p / (1 - p);
    const double n = static_cast<double>(n_);
    const bool upper = static_cast<double>(k_) > n * p;  // P(>= k) is the smaller tail
    std::size_t i = upper ? k_ : k_ - 1;
    double term = std::exp(log_pmf(p, i)), sum = 0;
    while (term > sum * 1e-17) {
      sum += term;
      if (upper ? i == n_ : i == 0) break;
      const double x = static_cast<double>(i);
      term *= upper ? (n - x) / (x + 1) * odds : x / (n - x + 1) / odds;
      upper ? ++i : --i;
    }
    return upper ? sum : 1 - sum;
  }

  std::vector<double> sorted_;
  std::size_t n_, k_;
  std::size_t first_ = 1;     // cdf_[i] = F(first_ + i); F is 0 below first_
  std::vector<double> cdf_;   // ends with 1
  std::vector<double> move_;  // n even: move(first_ + i), as above
};

// percentile_interval() is the central `confidence` interval of `values` (sorted here), with
// linear interpolation between order statistics.
Interval percentile_interval(std::vector<double>& values, double confidence) {
  std::sort(values.begin(), values.end());
  auto quantile = [&](double q) {
    const double pos = q * static_cast<double>(values.size() - 1);
    const auto i = static_cast<std::size_t>(std::floor(pos));
    const double frac = pos - static_cast<double>(i);
    if (i + 1 >= values.size()) return values.back();
    return values[i] + frac * (values[i + 1] - values[i]);
  };
  const double tail = (1 - confidence) / 2;
  return Interval{quantile(tail), quantile(1 - tail)};
}

void check_confidence(double confidence) {
  if (!(confidence > 0 && confidence < 1)) throw std::invalid_argument("confidence must be in (0, 1)");
}

}  // namespace

double median(std::span<const double> v) {
  require_non_empty(v, "median");
  std::vector<double> copy(v.begin(), v.end());
  return median_in_place(copy);
}

double mean(std::span<const double> v) {
  require_non_empty(v, "mean");
  return std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
}

double stddev(std::span<const double> v) {
  if (v.size() < 2) return 0;
  const double m = mean(v);
  double ss = 0;
  for (double x : v) ss += (x - m) * (x - m);
  return std::sqrt(ss / static_cast<double>(v.size() - 1));
}

std::optional<double> cv(std::span<const double> v) {
  if (v.size() < 2) return std::nullopt;
  const double m = mean(v);
  if (m == 0) return std::nullopt;
  return stddev(v) / m;
}

namespace {

// exact_two_sided_p() is the two-sided p of U = u under the exact null distribution of the
// Mann-Whitney U statistic for sample sizes n1, n2 without ties: every one of the C(n1+n2, n1)
// orderings of the pooled sample is equally likely. Counts come from the standard recurrence over
// the largest value, c(m, n, k) = c(m-1, n, k-n) + c(m, n-1, k) (Mann & Whitney 1947), kept in
// doubles (only additions, so no cancellation; C(100, 50) ~ 1e29 is far below the double range).
// p = 2 * P(U <= min(u, n1*n2 - u)), at most 1 — scipy.stats.mannwhitneyu(method="exact").
// Cost: O(min(n1,n2) * n1*n2 * max(n1,n2)) additions; callers keep n1*n2 <= kExactMaxProduct.
double exact_two_sided_p(std::size_t n1, std::size_t n2, double u) {
  const std::size_t m = std::min(n1, n2), n = std::max(n1, n2), max_u = n1 * n2;
  // f[j][k]: orderings of j values of the smaller sample and `col` of the larger with U = k.
  std::vector<std::vector<double>> f(m + 1, std::vector<double>(max_u + 1, 0.0));
  for (std::size_t j = 0; j <= m; ++j) f[j][0] = 1;  // col = 0: U is 0
  for (std::size_t col = 1; col <= n; ++col) {
    for (std::size_t j = 1; j <= m; ++j) {
      // new f[j][k] = new f[j-1][k-col] + old f[j][k]; f[j-1] already holds column `col`.
      for (std::size_t k = j * col; k >= col; --k) f[j][k] += f[j - 1][k - col];
    }
  }
  const std::vector<double>& counts = f[m];
  const double total = std::accumulate(counts.begin(), counts.end(), 0.0);
  const double lower = std::min(u, static_cast<double>(max_u) - u);
  double tail = 0;
  for (std::size_t k = 0; k <= max_u && static_cast<double>(k) <= lower + 1e-9; ++k) tail += counts[k];
  return std::clamp(2 * tail / total, 0.0, 1.0);
}

}  // namespace

bool mann_whitney_uses_exact(std::size_t n1, std::size_t n2, bool ties) {
  return !ties && n1 > 0 && n2 > 0 && n1 * n2 <= kExactMaxProduct;
}

MannWhitney mann_whitney_u(std::span<const double> a, std::span<const double> b) {
  require_non_empty(a, "mann_whitney_u");
  require_non_empty(b, "mann_whitney_u");
  const std::size_t n1 = a.size(), n2 = b.size(), n = n1 + n2;
  // Pool (value, from_a) and rank with average ranks for ties; accumulate the tie term.
  std::vector<std::pair<double, bool>> pooled;
  pooled.reserve(n);
  for (double x : a) pooled.emplace_back(x, true);
  for (double y : b) pooled.emplace_back(y, false);
  std::sort(pooled.begin(), pooled.end(), [](const auto& l, const auto& r) { return l.first < r.first; });
  double rank_sum_a = 0, tie_term = 0;
  bool ties = false;
  for (std::size_t i = 0; i < n;) {
    std::size_t j = i;
    while (j < n && pooled[j].first == pooled[i].first) ++j;
    const double t = static_cast<double>(j - i);
    if (j - i > 1) ties = true;
    const double avg_rank = (static_cast<double>(i + 1) + static_cast<double>(j)) / 2;  // ranks are 1-based
    for (std::size_t k = i; k < j; ++k) {
      if (pooled[k].second) rank_sum_a += avg_rank;
    }
    tie_term += t * t * t - t;
    i = j;
  }
  const double d1 = static_cast<double>(n1), d2 = static_cast<double>(n2), dn = static_cast<double>(n);
  MannWhitney r;
  r.u = rank_sum_a - d1 * (d1 + 1) / 2;
  const double mu = d1 * d2 / 2;
  const double var = d1 * d2 / 12 * ((dn + 1) - (n > 1 ? tie_term / (dn * (dn - 1)) : 0));
  if (var <= 0) {
    r.z = 0;
    r.p = 1;
    return r;
  }
  r.z = (std::fabs(r.u - mu) - 0.5) / std::sqrt(var);
  if (mann_whitney_uses_exact(n1, n2, ties)) {
    r.exact = true;
    r.p = exact_two_sided_p(n1, n2, r.u);
  } else {
    r.p = std::clamp(std::erfc(r.z / std::sqrt(2.0)), 0.0, 1.0);
  }
  return r;
}

double mann_whitney_min_p(std::size_t n1, std::size_t n2) {
  if (n1 == 0 || n2 == 0) return 1;
  if (mann_whitney_uses_exact(n1, n2, false)) return exact_two_sided_p(n1, n2, 0);
  const double d1 = static_cast<double>(n1), d2 = static_cast<double>(n2);
  const double sigma = std::sqrt(d1 * d2 * (d1 + d2 + 1) / 12);
  if (sigma == 0) return 1;
  const double z = (d1 * d2 / 2 - 0.5) / sigma;
  return std::clamp(std::erfc(z / std::sqrt(2.0)), 0.0, 1.0);
}

std::uint64_t seed_for(std::string_view name) { return common::fnv1a64(name); }

std::optional<Interval> bootstrap_ratio_ci(std::span<const double> base, std::span<const double> next,
                                           double confidence, std::uint64_t seed, int resamples) {
  require_non_empty(base, "bootstrap_ratio_ci");
  require_non_empty(next, "bootstrap_ratio_ci");
  check_confidence(confidence);
  std::mt19937_64 gen(seed);
  const MedianSampler base_median(base), next_median(next);
  std::vector<double> ratios;
  ratios.reserve(static_cast<std::size_t>(resamples));
  for (int i = 0; i < resamples; ++i) {
    const double mb = base_median.draw(gen);
    const double mn = next_median.draw(gen);
    if (mb > 0) ratios.push_back(mn / mb);
  }
  if (ratios.empty()) return std::nullopt;
  return percentile_interval(ratios, confidence);
}

double geomean(std::span<const double> v) {
  require_non_empty(v, "geomean");
  double log_sum = 0;
  for (double x : v) {
    if (!(x > 0)) throw std::invalid_argument("geomean: values must be positive");
    log_sum += std::log(x);
  }
  return std::exp(log_sum / static_cast<double>(v.size()));
}

std::optional<Interval> bootstrap_geomean_ci(const std::vector<SamplePair>& pairs, double confidence,
                                             std::uint64_t seed, int resamples) {
  if (pairs.empty()) throw std::invalid_argument("bootstrap_geomean_ci: no points");
  check_confidence(confidence);
  std::mt19937_64 gen(seed);
  std::vector<std::pair<MedianSampler, MedianSampler>> medians;
  medians.reserve(pairs.size());
  for (const auto& [base, next] : pairs) medians.emplace_back(base, next);
  std::vector<double> geomeans;
  geomeans.reserve(static_cast<std::size_t>(resamples));
  for (int i = 0; i < resamples; ++i) {
    double log_sum = 0;
    bool usable = true;
    for (const auto& [base, next] : medians) {
      const double mb = base.draw(gen);
      const double mn = next.draw(gen);
      if (!(mb > 0 && mn > 0)) usable = false;  // keep drawing so the stream stays aligned
      else log_sum += std::log(mn / mb);
    }
    if (usable) geomeans.push_back(std::exp(log_sum / static_cast<double>(pairs.size())));
  }
  if (geomeans.empty()) return std::nullopt;
  return percentile_interval(geomeans, confidence);
}

std::vector<double> holm_bonferroni(std::span<const double> p) {
  const std::size_t m = p.size();
  std::vector<std::size_t> order(m);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t l, std::size_t r) { return p[l] < p[r]; });
  std::vector<double> adjusted(m);
  double running_max = 0;
  for (std::size_t j = 0; j < m; ++j) {
    const double scaled = std::min(1.0, static_cast<double>(m - j) * p[order[j]]);
    running_max = std::max(running_max, scaled);
    adjusted[order[j]] = running_max;
  }
  return adjusted;
}

}  // namespace ccb::reports::stats
